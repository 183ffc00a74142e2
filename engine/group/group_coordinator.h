// GroupCoordinator: the broker's consumer-group service. It keeps every group's
// membership (engine/group/consumer_group.h) and the committed offsets
// (engine/group/offset_store.h), and answers the group APIs of Kafka's classic protocol
// independently of the wire: JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit,
// OffsetFetch, ListGroups, DescribeGroups and DeleteGroups; and the group side of
// transactions: TxnOffsetCommit's pending offsets, which a COMMIT marker in the group's
// offsets partition makes committed and an ABORT marker drops (CompleteTransaction).
//
// Groups are spread over the partitions of the offsets topic (OffsetStore::PartitionFor).
// The coordinator serves the groups of the partitions loaded in its store: every group
// API on another group answers kNotCoordinator (FetchOffset, FetchAllOffsets and
// ListGroups simply see nothing of it). In a cluster the broker loads the partitions it
// leads and unloads those it loses; the single broker has them all loaded from the start.
//
// Time comes from the injected Clock; time-driven work (expired sessions, rebalance
// deadlines, the initial rebalance delay, offset-log snapshots) happens in Tick(), which
// the owner calls periodically (a PeriodicTask in the broker, by hand in tests).
//
// Callbacks run without the coordinator's lock held, on the calling thread or, for answers
// that wait, on the thread whose call (or Tick) completed the wait; commits complete on a
// flusher thread.
//
// Thread safety: thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/clock.h"
#include "engine/group/consumer_group.h"
#include "engine/group/group_types.h"
#include "engine/group/offset_store.h"
#include "engine/log/control_batch.h"

namespace ringlog {

struct GroupCoordinatorOptions {
  // group.initial.rebalance.delay.ms: how long the first rebalance of an empty group waits
  // for more members to join.
  int64_t initial_rebalance_delay_ms = 3000;
  // group.min.session.timeout.ms and group.max.session.timeout.ms: the session timeouts
  // members may ask for.
  int32_t min_session_timeout_ms = 6000;
  int32_t max_session_timeout_ms = 1800000;
  // offset.metadata.max.bytes: the largest metadata string a commit may carry.
  size_t max_offset_metadata_bytes = 4096;
};

struct OffsetCommitParams {
  std::string group_id;
  int32_t generation_id = -1;  // -1: a commit from outside group management
  MemberRef member;
  OffsetStore::Offsets offsets;
};

// TxnOffsetCommit: offsets a transactional producer commits as part of its transaction.
struct TxnOffsetCommitParams {
  std::string group_id;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  // -1 with an empty member id and no instance id: no membership check (the requests of
  // TxnOffsetCommit v0-2, and producers outside group management).
  int32_t generation_id = -1;
  MemberRef member;
  OffsetStore::Offsets offsets;
};

class GroupCoordinator {
 public:
  using JoinCallback = ConsumerGroup::JoinCallback;
  using SyncCallback = ConsumerGroup::SyncCallback;
  // The outcome of every partition of a commit.
  using CommitCallback = std::function<void(const std::map<PartitionId, GroupError>&)>;

  // `clock` must outlive the coordinator.
  GroupCoordinator(std::unique_ptr<OffsetStore> offsets, const Clock* clock,
                   const GroupCoordinatorOptions& options);
  // Answers every waiting JoinGroup and SyncGroup with kCoordinatorNotAvailable.
  ~GroupCoordinator();
  GroupCoordinator(const GroupCoordinator&) = delete;
  GroupCoordinator& operator=(const GroupCoordinator&) = delete;

  // The partition of the offsets topic that holds `group` (Kafka's rule), and the topic's
  // partition count.
  int32_t PartitionFor(std::string_view group) const;
  int32_t num_offsets_partitions() const;
  // Loads `partition` of the offsets topic (replays its offsets) and serves its groups
  // from then on. OK when loaded already; the store's errors (OffsetStore::LoadPartition).
  Status LoadPartition(int32_t partition);
  // Stops serving `partition`'s groups: forgets their members and offsets; members
  // waiting in JoinGroup or SyncGroup are answered kNotCoordinator, and so is every later
  // call on those groups. No-op when not loaded.
  void UnloadPartition(int32_t partition);
  // True when `group`'s partition is loaded here.
  bool Owns(std::string_view group) const;

