#include "engine/group/consumer_group.h"

#include <glog/logging.h>

#include <algorithm>
#include <random>
#include <utility>

namespace ringlog {
namespace {

// "<prefix>-<random UUID>", the shape of Kafka's member ids.
std::string NewMemberId(std::string_view prefix) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint8_t bytes[16];
  for (int i = 0; i < 16; i += 8) {
    const uint64_t r = rng();
    for (int j = 0; j < 8; ++j) bytes[i + j] = static_cast<uint8_t>(r >> (8 * j));
  }
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(prefix);
  id += '-';
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) id += '-';
    id += kHex[bytes[i] >> 4];
    id += kHex[bytes[i] & 0xf];
  }
  return id;
}

template <typename Callback>
Callback Take(Callback& callback) {
  return std::exchange(callback, nullptr);
}

void Answer(ConsumerGroup::Completions& done, ConsumerGroup::JoinCallback callback,
            JoinGroupResult result) {
  done.push_back(
      [callback = std::move(callback), result = std::move(result)] { callback(result); });
}

void Answer(ConsumerGroup::Completions& done, ConsumerGroup::SyncCallback callback,
            SyncGroupResult result) {
  done.push_back(
      [callback = std::move(callback), result = std::move(result)] { callback(result); });
}

JoinGroupResult JoinError(GroupError error, const std::string& member_id) {
  JoinGroupResult result;
  result.error = error;
  result.member_id = member_id;
  return result;
}

bool Offers(const std::vector<GroupProtocol>& protocols, const std::string& name) {
  return std::any_of(protocols.begin(), protocols.end(),
                     [&](const GroupProtocol& p) { return p.name == name; });
}

}  // namespace

ConsumerGroup::ConsumerGroup(std::string id, int64_t initial_rebalance_delay_ms)
    : id_(std::move(id)), initial_rebalance_delay_ms_(initial_rebalance_delay_ms) {}

void ConsumerGroup::Join(const JoinGroupParams& params, TimestampMs now, JoinCallback callback,
                         Completions& done) {
  if (!AcceptsProtocols(params)) {
    Answer(done, std::move(callback),
           JoinError(GroupError::kInconsistentGroupProtocol, params.member_id));
    return;
  }
  if (params.member_id.empty()) {
    JoinAsNew(params, now, std::move(callback), done);
  } else {
    JoinKnown(params, now, std::move(callback), done);
  }
}

bool ConsumerGroup::AcceptsProtocols(const JoinGroupParams& params) const {
  if (params.protocol_type.empty() || params.protocols.empty()) return false;
  if (members_.empty()) return true;
  if (params.protocol_type != protocol_type_) return false;
  return std::any_of(
      params.protocols.begin(), params.protocols.end(), [this](const GroupProtocol& offered) {
        return std::all_of(members_.begin(), members_.end(),
                           [&](const auto& m) { return Offers(m.second.protocols, offered.name); });
      });
}

void ConsumerGroup::JoinAsNew(const JoinGroupParams& params, TimestampMs now, JoinCallback callback,
                              Completions& done) {
  if (params.group_instance_id) {
    auto it = instances_.find(*params.group_instance_id);
    if (it != instances_.end()) {
      RejoinStatic(params, it->second, now, std::move(callback), done);
    } else {
      AddMember(params, NewMemberId(*params.group_instance_id), now, std::move(callback), done);
    }
    return;
  }
  std::string member_id = NewMemberId(params.client_id);
  if (params.require_known_member_id) {
    // KIP-394: the id only becomes a member when the client comes back with it, so a
    // client that never does leaves no member behind to time out.
    pending_[member_id] = now + params.session_timeout_ms;
    Answer(done, std::move(callback), JoinError(GroupError::kMemberIdRequired, member_id));
    return;
  }
  AddMember(params, std::move(member_id), now, std::move(callback), done);
}

