#include "net/cluster/snapshot_merge.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace ringlog {

bool IsOlderState(const ClusterPartition& next, const ClusterPartition& held) {
  if (next.partition_epoch >= 0 && held.partition_epoch >= 0) {
    return next.partition_epoch < held.partition_epoch;
  }
  if (next.state.leader_epoch != held.state.leader_epoch) {
    return next.state.leader_epoch < held.state.leader_epoch;
  }
  return next.state.controller_epoch < held.state.controller_epoch;
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
      ClusterPartition& partition = topic.partitions[p];
      if (IsOlderState(partition, held_partitions[p])) {
        partition.state = held_partitions[p].state;
        partition.partition_epoch = held_partitions[p].partition_epoch;
        partition.state_zxid = held_partitions[p].state_zxid;
      }
    }
  }
  return next;
}

}  // namespace ringlog
