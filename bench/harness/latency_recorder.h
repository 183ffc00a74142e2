// LatencyRecorder: a log-linear histogram of latencies, from which `ringlog bench` reads
// percentiles (p50, p99, p99.9).
//
// Values are nanoseconds. Below 128 ns every value has its own bucket; above, each power
// of two is split into 64 buckets, so a percentile is off by at most 1/64 (1.6%) of its
// value, in fixed memory whatever the number of samples (30 KiB per recorder).
//
// Thread safety: thread-compatible. Give each thread its own recorder and Merge() them.
#pragma once

#include <array>
#include <cstdint>

#include "bench/harness/measurement.h"

namespace ringlog::bench {

class LatencyRecorder {
 public:
  // Negative values count as 0.
  void Record(int64_t nanos);
  // Adds every sample of `other`.
  void Merge(const LatencyRecorder& other);
  void Reset();

  uint64_t count() const { return count_; }
  // The value at quantile `q` in [0, 1] (the middle of its bucket), in nanoseconds; 0 when
  // there are no samples.
  int64_t PercentileNanos(double q) const;
  // p50, p99 and p99.9 in microseconds.
  LatencySummary Summary() const;

 private:
  static constexpr int kLinear = 128;     // values below this are exact
  static constexpr int kSubBuckets = 64;  // buckets per power of two above it
  static constexpr int kBuckets = kLinear + 57 * kSubBuckets;

  static int BucketOf(uint64_t value);
  // The middle value of bucket `index`.
  static int64_t BucketMiddle(int index);

  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0;
};

}  // namespace ringlog::bench
