#include "engine/group/group_coordinator.h"

#include <glog/logging.h>

#include <algorithm>
#include <utility>

namespace ringlog {
namespace {

void Run(ConsumerGroup::Completions& done) {
  for (auto& call : done) call();
  done.clear();
}

}  // namespace

GroupCoordinator::GroupCoordinator(std::unique_ptr<OffsetStore> offsets, const Clock* clock,
                                   const GroupCoordinatorOptions& options)
    : offsets_(std::move(offsets)), clock_(clock), options_(options) {
  CHECK(offsets_ != nullptr);
  CHECK(clock_ != nullptr);
}

GroupCoordinator::~GroupCoordinator() {
  ConsumerGroup::Completions done;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, group] : groups_) group->Shutdown(GroupError::kCoordinatorNotAvailable, done);
  }
  Run(done);
}

int32_t GroupCoordinator::PartitionFor(std::string_view group) const {
  return offsets_->PartitionFor(group);
}

int32_t GroupCoordinator::num_offsets_partitions() const { return offsets_->num_partitions(); }

Status GroupCoordinator::LoadPartition(int32_t partition) {
  return offsets_->LoadPartition(partition);
}

void GroupCoordinator::UnloadPartition(int32_t partition) {
  ConsumerGroup::Completions done;
  {
    // Under mu_, so that no call of a group of the partition sees it half gone.
    std::lock_guard lock(mu_);
    offsets_->UnloadPartition(partition);
    for (auto it = groups_.begin(); it != groups_.end();) {
      if (offsets_->PartitionFor(it->first) == partition) {
        it->second->Shutdown(GroupError::kNotCoordinator, done);
        it = groups_.erase(it);
      } else {
        ++it;
      }
    }
  }
  Run(done);
}

bool GroupCoordinator::Owns(std::string_view group) const { return offsets_->Owns(group); }

ConsumerGroup* GroupCoordinator::FindLocked(const std::string& group_id) const {
  auto it = groups_.find(group_id);
  return it == groups_.end() ? nullptr : it->second.get();
}

GroupError GroupCoordinator::CheckJoin(const JoinGroupParams& params) const {
  if (params.group_id.empty()) return GroupError::kInvalidGroupId;
  if (params.session_timeout_ms < options_.min_session_timeout_ms ||
      params.session_timeout_ms > options_.max_session_timeout_ms) {
    return GroupError::kInvalidSessionTimeout;
  }
  return GroupError::kNone;
}

void GroupCoordinator::JoinGroup(const JoinGroupParams& params, JoinCallback callback) {
  GroupError error = CheckJoin(params);
  ConsumerGroup::Completions done;
  {
    std::lock_guard lock(mu_);
    if (error == GroupError::kNone && !offsets_->Owns(params.group_id)) {
      error = GroupError::kNotCoordinator;
    }
    if (error == GroupError::kNone) {
      std::unique_ptr<ConsumerGroup>& group = groups_[params.group_id];
      if (group == nullptr) {
        group =
            std::make_unique<ConsumerGroup>(params.group_id, options_.initial_rebalance_delay_ms);
      }
      group->Join(params, clock_->NowMs(), std::move(callback), done);
    }
  }
  if (error != GroupError::kNone) {
    JoinGroupResult refused;
    refused.error = error;
    refused.member_id = params.member_id;
    callback(refused);
    return;
  }
  Run(done);
}

void GroupCoordinator::SyncGroup(const SyncGroupParams& params, SyncCallback callback) {
  if (params.group_id.empty()) {
    callback(SyncGroupResult{GroupError::kInvalidGroupId, {}});
    return;
  }
  ConsumerGroup::Completions done;
  {
    std::lock_guard lock(mu_);
    ConsumerGroup* group = FindLocked(params.group_id);
    if (group == nullptr) {
      const GroupError error = offsets_->Owns(params.group_id) ? GroupError::kUnknownMemberId
                                                               : GroupError::kNotCoordinator;
      done.push_back([callback = std::move(callback), error] {
        callback(SyncGroupResult{error, {}});
      });
    } else {
      group->Sync(params, clock_->NowMs(), std::move(callback), done);
    }
  }
  Run(done);
}

GroupError GroupCoordinator::Heartbeat(const std::string& group_id, const MemberRef& member,
                                       int32_t generation_id) {
  if (group_id.empty()) return GroupError::kInvalidGroupId;
  std::lock_guard lock(mu_);
  ConsumerGroup* group = FindLocked(group_id);
  if (group == nullptr) {
    return offsets_->Owns(group_id) ? GroupError::kUnknownMemberId : GroupError::kNotCoordinator;
  }
  return group->Heartbeat(member, generation_id, clock_->NowMs());
}

