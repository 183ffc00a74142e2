// The RocksDB backend's key and value layouts, in one place (the counterpart of the
// raw-file layouts in engine/log/format.h). Pure byte encoding: no RocksDB include, no I/O.
//
// Two column families:
//
//   "default" (data): one entry per record batch, the batch bytes exactly as received.
//     key   | partition id u32 BE | batch base offset u64 BE |            (12 bytes)
//     value | the whole RecordBatch v2 |
//   Keys sort by partition, then offset, so a partition is one key range, a segment is the
//   sub-range [its base offset, the next segment's base offset), and finding the batch that
//   holds an offset is a SeekForPrev.
//
//   "meta": everything else, told apart by a one-byte tag.
//     'P' | topic | 0x00 | partition i32 BE |  ->  | version u8 | partition id u32 BE |
//         the compact id that prefixes the partition's data keys.
//     'S' | partition id u32 BE | base offset u64 BE |  ->  segment record:
//         | version u8 | flags u8 (bit 0: sealed) | next offset u64 | size u64 |
//         | max timestamp i64 | CRC-32C u32 of the preceding 26 bytes |   (30 bytes)
//         rewritten in the same WriteBatch as every append, so it never disagrees with
//         the data after a crash.
//     'T' | partition id u32 BE | batch base offset u64 BE |  ->  | timestamp i64 BE |
//         time index: written for a batch when it raises its segment's running maximum
//         timestamp to `timestamp` (the same entries as engine/log/time_index.h, one per rise).
//     'M' | name |  ->  | CRC-32C u32 of the value | value |
//         the StorageBackend meta store.
//
// Topic names never contain 0x00 (Kafka allows [A-Za-z0-9._-]), so 'P' keys decode
// unambiguously. All integers are big-endian; offsets are never negative, so their u64
// encoding sorts like the offsets.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/log/record_batch.h"
#include "engine/status.h"
#include "engine/types.h"

namespace ringlog::rocksdb_format {

inline constexpr std::string_view kDataColumnFamily = "default";
inline constexpr std::string_view kMetaColumnFamily = "meta";

inline constexpr char kPartitionTag = 'P';
inline constexpr char kSegmentTag = 'S';
inline constexpr char kTimeTag = 'T';
inline constexpr char kMetaTag = 'M';

inline constexpr uint8_t kPartitionRecordVersion = 1;
inline constexpr size_t kPartitionRecordSize = 5;
inline constexpr uint8_t kSegmentRecordVersion = 1;
inline constexpr size_t kSegmentRecordSize = 30;
inline constexpr uint8_t kSegmentSealedFlag = 0x01;
inline constexpr size_t kDataKeySize = 12;
inline constexpr size_t kTimeValueSize = 8;
inline constexpr size_t kMetaValueCrcSize = 4;

// What the 'S' record says about a segment (its base offset is in the key).
struct SegmentRecord {
  Offset next_offset = 0;
  uint64_t size_bytes = 0;
  TimestampMs max_timestamp = kNoTimestamp;
  bool sealed = false;

  friend bool operator==(const SegmentRecord&, const SegmentRecord&) = default;
};

// Data keys. DataKeyEnd(id) sorts after every data key of partition `id` and before any of
// partition id + 1 (its offset part is all ones, which no real offset reaches).
std::string DataKey(uint32_t partition_id, Offset offset);
std::string DataKeyEnd(uint32_t partition_id);
// The offset in a data key of partition `partition_id`; Corruption when the key is not one.
Result<Offset> DecodeDataKey(uint32_t partition_id, std::string_view key);

// The header of the batch stored under data key `key_offset`. Corruption unless the value
// is exactly one batch whose base offset is the key's; the CRC is not checked here.
Result<BatchHeader> DecodeStoredBatch(Offset key_offset, std::string_view value);
// Corruption when the batch's CRC-32C does not match its bytes.
// REQUIRES: DecodeStoredBatch accepted `value`.
Status VerifyStoredBatchCrc(std::string_view value);

// Partition id records.
std::string PartitionKey(const PartitionId& partition);
Result<PartitionId> DecodePartitionKey(std::string_view key);
std::string EncodePartitionRecord(uint32_t partition_id);
Result<uint32_t> DecodePartitionRecord(std::string_view value);

// Segment records, keyed like data keys under the 'S' tag.
std::string SegmentKey(uint32_t partition_id, Offset base_offset);
std::string SegmentKeyEnd(uint32_t partition_id);
Result<Offset> DecodeSegmentKey(uint32_t partition_id, std::string_view key);
std::string EncodeSegmentRecord(const SegmentRecord& record);
// Corruption when the size, version or checksum is wrong.
Result<SegmentRecord> DecodeSegmentRecord(std::string_view value);

// Time index entries, keyed like data keys under the 'T' tag.
std::string TimeKey(uint32_t partition_id, Offset offset);
std::string TimeKeyEnd(uint32_t partition_id);
Result<Offset> DecodeTimeKey(uint32_t partition_id, std::string_view key);
std::string EncodeTimeValue(TimestampMs timestamp);
Result<TimestampMs> DecodeTimeValue(std::string_view value);

// Meta store entries. MetaKey("") is the prefix of every meta store key.
std::string MetaKey(std::string_view name);
std::string EncodeMetaValue(std::string_view value);
// The stored value; Corruption when its checksum does not match.
Result<std::string> DecodeMetaValue(std::string_view stored);

// The smallest key greater than every key that starts with `prefix`; empty when there is
// none (the prefix is all 0xFF bytes).
std::string PrefixEnd(std::string_view prefix);

}  // namespace ringlog::rocksdb_format
