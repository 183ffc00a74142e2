#include "net/cluster/isr_change.h"

#include <algorithm>
#include <set>

namespace ringlog {
namespace {

IsrCheck Refuse(ErrorCode error, std::string message) {
  return IsrCheck{error, std::move(message), false};
}

std::vector<int32_t> Ids(const std::vector<IsrMember>& members) {
  std::vector<int32_t> ids;
  ids.reserve(members.size());
  for (const IsrMember& member : members) ids.push_back(member.broker_id);
  return ids;
}

bool SameMembers(std::vector<int32_t> a, std::vector<int32_t> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

}  // namespace

IsrCheck CheckIsrProposal(int32_t requester, const IsrProposal& proposal,
                          const ClusterPartition& current,
                          const std::function<bool(const IsrMember&)>& eligible) {
  const znodes::PartitionState& state = current.state;
  if (proposal.leader_epoch > state.leader_epoch ||
      proposal.partition_epoch > current.partition_epoch) {
    return Refuse(ErrorCode::kNotController,
                  "the proposal names leader epoch " + std::to_string(proposal.leader_epoch) +
                      " and partition epoch " + std::to_string(proposal.partition_epoch) +
                      ", newer than the controller's " + std::to_string(state.leader_epoch) +
                      " and " + std::to_string(current.partition_epoch));
  }
  if (proposal.leader_epoch < state.leader_epoch) {
    return Refuse(ErrorCode::kFencedLeaderEpoch,
                  "leader epoch " + std::to_string(proposal.leader_epoch) + " is older than " +
                      std::to_string(state.leader_epoch));
  }
  if (requester != state.leader) {
    return Refuse(ErrorCode::kFencedLeaderEpoch, "broker " + std::to_string(requester) +
                                                     " does not lead it; the leader is " +
                                                     std::to_string(state.leader));
  }
  const std::vector<int32_t> ids = Ids(proposal.new_isr);
  if (proposal.leader_recovery_state == 0 && SameMembers(ids, state.isr)) {
    return IsrCheck{ErrorCode::kNone, {}, true};
  }
  if (proposal.partition_epoch < current.partition_epoch) {
    return Refuse(ErrorCode::kInvalidUpdateVersion,
                  "partition epoch " + std::to_string(proposal.partition_epoch) +
                      " is older than " + std::to_string(current.partition_epoch));
  }
  std::set<int32_t> seen;
  for (int32_t id : ids) {
    if (!seen.insert(id).second) {
      return Refuse(ErrorCode::kInvalidRequest, "the new ISR " + IsrText(ids) + " names broker " +
                                                    std::to_string(id) + " twice");
    }
    if (std::find(current.replicas.begin(), current.replicas.end(), id) == current.replicas.end()) {
      return Refuse(ErrorCode::kInvalidRequest,
                    "broker " + std::to_string(id) + " of the new ISR is not a replica");
    }
  }
  if (!seen.contains(state.leader)) {
    return Refuse(ErrorCode::kInvalidRequest,
                  "the new ISR " + IsrText(ids) + " does not contain the leader");
  }
  if (proposal.leader_recovery_state != 0) {
    return Refuse(ErrorCode::kInvalidRequest,
                  "leader_recovery_state " + std::to_string(proposal.leader_recovery_state) +
                      ": the partition is not recovering from an unclean election");
  }
  for (const IsrMember& member : proposal.new_isr) {
    if (!eligible(member)) {
      return Refuse(ErrorCode::kIneligibleReplica, "broker " + std::to_string(member.broker_id) +
                                                       " is not registered (at broker epoch " +
                                                       std::to_string(member.broker_epoch) + ")");
    }
  }
  return IsrCheck{};
}

std::string IsrText(const std::vector<int32_t>& isr) {
  std::string text = "[";
  for (size_t i = 0; i < isr.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(isr[i]);
  }
  return text + "]";
}

}  // namespace ringlog