void ConsumerGroup::JoinKnown(const JoinGroupParams& params, TimestampMs now, JoinCallback callback,
                              Completions& done) {
  const std::string& id = params.member_id;
  if (IsFenced({id, params.group_instance_id})) {
    Answer(done, std::move(callback), JoinError(GroupError::kFencedInstanceId, id));
    return;
  }
  if (pending_.erase(id) > 0) {
    AddMember(params, id, now, std::move(callback), done);
    return;
  }
  auto it = members_.find(id);
  if (it == members_.end()) {
    Answer(done, std::move(callback), JoinError(GroupError::kUnknownMemberId, id));
    return;
  }
  Member& member = it->second;
  member.session_deadline = now + params.session_timeout_ms;
  const bool unchanged = member.protocols == params.protocols;
  switch (state_) {
    case GroupState::kPreparingRebalance:
      AwaitJoin(member, params, std::move(callback), done);
      MaybeCompleteJoin(now, done);
      return;
    case GroupState::kCompletingRebalance:
    case GroupState::kStable:
      // A follower that lost its join answer gets it again; a leader rejoining, or any
      // member changing what it offers, starts a new generation.
      if (unchanged && (state_ == GroupState::kCompletingRebalance || id != leader_)) {
        Answer(done, std::move(callback), JoinAnswer(member));
        return;
      }
      AwaitJoin(member, params, std::move(callback), done);
      PrepareRebalance(now, done);
      return;
    case GroupState::kEmpty:
    case GroupState::kDead:
      break;
  }
  Answer(done, std::move(callback), JoinError(GroupError::kUnknownMemberId, id));
}

void ConsumerGroup::RejoinStatic(const JoinGroupParams& params, const std::string& old_id,
                                 TimestampMs now, JoinCallback callback, Completions& done) {
  auto node = members_.extract(old_id);
  CHECK(!node.empty()) << "instance of group " << id_ << " maps to unknown member " << old_id;
  Member& old = node.mapped();
  if (old.join_callback) {
    Answer(done, Take(old.join_callback), JoinError(GroupError::kFencedInstanceId, old_id));
  }
  if (old.sync_callback) {
    Answer(done, Take(old.sync_callback), SyncGroupResult{GroupError::kFencedInstanceId, {}});
  }
  const std::string new_id = NewMemberId(*params.group_instance_id);
  node.key() = new_id;
  node.mapped().id = new_id;
  Member& member = members_.insert(std::move(node)).position->second;
  instances_[*params.group_instance_id] = new_id;
  if (leader_ == old_id) leader_ = new_id;
  member.client_id = params.client_id;
  member.client_host = params.client_host;
  member.session_deadline = now + params.session_timeout_ms;
  if (state_ == GroupState::kStable && member.protocols == params.protocols) {
    // The restarted instance takes its old place and assignment: no rebalance.
    member.session_timeout_ms = params.session_timeout_ms;
    JoinGroupResult result = JoinAnswer(member);
    result.members.clear();
    Answer(done, std::move(callback), std::move(result));
    return;
  }
  AwaitJoin(member, params, std::move(callback), done);
  if (state_ == GroupState::kPreparingRebalance) {
    MaybeCompleteJoin(now, done);
  } else {
    PrepareRebalance(now, done);
  }
}

void ConsumerGroup::AddMember(const JoinGroupParams& params, std::string member_id, TimestampMs now,
                              JoinCallback callback, Completions& done) {
  if (members_.empty()) protocol_type_ = params.protocol_type;
  Member member;
  member.id = member_id;
  member.instance_id = params.group_instance_id;
  member.session_deadline = now + params.session_timeout_ms;
  auto [it, inserted] = members_.emplace(member_id, std::move(member));
  CHECK(inserted) << "member id " << member_id << " taken twice in group " << id_;
  AwaitJoin(it->second, params, std::move(callback), done);
  if (params.group_instance_id) instances_[*params.group_instance_id] = member_id;
  if (leader_.empty()) leader_ = member_id;
  if (state_ != GroupState::kPreparingRebalance) {
    PrepareRebalance(now, done);
    return;
  }
  if (initial_delay_) {
    join_deadline_ = std::min(now + initial_rebalance_delay_ms_, initial_delay_limit_);
  }
  MaybeCompleteJoin(now, done);
}

void ConsumerGroup::AwaitJoin(Member& member, const JoinGroupParams& params, JoinCallback callback,
                              Completions& done) {
  if (member.join_callback) {
    // A second join while the first still waits: the first will never be used.
    Answer(done, Take(member.join_callback),
           JoinError(GroupError::kRebalanceInProgress, member.id));
  }
  member.client_id = params.client_id;
  member.client_host = params.client_host;
  member.session_timeout_ms = params.session_timeout_ms;
  member.rebalance_timeout_ms =
      params.rebalance_timeout_ms >= 0 ? params.rebalance_timeout_ms : params.session_timeout_ms;
  member.protocols = params.protocols;
  member.join_callback = std::move(callback);
}

