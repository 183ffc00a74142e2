#include "net/cluster/local_replicas.h"

#include <glog/logging.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "engine/log/internal_topics.h"
#include "net/cluster/isr_change.h"

namespace ringlog {
namespace {

// Keeps the first error of several independent changes.
void Keep(Status& first, Status status) {
  if (!status.ok() && first.ok()) first = std::move(status);
}

std::string Describe(const ConfigMap& configs) {
  std::string text = "{";
  for (const auto& [name, value] : configs) {
    if (text.size() > 1) text += ", ";
    text += name + "=" + value;
  }
  return text + "}";
}

}  // namespace

LocalReplicas::LocalReplicas(int32_t broker_id, LogManager* logs, GroupCoordinator* groups,
                             TransactionCoordinator* txns)
    : broker_id_(broker_id), logs_(logs), groups_(groups), txns_(txns) {}

Status LocalReplicas::Apply(const ClusterSnapshot& snapshot) {
  if (snapshot.cluster_id.empty()) {
    return Status::InvalidArgument("a cluster snapshot without a cluster id is not applied");
  }
  Status first = DeleteStale(snapshot);
  for (const auto& [name, topic] : snapshot.topics) Keep(first, Reconcile(name, topic));
  Keep(first, Coordinate(snapshot));
  Keep(first, CoordinateTransactions(snapshot));
  return first;
}

Status LocalReplicas::DeleteStale(const ClusterSnapshot& snapshot) {
  Status first;
  for (const TopicInfo& local : logs_->ListTopics()) {
    if (snapshot.unreadable_topics.contains(local.name)) continue;
    const ClusterTopic* topic = nullptr;
    if (auto it = snapshot.topics.find(local.name); it != snapshot.topics.end()) {
      topic = &it->second;
    }
    if (topic != nullptr && topic->id == local.id) continue;
    if (local.name == kConsumerOffsetsTopic) UnloadAllGroups();
    if (local.name == kTransactionStateTopic) UnloadAllTransactions();
    Status deleted = logs_->DeleteTopic(local.name);
    if (!deleted.ok()) {
      LOG(WARNING) << "deleting local topic " << local.name << ": " << deleted.ToString();
      Keep(first, std::move(deleted));
      continue;
    }
    LOG(INFO) << "deleted local topic " << local.name << " (id " << local.id.ToString() << "): "
              << (topic == nullptr ? "no longer in the cluster"
                                   : "re-created in the cluster with id " + topic->id.ToString());
    if (groups_ != nullptr && !IsInternalTopic(local.name)) {
      groups_->OnTopicDeleted(local.name);
    }
  }
  return first;
}

Status LocalReplicas::Reconcile(const std::string& name, const ClusterTopic& topic) {
  const auto partitions = static_cast<int32_t>(topic.partitions.size());
  Result<TopicInfo> local = logs_->GetTopic(name);
  if (!local.ok()) {
    Status created = logs_->CreateTopic(name, partitions, topic.configs, topic.id);
    if (!created.ok()) {
      LOG(WARNING) << "creating local topic " << name << ": " << created.ToString();
      return created;
    }
    LOG(INFO) << "created local topic " << name << " (id " << topic.id.ToString() << ") with "
              << partitions << " partitions and configs " << Describe(topic.configs);
    return Status::OK();
  }
  Status first;
  if (local->partitions < partitions) {
    Status grown = logs_->CreatePartitions(name, partitions);
    if (grown.ok()) {
      LOG(INFO) << "grew local topic " << name << " from " << local->partitions << " to "
                << partitions << " partitions";
    } else {
      LOG(WARNING) << "growing local topic " << name << ": " << grown.ToString();
      Keep(first, std::move(grown));
    }
  } else if (local->partitions > partitions) {
    LOG(WARNING) << "local topic " << name << " has " << local->partitions
                 << " partitions, the cluster's " << partitions
                 << ": partitions are never removed, the extra ones stay unused";
  }
  if (local->configs != topic.configs) {
    Status altered = logs_->AlterTopicConfigs(name, topic.configs);
    if (altered.ok()) {
      LOG(INFO) << "configs of local topic " << name << " are now " << Describe(topic.configs);
    } else {
      LOG(WARNING) << "altering the configs of local topic " << name << ": " << altered.ToString();
      Keep(first, std::move(altered));
    }
  }
  return first;
}

Status LocalReplicas::DropUnheld(const ClusterSnapshot& snapshot) {
  Status first;
  for (const auto& [name, topic] : snapshot.topics) {
    for (size_t p = 0; p < topic.partitions.size(); ++p) {
      const std::vector<int32_t>& replicas = topic.partitions[p].replicas;
      if (std::find(replicas.begin(), replicas.end(), broker_id_) != replicas.end()) continue;
      const PartitionId id{name, static_cast<int32_t>(p)};
      std::shared_ptr<PartitionLog> log = logs_->GetPartition(id);
      if (log == nullptr || (log->log_start_offset() == 0 && log->next_offset() == 0)) continue;
      const Offset start = log->log_start_offset();
      const Offset end = log->next_offset();
      Status dropped = log->TruncateFullyAndStartAt(0);
      if (!dropped.ok()) {
        LOG(WARNING) << "deleting the records of " << id.ToString()
                     << ", which this broker no longer holds: " << dropped.ToString();
        Keep(first, std::move(dropped));
        continue;
      }
      LOG(INFO) << "deleted the records [" << start << ", " << end << ") of " << id.ToString()
                << ": this broker is no longer one of its replicas " << IsrText(replicas);
    }
  }
  return first;
}

Status LocalReplicas::Coordinate(const ClusterSnapshot& snapshot) {
  std::set<int32_t> led;
  if (auto it = snapshot.topics.find(kConsumerOffsetsTopic); it != snapshot.topics.end()) {
    const std::vector<ClusterPartition>& partitions = it->second.partitions;
    for (size_t p = 0; p < partitions.size(); ++p) {
      const PartitionId id{std::string(kConsumerOffsetsTopic), static_cast<int32_t>(p)};
      if (partitions[p].state.leader == broker_id_ && logs_->GetPartition(id) != nullptr) {
        led.insert(id.partition);
      }
    }
  }
  for (auto it = loaded_.begin(); it != loaded_.end();) {
    if (led.contains(*it)) {
      ++it;
      continue;
    }
    UnloadGroups(*it);
    it = loaded_.erase(it);
  }
  Status first;
  for (int32_t partition : led) {
    if (loaded_.contains(partition)) continue;
    Status loaded = LoadGroups(partition);
    if (!loaded.ok()) {
      LOG(WARNING) << "loading the groups of " << kConsumerOffsetsTopic << "-" << partition << ": "
                   << loaded.ToString();
      Keep(first, std::move(loaded));
      continue;
    }
    loaded_.insert(partition);
  }
  return first;
}

void LocalReplicas::UnloadAllGroups() {
  for (int32_t partition : loaded_) UnloadGroups(partition);
  loaded_.clear();
}

Status LocalReplicas::LoadGroups(int32_t partition) {
  if (groups_ == nullptr) return Status::OK();
  LOG(INFO) << "loading the groups of " << kConsumerOffsetsTopic << "-" << partition
            << ": this broker leads it";
  return groups_->LoadPartition(partition);
}

void LocalReplicas::UnloadGroups(int32_t partition) {
  if (groups_ == nullptr) return;
  LOG(INFO) << "unloading the groups of " << kConsumerOffsetsTopic << "-" << partition
            << ": this broker no longer leads it";
  groups_->UnloadPartition(partition);
}

Status LocalReplicas::CoordinateTransactions(const ClusterSnapshot& snapshot) {
  if (txns_ == nullptr) return Status::OK();
  // Each led partition with its leader epoch.
  std::map<int32_t, int32_t> led;
  if (const ClusterTopic* topic = snapshot.FindTopic(kTransactionStateTopic); topic != nullptr) {
    for (size_t p = 0; p < topic->partitions.size(); ++p) {
      const PartitionId id{std::string(kTransactionStateTopic), static_cast<int32_t>(p)};
      const znodes::PartitionState& state = topic->partitions[p].state;
      if (state.leader == broker_id_ && logs_->GetPartition(id) != nullptr) {
        led.emplace(id.partition, state.leader_epoch);
      }
    }
  }
  for (auto it = txn_loaded_.begin(); it != txn_loaded_.end();) {
    if (led.contains(it->first)) {
      ++it;
      continue;
    }
    LOG(INFO) << "unloading the transactions of " << kTransactionStateTopic << "-" << it->first
              << ": this broker no longer leads it";
    txns_->UnloadPartition(it->first);
    it = txn_loaded_.erase(it);
  }
  Status first;
  for (const auto& [partition, epoch] : led) {
    auto loaded = txn_loaded_.find(partition);
    if (loaded != txn_loaded_.end() && loaded->second == epoch) continue;
    LOG(INFO) << "loading the transactions of " << kTransactionStateTopic << "-" << partition
              << " with coordinator epoch " << epoch << ": this broker leads it";
    Status status = txns_->LoadPartition(partition, epoch);
    if (!status.ok()) {
      LOG(WARNING) << "loading the transactions of " << kTransactionStateTopic << "-" << partition
                   << ": " << status.ToString();
      Keep(first, std::move(status));
      continue;
    }
    txn_loaded_[partition] = epoch;
  }
  return first;
}

void LocalReplicas::UnloadAllTransactions() {
  if (txns_ != nullptr) {
    for (const auto& [partition, epoch] : txn_loaded_) txns_->UnloadPartition(partition);
  }
  txn_loaded_.clear();
}

}  // namespace ringlog
