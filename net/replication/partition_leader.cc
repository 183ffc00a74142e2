#include "net/replication/partition_leader.h"

#include <glog/logging.h>

#include <algorithm>
#include <utility>

#include "net/metrics/isr_counters.h"

namespace ringlog {

std::string FormatIds(const std::vector<int32_t>& ids) {
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ",";
    out += std::to_string(ids[i]);
  }
  return out + "]";
}

PartitionLeader::PartitionLeader(PartitionId id, const Options& options,
                                 const LeaderAssignment& assignment, Offset epoch_start,
                                 Offset high_watermark, TimestampMs now)
    : id_(std::move(id)),
      options_(options),
      leader_epoch_(assignment.leader_epoch),
      partition_epoch_(assignment.partition_epoch),
      epoch_start_(epoch_start),
      hw_(high_watermark) {
  TakeState(assignment, now);
  if (isr_.size() < replicas_.size()) {
    LOG(WARNING) << id_.ToString() << " under-replicated: ISR " << FormatIds(isr_)
                 << " of replicas " << FormatIds(replicas_);
  }
}

void PartitionLeader::NewEpoch(const LeaderAssignment& assignment, Offset epoch_start,
                               TimestampMs now) {
  const std::vector<int32_t> before = isr_;
  leader_epoch_ = assignment.leader_epoch;
  partition_epoch_ = assignment.partition_epoch;
  epoch_start_ = epoch_start;
  TakeState(assignment, now);
  pending_.reset();
  quiet_until_ms_ = 0;
  if (before != isr_) LogIsrChange(before, "leader epoch " + std::to_string(leader_epoch_));
}

bool PartitionLeader::UpdateState(const LeaderAssignment& assignment, TimestampMs now) {
  if (assignment.leader_epoch != leader_epoch_) return false;
  if (assignment.partition_epoch <= partition_epoch_) return false;
  const std::vector<int32_t> before = isr_;
  partition_epoch_ = assignment.partition_epoch;
  TakeState(assignment, now);
  pending_.reset();
  quiet_until_ms_ = 0;
  if (before != isr_) LogIsrChange(before, "the controller's state");
  return true;
}

void PartitionLeader::TakeState(const LeaderAssignment& assignment, TimestampMs now) {
  const std::vector<int32_t> old_isr = std::move(isr_);
  replicas_ = assignment.replicas;
  isr_ = assignment.isr;
  std::map<int32_t, Follower> followers;
  for (int32_t replica : replicas_) {
    if (replica == options_.local_id) continue;
    auto old = followers_.find(replica);
    Follower follower = old == followers_.end() ? Follower{} : old->second;
    // A newcomer to the ISR gets the full lag time before it can be dropped again.
    const bool was_in_isr = std::find(old_isr.begin(), old_isr.end(), replica) != old_isr.end();
    if (InIsr(replica) && (old == followers_.end() || !was_in_isr)) {
      follower.last_caught_up_ms = std::max(follower.last_caught_up_ms, now);
    }
    followers.emplace(replica, follower);
  }
  followers_ = std::move(followers);
}

ErrorCode PartitionLeader::OnFollowerFetch(int32_t replica, Offset fetch_offset,
                                           Offset leader_log_end, TimestampMs now,
                                           std::optional<IsrChangeProposal>* proposal) {
  auto it = followers_.find(replica);
  if (it == followers_.end()) return ErrorCode::kNotLeaderOrFollower;
  if (fetch_offset > leader_log_end) return ErrorCode::kNone;
  Follower& follower = it->second;
  if (fetch_offset >= leader_log_end) {
    follower.last_caught_up_ms = std::max(follower.last_caught_up_ms, now);
  } else if (fetch_offset >= follower.leader_end_at_last_fetch) {
    follower.last_caught_up_ms = std::max(follower.last_caught_up_ms, follower.last_fetch_ms);
  }
  follower.leader_end_at_last_fetch = leader_log_end;
  follower.last_fetch_ms = now;
  follower.log_end = fetch_offset;

  if (!InIsr(replica) && MayPropose(now) && fetch_offset >= hw_ && fetch_offset >= epoch_start_) {
    std::vector<int32_t> new_isr = isr_;
    new_isr.push_back(replica);
    *proposal = Propose(std::move(new_isr),
                        std::to_string(replica) + " caught up at " + std::to_string(fetch_offset));
  }
  return ErrorCode::kNone;
}

std::optional<IsrChangeProposal> PartitionLeader::MaybeShrink(Offset leader_log_end,
                                                              TimestampMs now) {
  if (!MayPropose(now)) return std::nullopt;
  std::vector<int32_t> new_isr;
  std::string reason;
  for (int32_t member : isr_) {
    auto it = followers_.find(member);
    if (it != followers_.end()) {
      const Follower& follower = it->second;
      const int64_t lag_ms = now - follower.last_caught_up_ms;
      if (follower.log_end != leader_log_end && lag_ms > options_.replica_lag_time_max_ms) {
        if (!reason.empty()) reason += ", ";
        reason += std::to_string(member) + " lagged " + std::to_string(lag_ms) + " ms";
        continue;
      }
    }
    new_isr.push_back(member);
  }
  if (reason.empty()) return std::nullopt;
  return Propose(std::move(new_isr), std::move(reason));
}

IsrChangeProposal PartitionLeader::Propose(std::vector<int32_t> new_isr, std::string reason) {
  LOG(INFO) << id_.ToString() << " proposes ISR " << FormatIds(isr_) << " -> " << FormatIds(new_isr)
            << ": " << reason << " (partition epoch " << partition_epoch_ << ")";
  pending_ = IsrChangeProposal{next_proposal_id_++, leader_epoch_, partition_epoch_,
                               std::move(new_isr), std::move(reason)};
  return *pending_;
}

