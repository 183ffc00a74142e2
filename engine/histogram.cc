#include "engine/histogram.h"

#include <algorithm>
#include <array>

namespace ringlog {
namespace {

constexpr std::array<uint64_t, 17> kLatencyBounds = {
    50'000,      100'000,      250'000,      500'000,      1'000'000,     2'500'000,
    5'000'000,   10'000'000,   25'000'000,   50'000'000,   100'000'000,   250'000'000,
    500'000'000, 1000'000'000, 2500'000'000, 5000'000'000, 10000'000'000,
};

constexpr std::array<uint64_t, 13> kPowerOfTwoBounds = {1,   2,   4,   8,    16,   32,  64,
                                                        128, 256, 512, 1024, 2048, 4096};

}  // namespace

void Histogram::Snapshot::Add(const Snapshot& other) {
  if (counts.size() < other.counts.size()) counts.resize(other.counts.size());
  for (size_t i = 0; i < other.counts.size(); ++i) counts[i] += other.counts[i];
  count += other.count;
  sum += other.sum;
}

Histogram::Histogram(std::span<const uint64_t> bounds)
    : bounds_(bounds), counts_(new std::atomic<uint64_t>[bounds.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(uint64_t value) {
  const size_t bucket = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot snapshot;
  snapshot.counts.resize(bounds_.size() + 1);
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    snapshot.counts[i] = counts_[i].load(std::memory_order_relaxed);
  }
  snapshot.count = count_.load(std::memory_order_relaxed);
  snapshot.sum = sum_.load(std::memory_order_relaxed);
  return snapshot;
}

std::span<const uint64_t> LatencyBoundsNanos() { return kLatencyBounds; }
std::span<const uint64_t> PowerOfTwoBounds() { return kPowerOfTwoBounds; }

}  // namespace ringlog
