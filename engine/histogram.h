// Histogram: counts of observed values in fixed buckets, for metrics (latencies in
// nanoseconds, batch sizes). Observing is lock-free (relaxed atomic adds), so a hot path
// may record into it; a reader sums a Snapshot that may be a few observations behind.
//
// Thread safety: Observe and Snapshot are thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace ringlog {

class Histogram {
 public:
  // Cumulative in Prometheus' sense once summed: counts[i] holds the observations
  // <= bounds[i] and above bounds[i-1]; the last count holds those above every bound.
  struct Snapshot {
    std::vector<uint64_t> counts;  // bounds.size() + 1
    uint64_t count = 0;
    uint64_t sum = 0;
    // Adds `other` (same bounds) into this one.
    void Add(const Snapshot& other);
  };

  // `bounds`: ascending upper bounds; must outlive the histogram (a static table).
  explicit Histogram(std::span<const uint64_t> bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  void Observe(uint64_t value);
  Snapshot Read() const;
  std::span<const uint64_t> bounds() const { return bounds_; }

 private:
  const std::span<const uint64_t> bounds_;
  const std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_{0};
};

// Latency bounds in nanoseconds, 50 µs to 10 s.
std::span<const uint64_t> LatencyBoundsNanos();
// Size bounds for counts of things: 1, 2, 4, ... 4096.
std::span<const uint64_t> PowerOfTwoBounds();

}  // namespace ringlog