void ConsumerGroup::Sync(const SyncGroupParams& params, TimestampMs now, SyncCallback callback,
                         Completions& done) {
  auto refuse = [&](GroupError error) {
    Answer(done, std::move(callback), SyncGroupResult{error, {}});
  };
  if (IsFenced({params.member_id, params.group_instance_id})) {
    return refuse(GroupError::kFencedInstanceId);
  }
  auto it = members_.find(params.member_id);
  if (it == members_.end()) return refuse(GroupError::kUnknownMemberId);
  if (params.generation_id != generation_) return refuse(GroupError::kIllegalGeneration);
  if ((params.protocol_type && *params.protocol_type != protocol_type_) ||
      (params.protocol_name && *params.protocol_name != protocol_name_)) {
    return refuse(GroupError::kInconsistentGroupProtocol);
  }
  Member& member = it->second;
  switch (state_) {
    case GroupState::kPreparingRebalance:
      if (!member.assignment_pending) return refuse(GroupError::kRebalanceInProgress);
      LOG(INFO) << "group " << id_ << ": member " << member.id
                << " collects its assignment of generation " << generation_
                << " after the next rebalance began";
      [[fallthrough]];
    case GroupState::kStable:
      member.session_deadline = now + member.session_timeout_ms;
      member.assignment_pending = false;
      Answer(done, std::move(callback), Assigned(member.assignment));
      return;
    case GroupState::kCompletingRebalance:
      break;
    case GroupState::kEmpty:
    case GroupState::kDead:
      return refuse(GroupError::kUnknownMemberId);
  }
  member.session_deadline = now + member.session_timeout_ms;
  if (member.sync_callback) {
    Answer(done, Take(member.sync_callback), SyncGroupResult{GroupError::kRebalanceInProgress, {}});
  }
  member.sync_callback = std::move(callback);
  if (member.id != leader_) return;
  for (const SyncGroupParams::Assignment& a : params.assignments) {
    auto target = members_.find(a.member_id);
    if (target != members_.end()) target->second.assignment = a.assignment;
  }
  state_ = GroupState::kStable;
  for (auto& [id, m] : members_) {
    m.assignment_pending = m.sync_callback == nullptr;
    if (m.sync_callback) {
      Answer(done, Take(m.sync_callback), Assigned(m.assignment));
    }
  }
}

SyncGroupResult ConsumerGroup::Assigned(const std::string& assignment) const {
  return SyncGroupResult{GroupError::kNone, assignment, protocol_type_, protocol_name_};
}

GroupError ConsumerGroup::Heartbeat(const MemberRef& ref, int32_t generation_id, TimestampMs now) {
  if (IsFenced(ref)) return GroupError::kFencedInstanceId;
  auto it = members_.find(ref.member_id);
  if (it == members_.end()) return GroupError::kUnknownMemberId;
  Member& member = it->second;
  switch (state_) {
    case GroupState::kPreparingRebalance:
      member.session_deadline = now + member.session_timeout_ms;
      return GroupError::kRebalanceInProgress;
    case GroupState::kCompletingRebalance:
    case GroupState::kStable:
      if (generation_id != generation_) return GroupError::kIllegalGeneration;
      member.session_deadline = now + member.session_timeout_ms;
      return GroupError::kNone;
    case GroupState::kEmpty:
    case GroupState::kDead:
      break;
  }
  return GroupError::kUnknownMemberId;
}

GroupError ConsumerGroup::Leave(const MemberRef& ref, TimestampMs now, Completions& done) {
  std::string member_id = ref.member_id;
  if (ref.group_instance_id) {
    auto it = instances_.find(*ref.group_instance_id);
    if (it == instances_.end()) return GroupError::kUnknownMemberId;
    if (!member_id.empty() && it->second != member_id) return GroupError::kFencedInstanceId;
    member_id = it->second;
  }
  if (pending_.erase(member_id) > 0) {
    MaybeCompleteJoin(now, done);
    return GroupError::kNone;
  }
  if (!members_.contains(member_id)) return GroupError::kUnknownMemberId;
  RemoveMember(member_id, now, done);
  return GroupError::kNone;
}

GroupError ConsumerGroup::CheckCommit(const MemberRef& ref, int32_t generation_id,
                                      TimestampMs now) {
  if (IsFenced(ref)) return GroupError::kFencedInstanceId;
  if (generation_id < 0 && state_ == GroupState::kEmpty) return GroupError::kNone;
  // Between the join and the assignment nobody knows what it owns; during the join phase
  // members of the current generation may still commit what they consumed.
  if (state_ == GroupState::kCompletingRebalance) return GroupError::kRebalanceInProgress;
  auto it = members_.find(ref.member_id);
  if (it == members_.end()) return GroupError::kUnknownMemberId;
  if (generation_id != generation_) return GroupError::kIllegalGeneration;
  it->second.session_deadline = now + it->second.session_timeout_ms;
  return GroupError::kNone;
}

