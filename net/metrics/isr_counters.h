// ISR shrinks and expands of the partitions this process leads, counted where the leader
// changes its ISR (net/replication/partition_leader.cc). Process-wide, as the partition
// leaders have no route to the broker's other metrics; one broker runs per process.
//
// Thread safety: thread-safe (relaxed atomics).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ringlog {

struct IsrChangeCounts {
  uint64_t shrinks = 0;
  uint64_t expands = 0;
};

// Counts one change of an ISR of `before` members to `after` members.
void CountIsrChange(size_t before, size_t after);
IsrChangeCounts ReadIsrChangeCounts();

}  // namespace ringlog