  // `callback` runs once: at once for a refusal, else when the rebalance completes.
  void JoinGroup(const JoinGroupParams& params, JoinCallback callback);
  // `callback` runs once: at once, or when the leader's assignment arrives.
  void SyncGroup(const SyncGroupParams& params, SyncCallback callback);
  GroupError Heartbeat(const std::string& group_id, const MemberRef& member, int32_t generation_id);
  // One outcome per member, in order.
  std::vector<GroupError> LeaveGroup(const std::string& group_id,
                                     const std::vector<MemberRef>& members);

  // Validates the commit as Kafka does (member and generation of a Stable or preparing
  // group, or generation -1 for a group without members) and stores the offsets;
  // `callback` runs once they are durable, or with the reason they were refused.
  void CommitOffsets(OffsetCommitParams params, CommitCallback callback);
  std::optional<CommittedOffset> FetchOffset(const std::string& group_id,
                                             const PartitionId& partition) const;
  OffsetStore::Offsets FetchAllOffsets(const std::string& group_id) const;
  // Every offset `group_id` committed, into *offsets: kNone, or kNotCoordinator (and
  // nothing) when the group is not coordinated here, decided atomically with the read.
  // With `pending`, also the partitions for which the group has transactional offsets
  // waiting for their transaction's marker (OffsetFetch require_stable answers those
  // UNSTABLE_OFFSET_COMMIT); they may have no committed offset yet.
  GroupError FetchOffsets(const std::string& group_id, OffsetStore::Offsets* offsets,
                          std::set<PartitionId>* pending = nullptr) const;

  // TxnOffsetCommit: validates the commit as Kafka does for a transactional one (when the
  // generation is >= 0, or a member or instance id is given: that member of that
  // generation, any group state; else no check) and stores `params.offsets` as pending
  // offsets of producer `producer_id`: a transactional batch (its producer id and epoch,
  // base sequence -1) in the group's offsets partition, flushed before `callback` runs.
  // They are not committed offsets until a COMMIT marker of the producer lands in that
  // partition (CompleteTransaction), and vanish on ABORT. Outcomes per partition: the
  // membership errors, kOffsetMetadataTooLarge, kInvalidProducerEpoch (an epoch older
  // than the partition knows for the producer, or a negative producer id or epoch),
  // kNotCoordinator, kCoordinatorNotAvailable (the log failed).
  void CommitTxnOffsets(TxnOffsetCommitParams params, CommitCallback callback);
  // Called by whoever appended a marker to partition `offsets_partition` of the offsets
  // topic (the WriteTxnMarkers handler), after the append and before it reports the
  // partition done: COMMIT makes producer `producer_id`'s pending offsets there committed
  // (each unless a plain commit of the same partition was written after it, as Kafka
  // does), ABORT drops them. No-op when the partition is not loaded here (loading replays
  // the marker) or the producer has no pending offsets there.
  void CompleteTransaction(int32_t offsets_partition, int64_t producer_id, ControlType type);

  // Groups with members, or with committed offsets (those show as Empty), sorted by id.
  std::vector<GroupListing> ListGroups() const;
  // A group unknown here is described as Dead, as Kafka does; one not coordinated here
  // has error kNotCoordinator.
  GroupSummary DescribeGroup(const std::string& group_id) const;
  // Deletes an Empty group and its offsets: kNonEmptyGroup while it has members,
  // kGroupIdNotFound when it is unknown, kNotCoordinator when it is not coordinated here,
  // kCoordinatorNotAvailable when the offsets log fails.
  GroupError DeleteGroup(const std::string& group_id);
  // Forgets every group's offsets for a topic that was deleted.
  void OnTopicDeleted(std::string_view topic);

  // Runs the time-driven transitions due now, then snapshots the offsets log if due.
  void Tick();

  const GroupCoordinatorOptions& options() const { return options_; }

 private:
  using StoreFunction = std::function<void(const OffsetStore::Offsets&, OffsetStore::DoneCallback)>;
  // Answers a commit whose checks gave `group_error`: refused partitions at once, the
  // others (within the metadata limit) once `store` wrote them and reported.
  void Store(const std::string& group_id, GroupError group_error, OffsetStore::Offsets offsets,
             const StoreFunction& store, CommitCallback callback) const;
  // REQUIRES: mu_. The group, or nullptr.
  ConsumerGroup* FindLocked(const std::string& group_id) const;
  // kNone, or why a JoinGroup is refused before its group sees it.
  GroupError CheckJoin(const JoinGroupParams& params) const;

  const std::unique_ptr<OffsetStore> offsets_;
  const Clock* const clock_;
  const GroupCoordinatorOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<ConsumerGroup>> groups_;
};

}  // namespace ringlog