GroupError ConsumerGroup::CheckTxnCommit(const MemberRef& ref, int32_t generation_id) const {
  if (generation_id < 0 && ref.member_id.empty() && !ref.group_instance_id) {
    return GroupError::kNone;
  }
  if (IsFenced(ref)) return GroupError::kFencedInstanceId;
  if (!members_.contains(ref.member_id)) return GroupError::kUnknownMemberId;
  if (generation_id != generation_) return GroupError::kIllegalGeneration;
  return GroupError::kNone;
}

void ConsumerGroup::DropMember(const std::string& member_id, Completions& done) {
  auto it = members_.find(member_id);
  CHECK(it != members_.end());
  Member member = std::move(it->second);
  members_.erase(it);
  if (member.join_callback) {
    Answer(done, Take(member.join_callback), JoinError(GroupError::kUnknownMemberId, member_id));
  }
  if (member.sync_callback) {
    Answer(done, Take(member.sync_callback), SyncGroupResult{GroupError::kUnknownMemberId, {}});
  }
  if (member.instance_id) {
    auto instance = instances_.find(*member.instance_id);
    if (instance != instances_.end() && instance->second == member_id) instances_.erase(instance);
  }
  if (leader_ == member_id) {
    // A member already waiting for the rebalance can lead it.
    auto next = std::find_if(members_.begin(), members_.end(),
                             [](const auto& m) { return m.second.join_callback != nullptr; });
    if (next == members_.end()) next = members_.begin();
    leader_ = next == members_.end() ? std::string() : next->first;
  }
}

void ConsumerGroup::RemoveMember(const std::string& member_id, TimestampMs now, Completions& done) {
  DropMember(member_id, done);
  switch (state_) {
    case GroupState::kStable:
    case GroupState::kCompletingRebalance:
      PrepareRebalance(now, done);
      break;
    case GroupState::kPreparingRebalance:
      MaybeCompleteJoin(now, done);
      break;
    case GroupState::kEmpty:
    case GroupState::kDead:
      break;
  }
}

void ConsumerGroup::PrepareRebalance(TimestampMs now, Completions& done) {
  // From Stable the assignments stay until the next generation replaces them: members
  // that have not collected theirs still may (Sync).
  for (auto& [id, member] : members_) {
    if (member.sync_callback) {
      Answer(done, Take(member.sync_callback),
             SyncGroupResult{GroupError::kRebalanceInProgress, {}});
    }
  }
  initial_delay_ = state_ == GroupState::kEmpty && initial_rebalance_delay_ms_ > 0;
  state_ = GroupState::kPreparingRebalance;
  if (initial_delay_) {
    initial_delay_limit_ = now + MaxRebalanceTimeout();
    join_deadline_ = std::min(now + initial_rebalance_delay_ms_, initial_delay_limit_);
  } else {
    join_deadline_ = now + MaxRebalanceTimeout();
  }
  MaybeCompleteJoin(now, done);
}

void ConsumerGroup::MaybeCompleteJoin(TimestampMs now, Completions& done) {
  if (state_ != GroupState::kPreparingRebalance || initial_delay_ || !pending_.empty()) return;
  const bool all_joined = std::all_of(members_.begin(), members_.end(), [](const auto& m) {
    return m.second.join_callback != nullptr;
  });
  if (all_joined) CompleteJoin(now, done);
}

void ConsumerGroup::CompleteJoin(TimestampMs now, Completions& done) {
  std::vector<std::string> absent;
  for (const auto& [id, member] : members_) {
    if (!member.join_callback) absent.push_back(id);
  }
  for (const std::string& id : absent) {
    LOG(INFO) << "group " << id_ << ": member " << id << " did not rejoin in time; removed";
    DropMember(id, done);
  }
  initial_delay_ = false;
  ++generation_;
  if (members_.empty()) {
    state_ = GroupState::kEmpty;
    protocol_name_.clear();
    leader_.clear();
    return;
  }
  if (!members_.contains(leader_)) leader_ = members_.begin()->first;
  protocol_name_ = SelectProtocol();
  state_ = GroupState::kCompletingRebalance;
  sync_deadline_ = now + MaxRebalanceTimeout();
  for (auto& [id, member] : members_) {
    member.assignment.clear();
    member.assignment_pending = false;
    member.session_deadline = now + member.session_timeout_ms;
    Answer(done, Take(member.join_callback), JoinAnswer(member));
  }
}

