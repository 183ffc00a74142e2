#include "engine/log/retention.h"

#include <glog/logging.h>

#include <algorithm>
#include <utility>

namespace ringlog {
namespace {

// Counts the leading segments for which `deletable` holds, stopping at the first that
// does not: retention only ever removes a prefix of the log.
template <typename Pred>
size_t CountPrefix(std::span<const SegmentInfo> segments, Pred deletable) {
  size_t n = 0;
  while (n < segments.size() && deletable(segments[n])) ++n;
  return n;
}

class TimeRetention final : public RetentionPolicy {
 public:
  explicit TimeRetention(std::chrono::milliseconds retention) : retention_(retention.count()) {}

  size_t DeletablePrefix(const RetentionInput& in) const override {
    // A negative retention means "keep forever", as retention.ms = -1 does in Kafka.
    if (retention_ < 0) return 0;
    TimestampMs cutoff = 0;
    // A window reaching before the start of time keeps everything.
    if (__builtin_sub_overflow(in.now, retention_, &cutoff)) return 0;
    return CountPrefix(in.closed_segments, [cutoff](const SegmentInfo& s) {
      // A segment without timestamps cannot be aged, so it is kept (and so is all after it).
      return s.max_timestamp != kNoTimestamp && s.max_timestamp < cutoff;
    });
  }
  std::string_view name() const override { return "time"; }

 private:
  const int64_t retention_;
};

class SizeRetention final : public RetentionPolicy {
 public:
  explicit SizeRetention(uint64_t max_bytes) : max_bytes_(max_bytes) {}

  size_t DeletablePrefix(const RetentionInput& in) const override {
    // Kafka's rule: delete a segment while the log minus that segment is still at least
    // retention.bytes, so the log never shrinks below the limit.
    uint64_t remaining = in.total_bytes;
    return CountPrefix(in.closed_segments, [this, &remaining](const SegmentInfo& s) {
      if (remaining < s.size_bytes || remaining - s.size_bytes < max_bytes_) return false;
      remaining -= s.size_bytes;
      return true;
    });
  }
  std::string_view name() const override { return "size"; }

 private:
  const uint64_t max_bytes_;
};

class StartOffsetRetention final : public RetentionPolicy {
 public:
  size_t DeletablePrefix(const RetentionInput& in) const override {
    const Offset start = in.log_start_offset;
    return CountPrefix(in.closed_segments,
                       [start](const SegmentInfo& s) { return s.next_offset <= start; });
  }
  std::string_view name() const override { return "start-offset"; }
};

class AnyOfRetention final : public RetentionPolicy {
 public:
  explicit AnyOfRetention(std::vector<std::unique_ptr<RetentionPolicy>> policies)
      : policies_(std::move(policies)) {}

  size_t DeletablePrefix(const RetentionInput& in) const override {
    size_t longest = 0;
    for (const auto& policy : policies_) longest = std::max(longest, policy->DeletablePrefix(in));
    // The clamp keeps the composite's promise even if a policy broke its own.
    return std::min(longest, in.closed_segments.size());
  }
  std::string_view name() const override { return "any-of"; }

 private:
  const std::vector<std::unique_ptr<RetentionPolicy>> policies_;
};

}  // namespace

std::unique_ptr<RetentionPolicy> NewTimeRetention(std::chrono::milliseconds retention) {
  return std::make_unique<TimeRetention>(retention);
}

std::unique_ptr<RetentionPolicy> NewSizeRetention(uint64_t max_bytes) {
  return std::make_unique<SizeRetention>(max_bytes);
}

std::unique_ptr<RetentionPolicy> NewStartOffsetRetention() {
  return std::make_unique<StartOffsetRetention>();
}

std::unique_ptr<RetentionPolicy> NewAnyOfRetention(
    std::vector<std::unique_ptr<RetentionPolicy>> policies) {
  for (const auto& policy : policies) CHECK(policy != nullptr) << "null retention policy";
  return std::make_unique<AnyOfRetention>(std::move(policies));
}

}  // namespace ringlog