std::vector<GroupError> GroupCoordinator::LeaveGroup(const std::string& group_id,
                                                     const std::vector<MemberRef>& members) {
  if (group_id.empty()) return std::vector<GroupError>(members.size(), GroupError::kInvalidGroupId);
  std::vector<GroupError> errors;
  ConsumerGroup::Completions done;
  {
    std::lock_guard lock(mu_);
    ConsumerGroup* group = FindLocked(group_id);
    const GroupError missing =
        offsets_->Owns(group_id) ? GroupError::kUnknownMemberId : GroupError::kNotCoordinator;
    for (const MemberRef& member : members) {
      errors.push_back(group == nullptr ? missing : group->Leave(member, clock_->NowMs(), done));
    }
  }
  Run(done);
  return errors;
}

void GroupCoordinator::CommitOffsets(OffsetCommitParams params, CommitCallback callback) {
  GroupError group_error = GroupError::kNone;
  if (params.group_id.empty()) {
    group_error = GroupError::kInvalidGroupId;
  } else {
    std::lock_guard lock(mu_);
    ConsumerGroup* group = FindLocked(params.group_id);
    if (!offsets_->Owns(params.group_id)) {
      group_error = GroupError::kNotCoordinator;
    } else if (group != nullptr) {
      group_error = group->CheckCommit(params.member, params.generation_id, clock_->NowMs());
    } else if (params.generation_id >= 0) {
      // A generation of a group that no longer exists here.
      group_error = GroupError::kIllegalGeneration;
    }
  }
  OffsetStore* store = offsets_.get();
  const std::string& group_id = params.group_id;
  Store(
      group_id, group_error, std::move(params.offsets),
      [store, group_id](const OffsetStore::Offsets& accepted, OffsetStore::DoneCallback done) {
        store->Commit(group_id, accepted, std::move(done));
      },
      std::move(callback));
}

void GroupCoordinator::CommitTxnOffsets(TxnOffsetCommitParams params, CommitCallback callback) {
  GroupError group_error = GroupError::kNone;
  if (params.group_id.empty()) {
    group_error = GroupError::kInvalidGroupId;
  } else {
    std::lock_guard lock(mu_);
    ConsumerGroup* group = FindLocked(params.group_id);
    if (!offsets_->Owns(params.group_id)) {
      group_error = GroupError::kNotCoordinator;
    } else if (params.producer_id < 0 || params.producer_epoch < 0) {
      group_error = GroupError::kInvalidProducerEpoch;
    } else if (group != nullptr) {
      group_error = group->CheckTxnCommit(params.member, params.generation_id);
    } else if (params.generation_id >= 0 || !params.member.member_id.empty() ||
               params.member.group_instance_id) {
      // Kafka makes the unknown group Empty first: it has no such member.
      group_error = GroupError::kUnknownMemberId;
    }
  }
  OffsetStore* store = offsets_.get();
  Store(
      params.group_id, group_error, std::move(params.offsets),
      [store, group_id = params.group_id, producer_id = params.producer_id,
       producer_epoch = params.producer_epoch](const OffsetStore::Offsets& accepted,
                                               OffsetStore::DoneCallback done) {
        store->CommitPending(group_id, producer_id, producer_epoch, accepted, std::move(done));
      },
      std::move(callback));
}

void GroupCoordinator::CompleteTransaction(int32_t offsets_partition, int64_t producer_id,
                                           ControlType type) {
  offsets_->CompleteTransaction(offsets_partition, producer_id, type);
}

void GroupCoordinator::Store(const std::string& group_id, GroupError group_error,
                             OffsetStore::Offsets offsets, const StoreFunction& store,
                             CommitCallback callback) const {
  std::map<PartitionId, GroupError> outcome;
  OffsetStore::Offsets accepted;
  for (auto& [partition, offset] : offsets) {
    GroupError error = group_error;
    if (error == GroupError::kNone && offset.metadata &&
        offset.metadata->size() > options_.max_offset_metadata_bytes) {
      error = GroupError::kOffsetMetadataTooLarge;
    }
    outcome.emplace(partition, error);
    if (error == GroupError::kNone) accepted.emplace(partition, std::move(offset));
  }
  if (accepted.empty()) {
    callback(outcome);
    return;
  }
  store(accepted, [outcome = std::move(outcome), callback = std::move(callback),
                   group_id](Status status) mutable {
    if (!status.ok()) {
      LOG(WARNING) << "storing offsets of group " << group_id << ": " << status.ToString();
      GroupError failed = GroupError::kCoordinatorNotAvailable;
      if (status.IsNotFound()) {
        failed = GroupError::kNotCoordinator;  // the group's partition was unloaded meanwhile
      } else if (status.IsInvalidProducerEpoch()) {
        failed = GroupError::kInvalidProducerEpoch;
      }
      for (auto& [partition, error] : outcome) {
        if (error == GroupError::kNone) error = failed;
      }
    }
    callback(outcome);
  });
}

