#include "bench/harness/latency_recorder.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace ringlog::bench {

int LatencyRecorder::BucketOf(uint64_t value) {
  if (value < kLinear) return static_cast<int>(value);
  // value >> shift lands in [64, 128): the top seven bits select the bucket.
  const int shift = std::bit_width(value) - 7;
  const uint64_t mantissa = value >> shift;
  return kLinear + (shift - 1) * kSubBuckets + static_cast<int>(mantissa - kSubBuckets);
}

int64_t LatencyRecorder::BucketMiddle(int index) {
  if (index < kLinear) return index;
  const int shift = (index - kLinear) / kSubBuckets + 1;
  const uint64_t mantissa = static_cast<uint64_t>((index - kLinear) % kSubBuckets + kSubBuckets);
  const uint64_t low = mantissa << shift;
  const uint64_t width = uint64_t{1} << shift;
  return static_cast<int64_t>(low + width / 2);
}

void LatencyRecorder::Record(int64_t nanos) {
  ++counts_[BucketOf(static_cast<uint64_t>(std::max<int64_t>(nanos, 0)))];
  ++count_;
}

void LatencyRecorder::Merge(const LatencyRecorder& other) {
  for (int i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
}

void LatencyRecorder::Reset() {
  counts_.fill(0);
  count_ = 0;
}

int64_t LatencyRecorder::PercentileNanos(double q) const {
  if (count_ == 0) return 0;
  // The rank of the sample at quantile q, counted from 1.
  const auto rank = std::max<uint64_t>(
      1, static_cast<uint64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(count_))));
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) return BucketMiddle(i);
  }
  return BucketMiddle(kBuckets - 1);
}

LatencySummary LatencyRecorder::Summary() const {
  LatencySummary summary;
  summary.p50_us = static_cast<double>(PercentileNanos(0.5)) / 1000;
  summary.p99_us = static_cast<double>(PercentileNanos(0.99)) / 1000;
  summary.p999_us = static_cast<double>(PercentileNanos(0.999)) / 1000;
  return summary;
}

}  // namespace ringlog::bench
