#include "engine/log/record_batch.h"

#include <algorithm>
#include <limits>
#include <string>

#include "engine/big_endian.h"
#include "engine/log/compression/decompressor.h"
#include "engine/log/crc32c.h"
#include "engine/varint.h"

namespace ringlog {
namespace {

// The smallest legal batch length: the header after the length field, with no records.
constexpr int32_t kMinBatchLength = static_cast<int32_t>(kBatchHeaderSize - kBatchLogOverhead);
// The smallest encoded record: length, attributes, timestamp delta, offset delta, key
// length, value length and header count, one byte each.
constexpr size_t kMinRecordSize = 7;

// A nullable byte field: varint length (negative: null), then the bytes.
bool ReadNullableBytes(VarintReader& in, std::optional<std::span<const uint8_t>>* out) {
  int32_t len;
  if (!in.ReadVarint(&len)) return false;
  if (len < 0) {
    out->reset();
    return true;
  }
  std::span<const uint8_t> bytes;
  if (!in.ReadBytes(static_cast<size_t>(len), &bytes)) return false;
  *out = bytes;
  return true;
}

// How a record body failed to parse; turned into a message only when one does.
struct RecordFault {
  enum class Kind : uint8_t { kField, kDeltaOverflow, kHeaderCount, kNullHeaderKey };
  Kind kind = Kind::kField;
  int32_t header_count = 0;  // kHeaderCount
};

Status RecordFaultStatus(int32_t i, const RecordFault& fault, const VarintReader& in) {
  const std::string record = "record " + std::to_string(i);
  switch (fault.kind) {
    case RecordFault::Kind::kField:
      return in.error().WithContext(record);
    case RecordFault::Kind::kDeltaOverflow:
      return Status::Corruption(record + " delta overflows");
    case RecordFault::Kind::kHeaderCount:
      return Status::Corruption(record + " header count " + std::to_string(fault.header_count) +
                                " is impossible");
    case RecordFault::Kind::kNullHeaderKey:
      return Status::Corruption(record + " has a header with a null key");
  }
  return Status::Corruption(record + " is malformed");
}

// Parses the body of one record (everything after its length) into `r`, whose header
// vector is reused so that walking a batch allocates nothing per record. False with
// `fault` set when the body is malformed.
bool ParseRecordBody(VarintReader& in, const BatchHeader& h, Record* r, RecordFault* fault) {
  std::span<const uint8_t> attributes;  // unused by the format
  int64_t ts_delta;
  int32_t offset_delta;
  if (!in.ReadBytes(1, &attributes) || !in.ReadVarlong(&ts_delta) ||
      !in.ReadVarint(&offset_delta)) {
    return false;
  }
  if (__builtin_add_overflow(h.base_timestamp, ts_delta, &r->timestamp) ||
      __builtin_add_overflow(h.base_offset, offset_delta, &r->offset)) {
    fault->kind = RecordFault::Kind::kDeltaOverflow;
    return false;
  }
  int32_t header_count;
  if (!ReadNullableBytes(in, &r->key) || !ReadNullableBytes(in, &r->value) ||
      !in.ReadVarint(&header_count)) {
    return false;
  }
  if (header_count < 0 || static_cast<uint64_t>(header_count) > in.remaining()) {
    fault->kind = RecordFault::Kind::kHeaderCount;
    fault->header_count = header_count;
    return false;
  }
  r->headers.clear();
  for (int32_t j = 0; j < header_count; ++j) {
    std::optional<std::span<const uint8_t>> key;
    RecordHeader header;
    if (!ReadNullableBytes(in, &key)) return false;
    if (!key) {
      fault->kind = RecordFault::Kind::kNullHeaderKey;
      return false;
    }
    header.key = *key;
    if (!ReadNullableBytes(in, &header.value)) return false;
    r->headers.push_back(header);
  }
  return true;
}

// Calls visit(i, record) for each of the h.record_count records in `records` (an
// uncompressed records section), in order, stopping at the first error it returns.
// Corruption when the records section is malformed.
template <typename Visit>
Status ForEachRecord(const BatchHeader& h, std::span<const uint8_t> records, Visit visit) {
  VarintReader in(records);
  Record r;
  for (int32_t i = 0; i < h.record_count; ++i) {
    int32_t length;
    if (!in.ReadVarint(&length)) return in.error().WithContext("record " + std::to_string(i));
    std::span<const uint8_t> body_bytes;
    if (length < 0 || !in.ReadBytes(static_cast<size_t>(length), &body_bytes)) {
      return Status::Corruption("record " + std::to_string(i) + " length " +
                                std::to_string(length) + " runs past the batch");
    }
    // Each record is read through its own reader so no field can spill into the next.
    VarintReader body(body_bytes);
    RecordFault fault;
    if (!ParseRecordBody(body, h, &r, &fault)) [[unlikely]] {
      return RecordFaultStatus(i, fault, body);
    }
    if (body.remaining() != 0) {
      return Status::Corruption("record " + std::to_string(i) +
                                " length disagrees with its fields");
    }
    RETURN_IF_ERROR(visit(i, r));
  }
  if (in.remaining() != 0) {
    return Status::Corruption("record batch has " + std::to_string(in.remaining()) +
                              " bytes after its last record");
  }
  return Status::OK();
}

// The records of a producer's batch: well framed, and with the offset deltas 0..n-1 that
// assigning offsets in place needs.
Status CheckRecords(const BatchHeader& h, std::span<const uint8_t> records) {
  Offset expected = h.base_offset;
  return ForEachRecord(h, records, [&expected, &h](int32_t i, const Record& r) {
    if (r.offset != expected++) {
      return Status::InvalidArgument("record " + std::to_string(i) + " has offset delta " +
                                     std::to_string(r.offset - h.base_offset));
    }
    return Status::OK();
  });
}

}  // namespace

Result<BatchHeader> DecodeBatchHeader(std::span<const uint8_t> bytes) {
  if (bytes.size() < kBatchHeaderSize) {
    return Status::OutOfRange("record batch header needs " + std::to_string(kBatchHeaderSize) +
                              " bytes, have " + std::to_string(bytes.size()));
  }
  const uint8_t* p = bytes.data();
  BatchHeader h;
  h.magic = static_cast<int8_t>(p[kBatchMagicPos]);
  if (h.magic != kBatchMagicV2) {
    return Status::Corruption("record batch magic " + std::to_string(h.magic) +
                              ", only magic 2 is supported");
  }
  h.base_offset = LoadBigEndian<int64_t>(p + kBatchBaseOffsetPos);
  h.batch_length = LoadBigEndian<int32_t>(p + kBatchLengthPos);
  h.partition_leader_epoch = LoadBigEndian<int32_t>(p + kBatchLeaderEpochPos);
  h.crc = LoadBigEndian<uint32_t>(p + kBatchCrcPos);
  h.attributes = LoadBigEndian<int16_t>(p + kBatchAttributesPos);
  h.last_offset_delta = LoadBigEndian<int32_t>(p + kBatchLastOffsetDeltaPos);
  h.base_timestamp = LoadBigEndian<int64_t>(p + kBatchBaseTimestampPos);
  h.max_timestamp = LoadBigEndian<int64_t>(p + kBatchMaxTimestampPos);
  h.producer_id = LoadBigEndian<int64_t>(p + kBatchProducerIdPos);
  h.producer_epoch = LoadBigEndian<int16_t>(p + kBatchProducerEpochPos);
  h.base_sequence = LoadBigEndian<int32_t>(p + kBatchBaseSequencePos);
  h.record_count = LoadBigEndian<int32_t>(p + kBatchRecordCountPos);
  if (h.batch_length < kMinBatchLength) {
    return Status::Corruption("record batch length " + std::to_string(h.batch_length) +
                              " is below the header size");
  }
  if (h.base_offset < 0 || h.last_offset_delta < 0 || h.record_count < 0) {
    return Status::Corruption("record batch has a negative base offset, offset delta or count");
  }
  // next_offset() must fit: a header from a damaged file or a hostile producer could put
  // the base offset at the top of the range (base offsets lie outside the CRC).
  if (h.base_offset > std::numeric_limits<Offset>::max() - 1 - h.last_offset_delta) {
    return Status::Corruption("record batch offsets from " + std::to_string(h.base_offset) +
                              " overflow with offset delta " + std::to_string(h.last_offset_delta));
  }
  return h;
}

Result<RecordBatchView> RecordBatchView::Parse(std::span<const uint8_t> bytes) {
  ASSIGN_OR_RETURN(BatchHeader header, DecodeBatchHeader(bytes));
  if (bytes.size() < header.size_bytes()) {
    return Status::Corruption("record batch says " + std::to_string(header.size_bytes()) +
                              " bytes, buffer has " + std::to_string(bytes.size()));
  }
  return RecordBatchView(header, bytes.first(header.size_bytes()));
}

uint32_t RecordBatchView::ComputeCrc() const { return Crc32c(bytes_.subspan(kBatchAttributesPos)); }

Status RecordBatchView::VerifyCrc() const {
  uint32_t actual = ComputeCrc();
  if (actual != header_.crc) {
    return Status::Corruption("record batch at offset " + std::to_string(header_.base_offset) +
                              ": CRC-32C mismatch (stored " + std::to_string(header_.crc) +
                              ", computed " + std::to_string(actual) + ")");
  }
  return Status::OK();
}

Status ValidateProducerBatch(const RecordBatchView& batch, size_t max_decompressed_bytes) {
  const BatchHeader& h = batch.header();
  RETURN_IF_ERROR(batch.VerifyCrc());
  if (h.is_control()) return Status::InvalidArgument("producers may not write control batches");
  if (h.record_count == 0) return Status::InvalidArgument("record batch holds no records");
  if (h.last_offset_delta != h.record_count - 1) {
    return Status::InvalidArgument("record batch lastOffsetDelta " +
                                   std::to_string(h.last_offset_delta) + " disagrees with " +
                                   std::to_string(h.record_count) + " records");
  }
  if (h.compression() > CompressionType::kZstd) {
    return Status::InvalidArgument("unknown compression codec " +
                                   std::to_string(static_cast<int>(h.compression())));
  }
  const std::span<const uint8_t> section = batch.bytes().subspan(kBatchHeaderSize);
  if (h.compression() == CompressionType::kNone) return CheckRecords(h, section);
  // Consumers must be able to read what is acknowledged, so compressed records are
  // opened and checked too; the batch is still stored as it came, compressed.
  Decompressor& decompressor = Decompressor::ForThisThread();
  Result<std::span<const uint8_t>> records =
      decompressor.Decompress(h.compression(), section, max_decompressed_bytes);
  Status checked = records.ok() ? CheckRecords(h, *records) : records.status();
  decompressor.Trim();
  if (checked.ok()) return checked;
  return checked.WithContext(std::string(CompressionName(h.compression())) + " record batch");
}

void SetBaseOffset(std::span<uint8_t> batch, Offset base_offset) {
  CHECK_GE(batch.size(), kBatchHeaderSize);
  StoreBigEndian<int64_t>(batch.data() + kBatchBaseOffsetPos, base_offset);
}

void SetPartitionLeaderEpoch(std::span<uint8_t> batch, int32_t epoch) {
  CHECK_GE(batch.size(), kBatchHeaderSize);
  StoreBigEndian<int32_t>(batch.data() + kBatchLeaderEpochPos, epoch);
}

void SetLogAppendTime(std::span<uint8_t> batch, TimestampMs now) {
  CHECK_GE(batch.size(), kBatchHeaderSize);
  uint8_t* p = batch.data();
  auto attributes = LoadBigEndian<int16_t>(p + kBatchAttributesPos);
  StoreBigEndian<int16_t>(p + kBatchAttributesPos,
                          static_cast<int16_t>(attributes | kBatchAttrLogAppendTime));
  StoreBigEndian<int64_t>(p + kBatchMaxTimestampPos, now);
  StoreBigEndian<uint32_t>(p + kBatchCrcPos,
                           Crc32c(std::span<const uint8_t>(batch).subspan(kBatchAttributesPos)));
}

Result<std::vector<Record>> DecodeRecords(const RecordBatchView& batch) {
  if (batch.header().compression() != CompressionType::kNone) {
    return Status::NotSupported("records of a compressed batch are not decoded by the broker");
  }
  std::vector<Record> records;
  // The count is untrusted: reserve no more records than the bytes could hold.
  records.reserve(std::min(static_cast<size_t>(batch.header().record_count),
                           (batch.size_bytes() - kBatchHeaderSize) / kMinRecordSize));
  RETURN_IF_ERROR(ForEachRecord(batch.header(), batch.bytes().subspan(kBatchHeaderSize),
                                [&records](int32_t, const Record& r) {
                                  records.push_back(r);
                                  return Status::OK();
                                }));
  return records;
}

std::optional<RecordBatchView> BatchIterator::Next() {
  if (!status_.ok() || rest_.size() < kBatchHeaderSize) return std::nullopt;
  Result<BatchHeader> header = DecodeBatchHeader(rest_);
  if (!header.ok()) {
    status_ = header.status();
    return std::nullopt;
  }
  if (rest_.size() < header->size_bytes()) return std::nullopt;
  Result<RecordBatchView> view = RecordBatchView::Parse(rest_);
  if (!view.ok()) {
    status_ = view.status();
    return std::nullopt;
  }
  rest_ = rest_.subspan(view->size_bytes());
  consumed_ += view->size_bytes();
  return *view;
}

}  // namespace ringlog
