#include "net/apis/partition_route.h"

#include <memory>

namespace ringlog {

ErrorCode RoutePartition(const ClusterView* cluster, const PartitionId& partition) {
  if (cluster == nullptr) return ErrorCode::kNone;
  const std::shared_ptr<const ClusterSnapshot> snapshot = cluster->Snapshot();
  const auto topic = snapshot->topics.find(partition.topic);
  if (topic == snapshot->topics.end() || partition.partition < 0 ||
      static_cast<size_t>(partition.partition) >= topic->second.partitions.size()) {
    return ErrorCode::kUnknownTopicOrPartition;
  }
  return cluster->Leads(partition) ? ErrorCode::kNone : ErrorCode::kNotLeaderOrFollower;
}

}  // namespace ringlog