JoinGroupResult ConsumerGroup::JoinAnswer(const Member& member) const {
  JoinGroupResult result;
  result.generation_id = generation_;
  result.protocol_name = protocol_name_;
  result.leader_id = leader_;
  result.member_id = member.id;
  if (member.id != leader_) return result;
  for (const auto& [id, m] : members_) {
    JoinGroupResult::Member& out = result.members.emplace_back();
    out.member_id = id;
    out.group_instance_id = m.instance_id;
    for (const GroupProtocol& p : m.protocols) {
      if (p.name == protocol_name_) out.metadata = p.metadata;
    }
  }
  return result;
}

std::string ConsumerGroup::SelectProtocol() const {
  const Member& leader = members_.at(leader_);
  for (const GroupProtocol& candidate : leader.protocols) {
    const bool everyone = std::all_of(members_.begin(), members_.end(), [&](const auto& m) {
      return Offers(m.second.protocols, candidate.name);
    });
    if (everyone) return candidate.name;
  }
  return leader.protocols.empty() ? std::string() : leader.protocols.front().name;
}

int32_t ConsumerGroup::MaxRebalanceTimeout() const {
  int32_t timeout = 0;
  for (const auto& [id, member] : members_) {
    timeout = std::max(timeout, member.rebalance_timeout_ms);
  }
  return timeout;
}

bool ConsumerGroup::IsFenced(const MemberRef& ref) const {
  if (!ref.group_instance_id) return false;
  auto it = instances_.find(*ref.group_instance_id);
  return it != instances_.end() && it->second != ref.member_id;
}

void ConsumerGroup::Tick(TimestampMs now, Completions& done) {
  bool pending_expired = false;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (now >= it->second) {
      it = pending_.erase(it);
      pending_expired = true;
    } else {
      ++it;
    }
  }
  // Members waiting for a rebalance or an assignment are kept alive by the wait itself.
  std::vector<std::string> expired;
  for (const auto& [id, member] : members_) {
    if (!member.join_callback && !member.sync_callback && now >= member.session_deadline) {
      expired.push_back(id);
    }
  }
  for (const std::string& id : expired) {
    if (!members_.contains(id)) continue;
    LOG(INFO) << "group " << id_ << ": session of member " << id << " expired";
    RemoveMember(id, now, done);
  }
  if (pending_expired) MaybeCompleteJoin(now, done);
  if (state_ == GroupState::kPreparingRebalance && now >= join_deadline_) {
    CompleteJoin(now, done);
  } else if (state_ == GroupState::kCompletingRebalance && now >= sync_deadline_) {
    std::vector<std::string> unsynced;
    for (const auto& [id, member] : members_) {
      if (!member.sync_callback) unsynced.push_back(id);
    }
    for (const std::string& id : unsynced) {
      LOG(INFO) << "group " << id_ << ": member " << id << " did not sync in time; removed";
      DropMember(id, done);
    }
    PrepareRebalance(now, done);
  }
}

void ConsumerGroup::Shutdown(GroupError error, Completions& done) {
  for (auto& [id, member] : members_) {
    if (member.join_callback) Answer(done, Take(member.join_callback), JoinError(error, id));
    if (member.sync_callback) Answer(done, Take(member.sync_callback), SyncGroupResult{error, {}});
  }
}

GroupListing ConsumerGroup::Listing() const { return GroupListing{id_, protocol_type_, state_}; }

GroupSummary ConsumerGroup::Describe() const {
  GroupSummary summary;
  summary.group_id = id_;
  summary.state = state_;
  summary.protocol_type = protocol_type_;
  const bool stable = state_ == GroupState::kStable;
  if (stable) summary.protocol_name = protocol_name_;
  for (const auto& [id, member] : members_) {
    GroupSummary::Member& out = summary.members.emplace_back();
    out.member_id = id;
    out.group_instance_id = member.instance_id;
    out.client_id = member.client_id;
    out.client_host = member.client_host;
    if (!stable) continue;
    out.assignment = member.assignment;
    for (const GroupProtocol& p : member.protocols) {
      if (p.name == protocol_name_) out.metadata = p.metadata;
    }
  }
  return summary;
}

}  // namespace ringlog
