// Retention: which of a partition's oldest segments may be deleted. Pure logic over a
// snapshot of segment facts and the current time: no I/O, no clock reads, and it never
// sees the active segment, so it can never name it. PartitionLog does the deleting.
// Kafka deletes whole segments only; so does ringlog.
#pragma once

#include <chrono>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "engine/types.h"

namespace ringlog {

struct RetentionInput {
  std::span<const SegmentInfo> closed_segments;  // oldest first; the active segment excluded
  uint64_t total_bytes = 0;                      // of every segment, the active one included
  Offset log_start_offset = 0;
  TimestampMs now = 0;
};

// Thread-safe (stateless after construction).
class RetentionPolicy {
 public:
  virtual ~RetentionPolicy() = default;
  // How many of the oldest closed segments may go (a prefix of closed_segments).
  virtual size_t DeletablePrefix(const RetentionInput& in) const = 0;
  // For logs and metrics: "time", "size", "start-offset", "any-of".
  virtual std::string_view name() const = 0;
};

// Segments whose max timestamp is older than now - retention (Kafka retention.ms). A
// segment without timestamps is kept. Stops at the first segment still inside the window.
std::unique_ptr<RetentionPolicy> NewTimeRetention(std::chrono::milliseconds retention);
// Oldest segments while the log would still exceed max_bytes without them (retention.bytes).
std::unique_ptr<RetentionPolicy> NewSizeRetention(uint64_t max_bytes);
// Segments entirely below the log start offset (moved up by DeleteRecords).
std::unique_ptr<RetentionPolicy> NewStartOffsetRetention();
// The longest prefix any of `policies` allows.
std::unique_ptr<RetentionPolicy> NewAnyOfRetention(
    std::vector<std::unique_ptr<RetentionPolicy>> policies);

}  // namespace ringlog