void PartitionLeader::OnProposalAccepted(uint64_t id, const LeaderAssignment& state,
                                         TimestampMs now) {
  if (state.leader_epoch != leader_epoch_) {
    OnProposalRefused(id, ErrorCode::kFencedLeaderEpoch, now);
    return;
  }
  if (state.partition_epoch <= partition_epoch_) {
    if (Pending(id)) pending_.reset();
    return;
  }
  const std::vector<int32_t> before = isr_;
  const std::string why = Pending(id) ? pending_->reason : "the controller's state";
  partition_epoch_ = state.partition_epoch;
  LeaderAssignment taken = state;
  if (taken.replicas.empty()) taken.replicas = replicas_;
  TakeState(taken, now);
  pending_.reset();
  if (before != isr_) LogIsrChange(before, why);
}

void PartitionLeader::OnProposalRefused(uint64_t id, ErrorCode error, TimestampMs now) {
  if (!Pending(id)) return;
  LOG(WARNING) << id_.ToString() << " ISR change " << FormatIds(isr_) << " -> "
               << FormatIds(pending_->new_isr) << " refused by the controller (error "
               << static_cast<int>(error) << "); waiting for a newer state";
  pending_.reset();
  quiet_until_ms_ = now + options_.proposal_retry_backoff_ms;
}

std::vector<int32_t> PartitionLeader::maximal_isr() const {
  std::vector<int32_t> maximal = isr_;
  if (pending_) {
    for (int32_t id : pending_->new_isr) {
      if (std::find(maximal.begin(), maximal.end(), id) == maximal.end()) maximal.push_back(id);
    }
  }
  return maximal;
}

Offset PartitionLeader::HighWatermarkCandidate(Offset leader_log_end) const {
  // Over the maximal ISR without building it: this runs on every fetch and write.
  Offset candidate = leader_log_end;
  auto count = [&](int32_t member) {
    if (member != options_.local_id) candidate = std::min(candidate, follower_log_end(member));
  };
  for (int32_t member : isr_) count(member);
  if (pending_) {
    for (int32_t member : pending_->new_isr) {
      if (!InIsr(member)) count(member);
    }
  }
  return std::max(candidate, hw_);
}

bool PartitionLeader::HighWatermarkMoved(Offset hw, Completions* out) {
  if (hw <= hw_) return false;
  hw_ = hw;
  const size_t insync = maximal_isr().size();
  auto end = waiters_.upper_bound(hw_);
  for (auto it = waiters_.begin(); it != end; ++it) {
    const bool enough = insync >= static_cast<size_t>(std::max(it->second.min_insync, 1));
    out->push_back({std::move(it->second.done),
                    enough ? ErrorCode::kNone : ErrorCode::kNotEnoughReplicasAfterAppend});
  }
  waiters_.erase(waiters_.begin(), end);
  return true;
}

ErrorCode PartitionLeader::CheckInsync(int32_t min_insync) const {
  if (isr_.size() < static_cast<size_t>(std::max(min_insync, 1))) {
    return ErrorCode::kNotEnoughReplicas;
  }
  return ErrorCode::kNone;
}

void PartitionLeader::AddWaiter(Offset end, int32_t min_insync, TimestampMs deadline,
                                std::function<void(ErrorCode)> done, Completions* out) {
  if (end <= hw_) {
    const bool enough = maximal_isr().size() >= static_cast<size_t>(std::max(min_insync, 1));
    out->push_back(
        {std::move(done), enough ? ErrorCode::kNone : ErrorCode::kNotEnoughReplicasAfterAppend});
    return;
  }
  waiters_.emplace(end, Waiter{min_insync, deadline, std::move(done)});
}

void PartitionLeader::ExpireWaiters(TimestampMs now, Completions* out) {
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    if (it->second.deadline <= now) {
      out->push_back({std::move(it->second.done), ErrorCode::kRequestTimedOut});
      it = waiters_.erase(it);
    } else {
      ++it;
    }
  }
}

void PartitionLeader::FailWaiters(ErrorCode error, Completions* out) {
  for (auto& [end, waiter] : waiters_) out->push_back({std::move(waiter.done), error});
  waiters_.clear();
}

std::optional<TimestampMs> PartitionLeader::NextDeadline() const {
  std::optional<TimestampMs> next;
  for (const auto& [end, waiter] : waiters_) {
    if (!next || waiter.deadline < *next) next = waiter.deadline;
  }
  return next;
}

Offset PartitionLeader::follower_log_end(int32_t replica) const {
  auto it = followers_.find(replica);
  return it == followers_.end() ? -1 : it->second.log_end;
}

bool PartitionLeader::InIsr(int32_t id) const {
  return std::find(isr_.begin(), isr_.end(), id) != isr_.end();
}

void PartitionLeader::LogIsrChange(const std::vector<int32_t>& before,
                                   const std::string& why) const {
  CountIsrChange(before.size(), isr_.size());
  LOG(INFO) << id_.ToString() << " ISR " << FormatIds(before) << " -> " << FormatIds(isr_) << ": "
            << why << " (partition epoch " << partition_epoch_ << ")";
  const bool was_under = before.size() < replicas_.size();
  const bool is_under = isr_.size() < replicas_.size();
  if (is_under && !was_under) {
    LOG(WARNING) << id_.ToString() << " under-replicated: ISR " << FormatIds(isr_)
                 << " of replicas " << FormatIds(replicas_);
  } else if (was_under && !is_under) {
    LOG(INFO) << id_.ToString() << " fully replicated again: ISR " << FormatIds(isr_);
  }
}

}  // namespace ringlog
