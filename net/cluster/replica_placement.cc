#include "net/cluster/replica_placement.h"

#include <algorithm>
#include <iterator>
#include <string>

namespace ringlog {

Status ValidateReplicationFactor(int32_t replication_factor, size_t live_brokers) {
  if (replication_factor < 1) {
    return Status::InvalidArgument("replication factor must be at least 1, got " +
                                   std::to_string(replication_factor));
  }
  if (static_cast<size_t>(replication_factor) > live_brokers) {
    return Status::InvalidArgument("replication factor " + std::to_string(replication_factor) +
                                   " is larger than the " + std::to_string(live_brokers) +
                                   " live brokers");
  }
  return Status::OK();
}

ReplicaAssignment PlaceReplicas(std::span<const int32_t> brokers, int32_t first_partition,
                                int32_t count, int32_t replication_factor, PlacementStart start) {
  const int32_t n = static_cast<int32_t>(brokers.size());
  ReplicaAssignment assignment;
  int32_t shift = start.replica_shift;
  for (int32_t partition = first_partition; partition < first_partition + count; ++partition) {
    // Once the leaders have gone round every broker, move the followers one further away.
    if (partition > 0 && partition % n == 0) ++shift;
    const int32_t first = (partition + start.start_index) % n;
    std::vector<int32_t>& replicas = assignment[partition];
    replicas.push_back(brokers[first]);
    for (int32_t j = 0; j + 1 < replication_factor; ++j) {
      // A distance in [1, n-1]: never the first replica, and distinct for distinct j.
      const int32_t distance = 1 + (shift + j) % (n - 1);
      replicas.push_back(brokers[(first + distance) % n]);
    }
  }
  return assignment;
}

Status ValidateManualAssignment(const ReplicaAssignment& assignment, int32_t first_partition,
                                const std::set<int32_t>& live_brokers, int32_t replication_factor) {
  const int32_t end = first_partition + static_cast<int32_t>(assignment.size());
  size_t width = replication_factor >= 1 ? static_cast<size_t>(replication_factor) : 0;
  for (const auto& [partition, replicas] : assignment) {
    const std::string which = "partition " + std::to_string(partition);
    if (partition < first_partition || partition >= end) {
      return Status::InvalidArgument("assigned partitions must be numbered " +
                                     std::to_string(first_partition) + " to " +
                                     std::to_string(end - 1) + ", each once; got " + which);
    }
    if (replicas.empty()) return Status::InvalidArgument(which + " has no replica");
    if (width == 0) width = replicas.size();
    if (replicas.size() != width) {
      return Status::InvalidArgument(which + " has " + std::to_string(replicas.size()) +
                                     " replicas; every partition must have " +
                                     std::to_string(width));
    }
    std::set<int32_t> seen;
    for (int32_t broker : replicas) {
      if (!seen.insert(broker).second) {
        return Status::InvalidArgument(which + " lists broker " + std::to_string(broker) +
                                       " twice");
      }
      if (!live_brokers.contains(broker)) {
        return Status::InvalidArgument(which + " names broker " + std::to_string(broker) +
                                       ", which is not a live broker");
      }
    }
  }
  return Status::OK();
}

}  // namespace ringlog