std::optional<CommittedOffset> GroupCoordinator::FetchOffset(const std::string& group_id,
                                                             const PartitionId& partition) const {
  return offsets_->Get(group_id, partition);
}

OffsetStore::Offsets GroupCoordinator::FetchAllOffsets(const std::string& group_id) const {
  return offsets_->GetAll(group_id);
}

GroupError GroupCoordinator::FetchOffsets(const std::string& group_id,
                                          OffsetStore::Offsets* offsets,
                                          std::set<PartitionId>* pending) const {
  std::optional<OffsetStore::Offsets> owned = offsets_->GetAllIfOwned(group_id, pending);
  if (!owned) return GroupError::kNotCoordinator;
  *offsets = std::move(*owned);
  return GroupError::kNone;
}

std::vector<GroupListing> GroupCoordinator::ListGroups() const {
  std::map<std::string, GroupListing> listings;
  for (const std::string& id : offsets_->Groups()) {
    listings.emplace(id, GroupListing{id, {}, GroupState::kEmpty});
  }
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, group] : groups_) listings.insert_or_assign(id, group->Listing());
  }
  std::vector<GroupListing> out;
  out.reserve(listings.size());
  for (auto& [id, listing] : listings) out.push_back(std::move(listing));
  return out;
}

GroupSummary GroupCoordinator::DescribeGroup(const std::string& group_id) const {
  std::lock_guard lock(mu_);
  if (const ConsumerGroup* group = FindLocked(group_id); group != nullptr) {
    return group->Describe();
  }
  GroupSummary summary;
  summary.group_id = group_id;
  if (!offsets_->Owns(group_id)) {
    summary.error = GroupError::kNotCoordinator;
    return summary;
  }
  summary.state = offsets_->HasGroup(group_id) ? GroupState::kEmpty : GroupState::kDead;
  return summary;
}

GroupError GroupCoordinator::DeleteGroup(const std::string& group_id) {
  if (group_id.empty()) return GroupError::kInvalidGroupId;
  bool known = false;
  {
    std::lock_guard lock(mu_);
    if (!offsets_->Owns(group_id)) return GroupError::kNotCoordinator;
    auto it = groups_.find(group_id);
    if (it != groups_.end()) {
      if (it->second->state() != GroupState::kEmpty) return GroupError::kNonEmptyGroup;
      groups_.erase(it);
      known = true;
    }
  }
  if (!known && !offsets_->HasGroup(group_id)) return GroupError::kGroupIdNotFound;
  if (Status deleted = offsets_->DeleteGroup(group_id); !deleted.ok()) {
    LOG(WARNING) << "deleting the offsets of group " << group_id << ": " << deleted.ToString();
    return deleted.IsNotFound() ? GroupError::kNotCoordinator
                                : GroupError::kCoordinatorNotAvailable;
  }
  LOG(INFO) << "deleted group " << group_id;
  return GroupError::kNone;
}

void GroupCoordinator::OnTopicDeleted(std::string_view topic) {
  if (Status deleted = offsets_->DeleteTopic(topic); !deleted.ok()) {
    LOG(WARNING) << "deleting committed offsets of topic " << topic << ": " << deleted.ToString();
  }
}

void GroupCoordinator::Tick() {
  ConsumerGroup::Completions done;
  {
    std::lock_guard lock(mu_);
    const TimestampMs now = clock_->NowMs();
    for (auto it = groups_.begin(); it != groups_.end();) {
      ConsumerGroup& group = *it->second;
      group.Tick(now, done);
      // A group with offsets stays, so that listings keep its protocol type.
      if (group.state() == GroupState::kEmpty && group.Unused() &&
          !offsets_->HasGroup(group.id())) {
        it = groups_.erase(it);
      } else {
        ++it;
      }
    }
  }
  Run(done);
  if (Status compacted = offsets_->MaybeCompact(); !compacted.ok()) {
    LOG(WARNING) << "snapshot of the offsets log: " << compacted.ToString();
  }
}

}  // namespace ringlog
