#include "net/apis/leader_epoch_check.h"

#include <memory>

#include "net/replication/leader_replicas.h"

namespace ringlog {

std::optional<int32_t> ServedLeaderEpoch(const BrokerServices& services, const PartitionLog& log) {
  if (services.replication != nullptr) return services.replication->LeaderEpoch(log.id());
  if (services.cluster != nullptr) {
    const LeaderAndEpoch leader = SnapshotLeader(services.cluster, log.id());
    if (leader.leader != services.config.node_id) return std::nullopt;
    return leader.epoch;
  }
  return log.leader_epoch();
}

ErrorCode CheckLeaderEpoch(int32_t requested, std::optional<int32_t> served) {
  if (requested < 0) return ErrorCode::kNone;
  if (!served) return ErrorCode::kNotLeaderOrFollower;
  if (requested < *served) return ErrorCode::kFencedLeaderEpoch;
  if (requested > *served) return ErrorCode::kUnknownLeaderEpoch;
  return ErrorCode::kNone;
}

LeaderAndEpoch SnapshotLeader(const ClusterView* cluster, const PartitionId& partition) {
  if (cluster == nullptr) return {};
  const std::shared_ptr<const ClusterSnapshot> snapshot = cluster->Snapshot();
  const ClusterPartition* p = snapshot->FindPartition(partition.topic, partition.partition);
  if (p == nullptr) return {};
  return {p->state.leader, p->state.leader_epoch};
}

}  // namespace ringlog
