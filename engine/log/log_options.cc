#include "engine/log/log_options.h"

#include <string>

#include "engine/log/format.h"

namespace ringlog {

Status LogOptions::Validate() const {
  if (segment_bytes < kBatchHeaderSize) {
    return Status::InvalidArgument("segment.bytes must be at least " +
                                   std::to_string(kBatchHeaderSize) + ", got " +
                                   std::to_string(segment_bytes));
  }
  if (segment_bytes > UINT32_MAX) {
    // Index entries store 32-bit file positions.
    return Status::InvalidArgument("segment.bytes must fit 32 bits, got " +
                                   std::to_string(segment_bytes));
  }
  if (segment_ms <= 0) {
    return Status::InvalidArgument("segment.ms must be positive, got " +
                                   std::to_string(segment_ms));
  }
  if (retention_ms < -1) {
    return Status::InvalidArgument("retention.ms must be -1 or more, got " +
                                   std::to_string(retention_ms));
  }
  if (retention_bytes < -1) {
    return Status::InvalidArgument("retention.bytes must be -1 or more, got " +
                                   std::to_string(retention_bytes));
  }
  if (producer_id_expiration_ms <= 0) {
    return Status::InvalidArgument("producer.id.expiration.ms must be positive, got " +
                                   std::to_string(producer_id_expiration_ms));
  }
  if (index_interval_bytes == 0) {
    return Status::InvalidArgument("index.interval.bytes must be positive");
  }
  if (max_message_bytes < kBatchHeaderSize) {
    return Status::InvalidArgument("max.message.bytes must be at least " +
                                   std::to_string(kBatchHeaderSize) + ", got " +
                                   std::to_string(max_message_bytes));
  }
  if (flush_interval_messages <= 0) {
    return Status::InvalidArgument("flush.messages must be positive, got " +
                                   std::to_string(flush_interval_messages));
  }
  if (flush_interval_ms < 0) {
    return Status::InvalidArgument("flush.ms must be 0 or more, got " +
                                   std::to_string(flush_interval_ms));
  }
  if (min_insync_replicas < 1) {
    return Status::InvalidArgument("min.insync.replicas must be positive, got " +
                                   std::to_string(min_insync_replicas));
  }
  return Status::OK();
}

}  // namespace ringlog
