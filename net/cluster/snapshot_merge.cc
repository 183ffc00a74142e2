#include "net/cluster/snapshot_merge.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace ringlog {

bool IsOlderState(const znodes::PartitionState& next, const znodes::PartitionState& held) {
  if (next.leader_epoch != held.leader_epoch) return next.leader_epoch < held.leader_epoch;
  return next.controller_epoch < held.controller_epoch;
}

ClusterSnapshot MergeNewer(const ClusterSnapshot& previous, ClusterSnapshot next) {
  for (auto it = next.unreadable_topics.begin(); it != next.unreadable_topics.end();) {
    auto held = previous.topics.find(*it);
    if (held == previous.topics.end()) {
      ++it;
      continue;
    }
    next.topics.insert_or_assign(held->first, held->second);
    it = next.unreadable_topics.erase(it);
  }
  for (auto& [name, topic] : next.topics) {
    auto held = previous.topics.find(name);
    if (held == previous.topics.end() || held->second.id != topic.id) continue;
    const std::vector<ClusterPartition>& held_partitions = held->second.partitions;
    const size_t common = std::min(held_partitions.size(), topic.partitions.size());
    for (size_t p = 0; p < common; ++p) {
      const znodes::PartitionState& held_state = held_partitions[p].state;
      if (IsOlderState(topic.partitions[p].state, held_state)) {
        topic.partitions[p].state = held_state;
      }
    }
  }
  return next;
}

}  // namespace ringlog
