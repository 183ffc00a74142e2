// Kafka RecordBatch v2 (magic 2): the unit ringlog receives, stores and serves, byte for
// byte. The layout is documented in engine/log/format.h (kBatch* constants).
//
// The broker only ever rewrites fields outside the CRC (base offset, partition leader
// epoch), except for LogAppendTime topics, whose max timestamp and attributes change and
// whose CRC is recomputed.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "engine/log/compression/compression_type.h"
#include "engine/log/format.h"
#include "engine/status.h"
#include "engine/types.h"

namespace ringlog {

enum class TimestampType : uint8_t { kCreateTime = 0, kLogAppendTime = 1 };

// The fixed 61-byte header of a batch, decoded.
struct BatchHeader {
  Offset base_offset = 0;
  int32_t batch_length = 0;  // bytes after the length field: whole batch = 12 + batch_length
  int32_t partition_leader_epoch = 0;
  int8_t magic = 0;
  uint32_t crc = 0;
  int16_t attributes = 0;
  int32_t last_offset_delta = 0;
  TimestampMs base_timestamp = 0;
  TimestampMs max_timestamp = 0;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
  int32_t record_count = 0;

  uint64_t size_bytes() const { return kBatchLogOverhead + static_cast<uint64_t>(batch_length); }
  Offset last_offset() const { return base_offset + last_offset_delta; }
  Offset next_offset() const { return last_offset() + 1; }
  CompressionType compression() const {
    return static_cast<CompressionType>(attributes & kBatchAttrCompressionMask);
  }
  TimestampType timestamp_type() const {
    return (attributes & kBatchAttrLogAppendTime) ? TimestampType::kLogAppendTime
                                                  : TimestampType::kCreateTime;
  }
  bool is_transactional() const { return attributes & kBatchAttrTransactional; }
  bool is_control() const { return attributes & kBatchAttrControl; }
};

// Decodes the header at the front of `bytes`, which needs only kBatchHeaderSize bytes (not
// the whole batch), so file scans can read headers alone. Fails with Corruption when the
// magic is not 2 or the header is inconsistent (length below the header size, negative
// base offset, record count or offset delta, or offsets past the largest Offset), and with
// OutOfRange when fewer than kBatchHeaderSize bytes are given.
Result<BatchHeader> DecodeBatchHeader(std::span<const uint8_t> bytes);

// A read-only view of one whole batch in a caller-owned buffer, which must outlive it.
class RecordBatchView {
 public:
  // Views the batch at the front of `bytes`: the header decodes and `bytes` holds the whole
  // batch (trailing bytes are ignored). Does not check the CRC.
  static Result<RecordBatchView> Parse(std::span<const uint8_t> bytes);

  const BatchHeader& header() const { return header_; }
  std::span<const uint8_t> bytes() const { return bytes_; }
  uint64_t size_bytes() const { return bytes_.size(); }

  // Corruption when the stored CRC-32C does not match the bytes it covers.
  Status VerifyCrc() const;
  // The CRC-32C of the bytes the header's crc field covers.
  uint32_t ComputeCrc() const;

 private:
  RecordBatchView(BatchHeader header, std::span<const uint8_t> bytes)
      : header_(header), bytes_(bytes) {}

  BatchHeader header_;
  std::span<const uint8_t> bytes_;
};

// The most the records of a compressed batch may decompress to by default: far above
// what clients send (their uncompressed batches stay within max.request.size or
// message.max.bytes, 1 MB by default), far below what a decompression bomb would take.
inline constexpr size_t kDefaultMaxDecompressedBytes = 64 << 20;

// Checks what the broker must refuse from a producer, as Kafka does on produce: a wrong
// CRC (Corruption), a control batch, a record count that disagrees with lastOffsetDelta
// or with the records (InvalidArgument), an unknown codec (InvalidArgument), records
// whose framing is wrong (Corruption) or whose offset deltas are not 0..n-1
// (InvalidArgument). A compressed batch is decompressed to be checked the same way
// (Corruption when its records section is not valid data of its codec; TooLarge when
// they decompress to more than `max_decompressed_bytes`), into the calling thread's
// reused buffer (Decompressor::ForThisThread); the batch itself is left as it is.
Status ValidateProducerBatch(const RecordBatchView& batch,
                             size_t max_decompressed_bytes = kDefaultMaxDecompressedBytes);

// In-place rewrites of a whole batch held in `batch` (which Parse accepted).
// Fields outside the CRC: the checksum stays valid.
void SetBaseOffset(std::span<uint8_t> batch, Offset base_offset);
void SetPartitionLeaderEpoch(std::span<uint8_t> batch, int32_t epoch);
// Marks the batch LogAppendTime with max timestamp `now` and recomputes the CRC.
void SetLogAppendTime(std::span<uint8_t> batch, TimestampMs now);

// One record of an uncompressed batch. Spans point into the batch's buffer.
struct RecordHeader {
  std::span<const uint8_t> key;
  std::optional<std::span<const uint8_t>> value;  // nullopt: null value
};
struct Record {
  Offset offset = 0;
  TimestampMs timestamp = 0;
  std::optional<std::span<const uint8_t>> key;    // nullopt: null key
  std::optional<std::span<const uint8_t>> value;  // nullopt: null value (a tombstone)
  std::vector<RecordHeader> headers;
};

// Decodes every record of an uncompressed batch (NotSupported for compressed ones, whose
// records the broker never needs to open). Corruption when the records section is
// malformed: a varint runs past the end, a length lies, or the count disagrees.
Result<std::vector<Record>> DecodeRecords(const RecordBatchView& batch);

// Splits `bytes` into consecutive whole batches, stopping at the first one that does not
// fully fit. Headers are decoded; CRCs are not checked.
class BatchIterator {
 public:
  explicit BatchIterator(std::span<const uint8_t> bytes) : rest_(bytes) {}
  // The next whole batch, or nullopt at the end of the buffer or at a partial batch.
  // A malformed header sets status() and ends the iteration.
  std::optional<RecordBatchView> Next();
  // Bytes consumed by the batches returned so far.
  uint64_t consumed() const { return consumed_; }
  const Status& status() const { return status_; }

 private:
  std::span<const uint8_t> rest_;
  uint64_t consumed_ = 0;
  Status status_;
};

}  // namespace ringlog
