#include "backends/rocksdb/rocksdb_format.h"

#include <span>

#include "engine/big_endian.h"
#include "engine/log/crc32c.h"

namespace ringlog::rocksdb_format {
namespace {

constexpr uint64_t kOffsetEnd = ~uint64_t{0};

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

void PutU32(std::string* out, uint32_t v) {
  uint8_t buf[4];
  StoreBigEndian(buf, v);
  out->append(reinterpret_cast<const char*>(buf), sizeof(buf));
}

void PutU64(std::string* out, uint64_t v) {
  uint8_t buf[8];
  StoreBigEndian(buf, v);
  out->append(reinterpret_cast<const char*>(buf), sizeof(buf));
}

template <typename T>
T Load(std::string_view s, size_t pos) {
  return LoadBigEndian<T>(reinterpret_cast<const uint8_t*>(s.data()) + pos);
}

// | tag (when not 0) | partition id | offset |
std::string OffsetKey(char tag, uint32_t partition_id, uint64_t offset) {
  std::string key;
  key.reserve(1 + kDataKeySize);
  if (tag != 0) key.push_back(tag);
  PutU32(&key, partition_id);
  PutU64(&key, offset);
  return key;
}

Result<Offset> DecodeOffsetKey(char tag, uint32_t partition_id, std::string_view key) {
  const size_t tag_size = tag != 0 ? 1 : 0;
  if (key.size() != tag_size + kDataKeySize || (tag != 0 && key[0] != tag) ||
      Load<uint32_t>(key, tag_size) != partition_id) {
    return Status::Corruption("rocksdb: malformed key for partition id " +
                              std::to_string(partition_id));
  }
  const uint64_t offset = Load<uint64_t>(key, tag_size + 4);
  if (offset > static_cast<uint64_t>(INT64_MAX)) {
    return Status::Corruption("rocksdb: key holds an offset beyond the int64 range");
  }
  return static_cast<Offset>(offset);
}

}  // namespace

std::string DataKey(uint32_t partition_id, Offset offset) {
  return OffsetKey(0, partition_id, static_cast<uint64_t>(offset));
}
std::string DataKeyEnd(uint32_t partition_id) { return OffsetKey(0, partition_id, kOffsetEnd); }
Result<Offset> DecodeDataKey(uint32_t partition_id, std::string_view key) {
  return DecodeOffsetKey(0, partition_id, key);
}

Result<BatchHeader> DecodeStoredBatch(Offset key_offset, std::string_view value) {
  Result<BatchHeader> header = DecodeBatchHeader(Bytes(value));
  if (!header.ok()) {
    return Status::Corruption("rocksdb: batch stored at offset " + std::to_string(key_offset) +
                              ": " + header.status().message());
  }
  if (header->base_offset != key_offset || header->size_bytes() != value.size()) {
    return Status::Corruption("rocksdb: batch stored at offset " + std::to_string(key_offset) +
                              " says base offset " + std::to_string(header->base_offset) + " and " +
                              std::to_string(header->size_bytes()) + " bytes, has " +
                              std::to_string(value.size()));
  }
  return header;
}

Status VerifyStoredBatchCrc(std::string_view value) {
  Result<RecordBatchView> batch = RecordBatchView::Parse(Bytes(value));
  if (!batch.ok()) return batch.status();
  return batch->VerifyCrc();
}

std::string PartitionKey(const PartitionId& partition) {
  std::string key(1, kPartitionTag);
  key += partition.topic;
  key.push_back('\0');
  PutU32(&key, static_cast<uint32_t>(partition.partition));
  return key;
}

Result<PartitionId> DecodePartitionKey(std::string_view key) {
  const size_t nul = key.find('\0');
  if (key.empty() || key[0] != kPartitionTag || nul == std::string_view::npos ||
      key.size() != nul + 5) {
    return Status::Corruption("rocksdb: malformed partition key");
  }
  PartitionId id;
  id.topic = std::string(key.substr(1, nul - 1));
  id.partition = Load<int32_t>(key, nul + 1);
  return id;
}

std::string EncodePartitionRecord(uint32_t partition_id) {
  std::string value(1, static_cast<char>(kPartitionRecordVersion));
  PutU32(&value, partition_id);
  return value;
}

Result<uint32_t> DecodePartitionRecord(std::string_view value) {
  if (value.size() != kPartitionRecordSize ||
      static_cast<uint8_t>(value[0]) != kPartitionRecordVersion) {
    return Status::Corruption("rocksdb: malformed partition id record (" +
                              std::to_string(value.size()) + " bytes)");
  }
  return Load<uint32_t>(value, 1);
}

std::string SegmentKey(uint32_t partition_id, Offset base_offset) {
  return OffsetKey(kSegmentTag, partition_id, static_cast<uint64_t>(base_offset));
}
std::string SegmentKeyEnd(uint32_t partition_id) {
  return OffsetKey(kSegmentTag, partition_id, kOffsetEnd);
}
Result<Offset> DecodeSegmentKey(uint32_t partition_id, std::string_view key) {
  return DecodeOffsetKey(kSegmentTag, partition_id, key);
}

std::string EncodeSegmentRecord(const SegmentRecord& record) {
  std::string value;
  value.reserve(kSegmentRecordSize);
  value.push_back(static_cast<char>(kSegmentRecordVersion));
  value.push_back(static_cast<char>(record.sealed ? kSegmentSealedFlag : 0));
  PutU64(&value, static_cast<uint64_t>(record.next_offset));
  PutU64(&value, record.size_bytes);
  PutU64(&value, static_cast<uint64_t>(record.max_timestamp));
  PutU32(&value, Crc32c(Bytes(value)));
  return value;
}

Result<SegmentRecord> DecodeSegmentRecord(std::string_view value) {
  if (value.size() != kSegmentRecordSize) {
    return Status::Corruption("rocksdb: segment record has " + std::to_string(value.size()) +
                              " bytes, expected " + std::to_string(kSegmentRecordSize));
  }
  const size_t crc_pos = kSegmentRecordSize - 4;
  if (Crc32c(Bytes(value.substr(0, crc_pos))) != Load<uint32_t>(value, crc_pos)) {
    return Status::Corruption("rocksdb: segment record fails its CRC-32C check");
  }
  if (static_cast<uint8_t>(value[0]) != kSegmentRecordVersion) {
    return Status::Corruption("rocksdb: segment record version " +
                              std::to_string(static_cast<uint8_t>(value[0])) + " is unknown");
  }
  SegmentRecord record;
  record.sealed = (static_cast<uint8_t>(value[1]) & kSegmentSealedFlag) != 0;
  record.next_offset = Load<int64_t>(value, 2);
  record.size_bytes = Load<uint64_t>(value, 10);
  record.max_timestamp = Load<int64_t>(value, 18);
  if (record.next_offset < 0) {
    return Status::Corruption("rocksdb: segment record has a negative next offset");
  }
  return record;
}

std::string TimeKey(uint32_t partition_id, Offset offset) {
  return OffsetKey(kTimeTag, partition_id, static_cast<uint64_t>(offset));
}
std::string TimeKeyEnd(uint32_t partition_id) {
  return OffsetKey(kTimeTag, partition_id, kOffsetEnd);
}
Result<Offset> DecodeTimeKey(uint32_t partition_id, std::string_view key) {
  return DecodeOffsetKey(kTimeTag, partition_id, key);
}

std::string EncodeTimeValue(TimestampMs timestamp) {
  std::string value;
  PutU64(&value, static_cast<uint64_t>(timestamp));
  return value;
}

Result<TimestampMs> DecodeTimeValue(std::string_view value) {
  if (value.size() != kTimeValueSize) {
    return Status::Corruption("rocksdb: malformed time index entry");
  }
  return Load<int64_t>(value, 0);
}

std::string MetaKey(std::string_view name) {
  std::string key(1, kMetaTag);
  key += name;
  return key;
}

std::string EncodeMetaValue(std::string_view value) {
  std::string stored;
  stored.reserve(kMetaValueCrcSize + value.size());
  PutU32(&stored, Crc32c(Bytes(value)));
  stored += value;
  return stored;
}

Result<std::string> DecodeMetaValue(std::string_view stored) {
  if (stored.size() < kMetaValueCrcSize ||
      Crc32c(Bytes(stored.substr(kMetaValueCrcSize))) != Load<uint32_t>(stored, 0)) {
    return Status::Corruption("rocksdb: meta record fails its CRC-32C check");
  }
  return std::string(stored.substr(kMetaValueCrcSize));
}

std::string PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<uint8_t>(end.back()) == 0xFF) end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(static_cast<uint8_t>(end.back()) + 1);
  return end;
}

}  // namespace ringlog::rocksdb_format
