// ProduceTemplate: one Produce request (v7, one batch per partition) encoded once and
// sent many times, so that producing costs the load generator a few stores per request
// while the broker decodes, validates and stores every byte.
//
// Every batch holds `records_per_batch` records of `record_bytes` each (null keys, no
// headers): the same value in every record, or, for compressed batches, text-like values
// that differ from record to record, so that the codec and the broker's check of the
// batch do real work (lz4 and zstd shrink them about 2-3 times). What changes between sends is
// patched in place: the correlation id (KafkaConnection::Send), acks, and, for latency runs, the
// send time in the first 8 bytes of every record value (which costs a CRC over each batch).
//
// Thread-compatible; a sender owns its template.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/log/compression/compression_type.h"
#include "engine/status.h"

namespace ringlog::bench {

struct ProduceTemplateOptions {
  std::string topic;
  std::vector<int32_t> partitions = {0};  // one batch for each
  int records_per_batch = 1;
  int record_bytes = 100;
  CompressionType compression = CompressionType::kNone;
  int16_t acks = 1;  // 0, 1 or -1 (all)
  int32_t timeout_ms = 30000;
};

class ProduceTemplate {
 public:
  // InvalidArgument for an empty partition list, a count below 1 or values shorter than
  // the 8 bytes a send time needs.
  static Result<ProduceTemplate> Build(const ProduceTemplateOptions& options);

  // The whole request frame, size prefix included.
  std::span<uint8_t> frame() { return {frame_.data(), frame_.size()}; }
  int16_t acks() const { return acks_; }
  void SetAcks(int16_t acks);
  // Writes `send_time_ns` (big-endian) into every record value and re-checksums.
  // REQUIRES: an uncompressed template (a compressed one has no values to patch).
  void StampSendTime(int64_t send_time_ns);

  // Records and record-batch bytes per request (what the broker stores).
  int64_t records_per_request() const { return records_per_request_; }
  int64_t batch_bytes_per_request() const { return batch_bytes_per_request_; }

 private:
  ProduceTemplate() = default;

  std::vector<uint8_t> frame_;
  int16_t acks_ = 1;
  CompressionType compression_ = CompressionType::kNone;
  size_t acks_position_ = 0;
  struct Batch {
    size_t position = 0;  // in frame_
    size_t size = 0;
    std::vector<size_t> value_positions;  // in frame_
  };
  std::vector<Batch> batches_;
  int64_t records_per_request_ = 0;
  int64_t batch_bytes_per_request_ = 0;
};

}  // namespace ringlog::bench
