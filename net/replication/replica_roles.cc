#include "net/replication/replica_roles.h"

#include <glog/logging.h>

#include <algorithm>
#include <utility>

namespace ringlog {

ReplicaRoles::ReplicaRoles(const ReplicaFetcherOptions& options, LogManager* logs,
                           LeaderReplicas* replication)
    : options_(options), logs_(logs), replication_(replication) {}

ReplicaRoles::~ReplicaRoles() { Stop(); }

void ReplicaRoles::Apply(const ClusterSnapshot& snapshot) {
  const int32_t self = options_.broker_id;
  std::set<PartitionId> seen;
  for (const auto& [name, topic] : snapshot.topics) {
    for (size_t i = 0; i < topic.partitions.size(); ++i) {
      const PartitionId id{name, static_cast<int32_t>(i)};
      std::shared_ptr<PartitionLog> log = logs_->GetPartition(id);
      if (log == nullptr) continue;
      seen.insert(id);
      const ClusterPartition& partition = topic.partitions[i];
      const int32_t leader = partition.state.leader;
      if (leader == self && MadeLeaderBefore(snapshot, partition)) {
        // Named leader by this broker's earlier incarnation, maybe with data this one
        // lacks: it neither leads nor follows until the controller writes the state anew.
        StopFollowing(id);
        StopLeading(id);
        continue;
      }
      if (leader == self) {
        StopFollowing(id);
        Lead(log, partition);
        continue;
      }
      StopLeading(id);
      const ClusterBroker* broker = leader >= 0 ? snapshot.FindBroker(leader) : nullptr;
      const bool replica = std::find(partition.replicas.begin(), partition.replicas.end(), self) !=
                           partition.replicas.end();
      if (replica && broker != nullptr) {
        Follow(log, partition, *broker);
      } else {
        StopFollowing(id);
      }
    }
  }
  std::vector<PartitionId> gone;
  for (const auto& [id, leader] : following_) {
    if (!seen.contains(id)) gone.push_back(id);
  }
  for (const auto& [id, log] : leading_) {
    if (!seen.contains(id)) gone.push_back(id);
  }
  for (const PartitionId& id : gone) {
    StopFollowing(id);
    StopLeading(id);
  }
  Retire();
}

bool ReplicaRoles::MadeLeaderBefore(const ClusterSnapshot& snapshot,
                                    const ClusterPartition& partition) const {
  const ClusterBroker* self = snapshot.FindBroker(options_.broker_id);
  return self != nullptr && partition.state_zxid > 0 && self->epoch > partition.state_zxid;
}

bool ReplicaRoles::Leading(const PartitionId& partition) const {
  return replication_->Leading(partition);
}

void ReplicaRoles::SessionLost(const ClusterSnapshot& last) {
  for (const auto& [name, topic] : last.topics) {
    for (size_t i = 0; i < topic.partitions.size(); ++i) {
      if (topic.partitions[i].state.leader != options_.broker_id) continue;
      replication_->StopLeading(PartitionId{name, static_cast<int32_t>(i)});
    }
  }
}

void ReplicaRoles::Stop() {
  for (auto& [leader, fetcher] : fetchers_) fetcher->RequestStop();
  for (auto& fetcher : retired_) fetcher->RequestStop();
  fetchers_.clear();  // each destructor waits for its thread
  retired_.clear();
  following_.clear();
  for (const auto& [id, log] : leading_) replication_->StopLeading(id);
  leading_.clear();
}

void ReplicaRoles::Lead(const std::shared_ptr<PartitionLog>& log,
                        const ClusterPartition& partition) {
  LeaderAssignment assignment;
  assignment.leader_epoch = partition.state.leader_epoch;
  assignment.replicas = partition.replicas;
  assignment.isr = partition.state.isr;
  assignment.partition_epoch = partition.partition_epoch;
  auto held = leading_.find(log->id());
  if (held != leading_.end() && held->second != log.get()) StopLeading(log->id());
  leading_[log->id()] = log.get();
  if (replication_->LeaderEpoch(log->id()) == assignment.leader_epoch) {
    replication_->UpdateState(log->id(), assignment);
    return;
  }
  if (Status led = replication_->BecomeLeader(log, assignment); !led.ok()) {
    LOG(WARNING) << "broker " << options_.broker_id << " cannot lead " << log->id().ToString()
                 << " at leader epoch " << assignment.leader_epoch << ": " << led.ToString();
  }
}

void ReplicaRoles::Follow(const std::shared_ptr<PartitionLog>& log,
                          const ClusterPartition& partition, const ClusterBroker& leader) {
  auto followed = following_.find(log->id());
  if (followed != following_.end() && followed->second != leader.id) StopFollowing(log->id());
  std::unique_ptr<ReplicaFetcher>& fetcher = fetchers_[leader.id];
  if (fetcher == nullptr) {
    fetcher = std::make_unique<ReplicaFetcher>(options_, leader.id);
    fetcher->SetLeaderEndpoint(leader.host, leader.port);
    fetcher->Start();
  } else {
    fetcher->SetLeaderEndpoint(leader.host, leader.port);
  }
  fetcher->AddPartition(log, partition.state.leader_epoch);
  following_[log->id()] = leader.id;
}

void ReplicaRoles::StopFollowing(const PartitionId& id) {
  auto followed = following_.find(id);
  if (followed == following_.end()) return;
  auto fetcher = fetchers_.find(followed->second);
  if (fetcher != fetchers_.end()) fetcher->second->RemovePartition(id);
  following_.erase(followed);
}

void ReplicaRoles::StopLeading(const PartitionId& id) {
  if (leading_.erase(id) == 0 && !replication_->Leading(id)) return;
  replication_->StopLeading(id);
}

void ReplicaRoles::Retire() {
  for (auto it = fetchers_.begin(); it != fetchers_.end();) {
    if (it->second->partition_count() == 0) {
      it->second->RequestStop();
      retired_.push_back(std::move(it->second));
      it = fetchers_.erase(it);
    } else {
      ++it;
    }
  }
  std::erase_if(retired_, [](const std::unique_ptr<ReplicaFetcher>& f) { return f->finished(); });
}

}  // namespace ringlog
