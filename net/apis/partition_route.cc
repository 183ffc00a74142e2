#include "net/apis/partition_route.h"

#include <memory>

namespace ringlog {

ErrorCode RoutePartition(const ClusterView* cluster, const PartitionId& partition) {
  if (cluster == nullptr) return ErrorCode::kNone;
  const std::shared_ptr<const ClusterSnapshot> snapshot = cluster->Snapshot();
  if (snapshot->FindPartition(partition.topic, partition.partition) == nullptr) {
    return ErrorCode::kUnknownTopicOrPartition;
  }
  return cluster->Leads(partition) ? ErrorCode::kNone : ErrorCode::kNotLeaderOrFollower;
}

}  // namespace ringlog
