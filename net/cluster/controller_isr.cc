// The controller's side of AlterPartition: the ISR changes partition leaders ask for. Each
// proposal is checked against the partition's assignment and state as ZooKeeper holds them
// (isr_change.h has the rules), then written as one fenced multi-op conditional on the
// state's version, so that neither a replaced controller nor a leader that saw an older
// state changes anything.
#include <glog/logging.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "net/cluster/controller.h"
#include "net/cluster/znodes.h"

namespace ringlog {
namespace {

std::string PartitionName(const IsrProposal& proposal) {
  return proposal.topic + "-" + std::to_string(proposal.partition);
}

}  // namespace

void Controller::AlterPartitionAsync(int32_t broker_id, int64_t broker_epoch,
                                     std::vector<IsrProposal> proposals,
                                     std::function<void(const AlterPartitionOutcome&)> done) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      jobs_.push_back([this, broker_id, broker_epoch, proposals = std::move(proposals),
                       done = std::move(done)] {
        done(AlterPartition(broker_id, broker_epoch, proposals));
        // A new replica that joined the ISR may finish a partition move.
        if (moves_ongoing_) Notify();
      });
      wake_.notify_one();
      return;
    }
  }
  done({ErrorCode::kNotController,
        "broker " + std::to_string(options_.broker_id) + " is no longer the controller",
        {}});
}

AlterPartitionOutcome Controller::AlterPartition(int32_t broker_id, int64_t broker_epoch,
                                                 const std::vector<IsrProposal>& proposals) {
  std::lock_guard lock(work_mu_);
  const std::string what = "changing the ISRs broker " + std::to_string(broker_id) + " asked for";
  AlterPartitionOutcome outcome;
  auto fail = [&](const AdminOutcome& refused) {
    outcome.error = refused.error;
    outcome.message = refused.message;
    outcome.decisions.clear();
    return outcome;
  };
  if (!active_) return fail(FromZk({}, what));
  ZkStat registration;
  const ZkStatus registered = zk_->Exists(znodes::BrokerPath(broker_id), &registration, false);
  if (registered.code == ZkCode::kNoNode ||
      (registered.ok() && broker_epoch != -1 && registration.czxid != broker_epoch)) {
    LOG(WARNING) << "controller epoch " << epoch_.load() << " ignores the ISR changes of broker "
                 << broker_id << " at broker epoch " << broker_epoch
                 << ": not its current registration";
    return fail({ErrorCode::kStaleBrokerEpoch, "broker " + std::to_string(broker_id) +
                                                   " is not registered at broker epoch " +
                                                   std::to_string(broker_epoch)});
  }
  if (!registered.ok()) return fail(FromZk(registered, what));
  std::set<int32_t> live;
  if (ZkStatus listed = LiveBrokers(&live, false); !listed.ok()) return fail(FromZk(listed, what));
  AssignmentCache assignments;
  RegistrationEpochs registrations;
  for (const IsrProposal& proposal : proposals) {
    IsrDecision& decision = outcome.decisions.emplace_back();
    const ZkStatus zk = DecideIsr(broker_id, proposal, live, assignments, registrations, &decision);
    if (!zk.ok()) return fail(FromZk(zk, what));
  }
  // A partition led by a broker in controlled shutdown may have gained the member that
  // takes over from it: the next pass moves the leadership.
  if (!shutting_down_.empty()) Notify();
  return outcome;
}

