// ConsumerGroup: one group's membership state machine, as Kafka's classic protocol defines
// it (see engine/group/group_types.h for the states). It hands out member ids, runs rebalances
// (a JoinGroup round, then the leader's SyncGroup), tracks sessions, and answers the
// questions OffsetCommit asks of a group. It does no I/O and never reads a clock: every
// call is given `now`, and time-driven transitions happen in Tick(now).
//
// Answers that wait (a JoinGroup held until the rebalance completes, a SyncGroup held
// until the leader's assignment arrives) are callbacks. The group never calls them itself:
// it appends the calls to `done`, which the caller runs after releasing its lock, so that
// a callback may re-enter the coordinator.
//
// Thread safety: thread-compatible (the GroupCoordinator serialises calls).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/group/group_types.h"
#include "engine/types.h"

namespace ringlog {

class ConsumerGroup {
 public:
  using JoinCallback = std::function<void(const JoinGroupResult&)>;
  using SyncCallback = std::function<void(const SyncGroupResult&)>;
  // Deferred callback calls; run them in order once no lock is held.
  using Completions = std::vector<std::function<void()>>;

  // `initial_rebalance_delay_ms` is Kafka's group.initial.rebalance.delay.ms: how long the
  // first rebalance of an empty group waits for more members (extended by each newcomer,
  // never beyond the rebalance timeout).
  ConsumerGroup(std::string id, int64_t initial_rebalance_delay_ms);
  // Every pending callback must have been answered (Shutdown) or the group be empty.
  ~ConsumerGroup() = default;
  ConsumerGroup(const ConsumerGroup&) = delete;
  ConsumerGroup& operator=(const ConsumerGroup&) = delete;

  // JoinGroup. `done` receives `callback`'s call: at once for an error, a member id
  // handed out (kMemberIdRequired) or a rejoin that changes nothing; otherwise when the
  // rebalance completes. REQUIRES: params.group_id == id(), timeouts validated.
  void Join(const JoinGroupParams& params, TimestampMs now, JoinCallback callback,
            Completions& done);
  // SyncGroup. The leader's call completes every member's; the others wait for it. Once
  // the leader has assigned a generation, a member of it that has not collected its
  // assignment still gets it after another member's rejoin started the next rebalance:
  // a cooperative member (KIP-429) revokes and rejoins as soon as it has its own, and may
  // overtake the others' SyncGroup. Other SyncGroups during a join phase get
  // kRebalanceInProgress, as Kafka answers.
  void Sync(const SyncGroupParams& params, TimestampMs now, SyncCallback callback,
            Completions& done);
  // Heartbeat: kNone, or what the member must do (rejoin, give up).
  GroupError Heartbeat(const MemberRef& member, int32_t generation_id, TimestampMs now);
  // LeaveGroup of one member (by member id, or by instance id for static members).
  GroupError Leave(const MemberRef& member, TimestampMs now, Completions& done);
  // May a commit by `member` of `generation_id` be stored? Generation -1 with an empty
  // group is a commit from outside group management (standalone consumers).
  GroupError CheckCommit(const MemberRef& member, int32_t generation_id, TimestampMs now);
  // May a transactional commit (TxnOffsetCommit) by `member` of `generation_id` be stored?
  // Kafka checks the member and generation only when the request names one (generation
  // >= 0, a member id or an instance id), in any state of the group.
  GroupError CheckTxnCommit(const MemberRef& member, int32_t generation_id) const;

  // Expires silent members and pending member ids, and ends rebalances whose time is up.
  void Tick(TimestampMs now, Completions& done);
  // Answers every pending callback with `error`: kCoordinatorNotAvailable when the
  // coordinator stops, kNotCoordinator when the group moves to another broker.
  void Shutdown(GroupError error, Completions& done);

  const std::string& id() const { return id_; }
  GroupState state() const { return state_; }
  int32_t generation() const { return generation_; }
  // No members and no member ids waiting for their rejoin: the group can be forgotten.
  bool Unused() const { return members_.empty() && pending_.empty(); }
  GroupListing Listing() const;
  GroupSummary Describe() const;

 private:
  struct Member {
    std::string id;
    std::optional<std::string> instance_id;
    std::string client_id;
    std::string client_host;
    int32_t session_timeout_ms = 0;
    int32_t rebalance_timeout_ms = 0;
    std::vector<GroupProtocol> protocols;
    std::string assignment;
    // The leader has assigned this generation but the member has not collected its
    // assignment with a SyncGroup yet (see Sync).
    bool assignment_pending = false;
    JoinCallback join_callback;  // set while the member waits for the rebalance
    SyncCallback sync_callback;  // set while it waits for the leader's assignment
    TimestampMs session_deadline = 0;
  };

  // Whether a member offering `params` may join: same protocol type, a protocol in common.
  bool AcceptsProtocols(const JoinGroupParams& params) const;
  void JoinAsNew(const JoinGroupParams& params, TimestampMs now, JoinCallback callback,
                 Completions& done);
  void JoinKnown(const JoinGroupParams& params, TimestampMs now, JoinCallback callback,
                 Completions& done);
  // A static member restarted: its entry moves to a fresh member id; the old one is fenced.
  void RejoinStatic(const JoinGroupParams& params, const std::string& old_id, TimestampMs now,
                    JoinCallback callback, Completions& done);
  void AddMember(const JoinGroupParams& params, std::string member_id, TimestampMs now,
                 JoinCallback callback, Completions& done);
  // Refreshes the member's offer and makes it wait for the rebalance.
  void AwaitJoin(Member& member, const JoinGroupParams& params, JoinCallback callback,
                 Completions& done);
  // Forgets the member (answering what it waits for with kUnknownMemberId) and picks a
  // new leader if it led; no state change.
  void DropMember(const std::string& member_id, Completions& done);
  // DropMember, then the state change a departure causes (a rebalance, or its completion).
  void RemoveMember(const std::string& member_id, TimestampMs now, Completions& done);

  void PrepareRebalance(TimestampMs now, Completions& done);
  void MaybeCompleteJoin(TimestampMs now, Completions& done);
  void CompleteJoin(TimestampMs now, Completions& done);
  // The join answer for `member` in the current generation.
  JoinGroupResult JoinAnswer(const Member& member) const;
  // A successful SyncGroup answer carrying `assignment`.
  SyncGroupResult Assigned(const std::string& assignment) const;
  // The leader's preferred protocol among those every member supports.
  std::string SelectProtocol() const;
  int32_t MaxRebalanceTimeout() const;
  // Whether `member` names a static instance that another member id now holds.
  bool IsFenced(const MemberRef& member) const;

  const std::string id_;
  const int64_t initial_rebalance_delay_ms_;
  GroupState state_ = GroupState::kEmpty;
  int32_t generation_ = 0;
  std::string protocol_type_;
  std::string protocol_name_;
  std::string leader_;
  std::map<std::string, Member> members_;
  // Member ids handed out with MEMBER_ID_REQUIRED -> when they expire unless used.
  std::map<std::string, TimestampMs> pending_;
  // Static members: group instance id -> member id.
  std::map<std::string, std::string> instances_;
  // PreparingRebalance: when the join phase ends; during the initial delay, the limit it
  // may be extended to.
  TimestampMs join_deadline_ = 0;
  bool initial_delay_ = false;
  TimestampMs initial_delay_limit_ = 0;
  // CompletingRebalance: when members that have not synced are dropped.
  TimestampMs sync_deadline_ = 0;
};

}  // namespace ringlog
