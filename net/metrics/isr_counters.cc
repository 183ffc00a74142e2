#include "net/metrics/isr_counters.h"

#include <atomic>

namespace ringlog {
namespace {

std::atomic<uint64_t> shrinks{0};
std::atomic<uint64_t> expands{0};

}  // namespace

void CountIsrChange(size_t before, size_t after) {
  if (after < before) shrinks.fetch_add(1, std::memory_order_relaxed);
  if (after > before) expands.fetch_add(1, std::memory_order_relaxed);
}

IsrChangeCounts ReadIsrChangeCounts() {
  return IsrChangeCounts{shrinks.load(std::memory_order_relaxed),
                         expands.load(std::memory_order_relaxed)};
}

}  // namespace ringlog