ZkStatus Controller::DecideIsr(int32_t requester, const IsrProposal& proposal,
                               const std::set<int32_t>& live, AssignmentCache& assignments,
                               RegistrationEpochs& registrations, IsrDecision* decision) {
  auto refuse = [&](ErrorCode error, std::string message) {
    LOG(INFO) << "controller epoch " << epoch_.load() << " refuses the ISR change of "
              << PartitionName(proposal) << " from broker " << requester << ": " << message;
    decision->error = error;
    decision->message = std::move(message);
    return ZkStatus{};
  };
  auto [cached, fresh] = assignments.try_emplace(proposal.topic);
  if (fresh) {
    std::string json;
    ZkStat stat;
    const ZkStatus read = zk_->Get(znodes::TopicPath(proposal.topic), &json, &stat, false);
    if (!read.ok() && read.code != ZkCode::kNoNode) return read;
    if (read.ok()) {
      Result<znodes::TopicAssignment> decoded = znodes::DecodeTopicAssignment(json);
      if (decoded.ok()) cached->second = std::move(*decoded);
    }
  }
  const std::vector<int32_t>* replicas = nullptr;
  if (cached->second) {
    auto found = cached->second->partitions.find(proposal.partition);
    if (found != cached->second->partitions.end()) replicas = &found->second;
  }
  if (replicas == nullptr) {
    return refuse(ErrorCode::kUnknownTopicOrPartition,
                  "partition " + PartitionName(proposal) + " does not exist");
  }
  const std::string path = znodes::PartitionStatePath(proposal.topic, proposal.partition);
  std::string json;
  ZkStat stat;
  const ZkStatus read = zk_->Get(path, &json, &stat, false);
  if (read.code == ZkCode::kNoNode) {
    return refuse(ErrorCode::kUnknownTopicOrPartition, "it has no state yet");
  }
  if (!read.ok()) return read;
  Result<znodes::PartitionState> state = znodes::DecodePartitionState(json);
  if (!state.ok()) return refuse(ErrorCode::kUnknownTopicOrPartition, state.status().message());
  const ClusterPartition current{*replicas, *state, stat.version};

  // The registrations of the requester and the members: a broker registered since the
  // state was written is in it by an earlier incarnation (controller_election.cc).
  std::vector<int32_t> named{requester};
  for (const IsrMember& member : proposal.new_isr) named.push_back(member.broker_id);
  for (int32_t broker_id : named) {
    if (!live.contains(broker_id) || registrations.contains(broker_id)) continue;
    ZkStat broker;
    const ZkStatus there = zk_->Exists(znodes::BrokerPath(broker_id), &broker, false);
    if (there.ok()) {
      registrations[broker_id] = broker.czxid;
    } else if (there.code != ZkCode::kNoNode) {
      return there;
    }
  }
  auto restarted = [&](int32_t broker_id) {
    auto found = registrations.find(broker_id);
    return found != registrations.end() && found->second > stat.mzxid;
  };
  if (current.state.leader == requester && restarted(requester)) {
    return refuse(ErrorCode::kFencedLeaderEpoch,
                  "broker " + std::to_string(requester) +
                      " registered anew since it was made leader: it no longer leads");
  }
  auto eligible = [&](const IsrMember& member) {
    if (!live.contains(member.broker_id)) return false;
    if (!MayBeInIsr(member.broker_id, current.state.isr)) return false;
    // Kept in the ISR by an earlier incarnation: it leaves first and must catch up again.
    const auto& isr = current.state.isr;
    if (restarted(member.broker_id) &&
        std::find(isr.begin(), isr.end(), member.broker_id) != isr.end()) {
      return false;
    }
    if (member.broker_epoch == -1) return true;
    auto found = registrations.find(member.broker_id);
    return found != registrations.end() && found->second == member.broker_epoch;
  };
  const IsrCheck check = CheckIsrProposal(requester, proposal, current, eligible);
  if (check.error != ErrorCode::kNone) return refuse(check.error, check.message);
  if (check.unchanged) {
    *decision = IsrDecision{ErrorCode::kNone, {}, current.state, current.partition_epoch};
    return ZkStatus{};
  }

  znodes::PartitionState next = current.state;
  next.controller_epoch = epoch_.load();
  next.isr.clear();
  for (const IsrMember& member : proposal.new_isr) next.isr.push_back(member.broker_id);
  const ZkStatus written =
      FencedMulti({ZkOp::SetData(path, znodes::EncodePartitionState(next), stat.version)});
  if (written.ok()) {
    LOG(INFO) << "partition " << PartitionName(proposal) << ": ISR " << IsrText(current.state.isr)
              << " -> " << IsrText(next.isr) << " of replicas " << IsrText(current.replicas)
              << " as leader " << requester << " asked, leader_epoch " << next.leader_epoch
              << ", partition epoch " << stat.version + 1 << ", controller epoch "
              << next.controller_epoch
              << (next.isr.size() < current.replicas.size() ? " (under-replicated)" : "");
    *decision = IsrDecision{ErrorCode::kNone, {}, std::move(next), stat.version + 1};
    return ZkStatus{};
  }
  if (!active_) return written;
  if (written.code == ZkCode::kBadVersion) {
    return refuse(ErrorCode::kInvalidUpdateVersion, "its state changed meanwhile");
  }
  if (written.code == ZkCode::kNoNode) {
    return refuse(ErrorCode::kUnknownTopicOrPartition, "it was deleted meanwhile");
  }
  return written;
}

}  // namespace ringlog
