#include "net/cluster/partition_election.h"

#include <algorithm>
#include <iterator>

namespace ringlog {
namespace {

bool Contains(const std::vector<int32_t>& brokers, int32_t broker) {
  return std::find(brokers.begin(), brokers.end(), broker) != brokers.end();
}

// `isr` less its restarted members, unless none other is named in it.
std::vector<int32_t> WithoutRestarted(const std::vector<int32_t>& isr,
                                      const ElectionInputs& inputs) {
  std::vector<int32_t> kept;
  std::copy_if(isr.begin(), isr.end(), std::back_inserter(kept),
               [&](int32_t broker) { return !inputs.restarted.contains(broker); });
  return kept.empty() ? isr : kept;
}

// The live ISR members of `isr`, less the ones shutting down when any other is left.
std::vector<int32_t> StayingIsr(const std::vector<int32_t>& isr, const ElectionInputs& inputs) {
  std::vector<int32_t> live;
  std::copy_if(isr.begin(), isr.end(), std::back_inserter(live),
               [&](int32_t broker) { return inputs.live.contains(broker); });
  std::vector<int32_t> staying;
  std::copy_if(live.begin(), live.end(), std::back_inserter(staying),
               [&](int32_t broker) { return !inputs.shutting_down.contains(broker); });
  return staying.empty() ? live : staying;
}

// The first live replica in assignment order, preferring one not shutting down or
// restarted: the choice of an unclean election.
std::vector<int32_t>::const_iterator FirstLive(const std::vector<int32_t>& replicas,
                                               const ElectionInputs& inputs) {
  auto settled = std::find_if(replicas.begin(), replicas.end(), [&](int32_t broker) {
    return inputs.live.contains(broker) && !inputs.shutting_down.contains(broker) &&
           !inputs.restarted.contains(broker);
  });
  if (settled != replicas.end()) return settled;
  return std::find_if(replicas.begin(), replicas.end(),
                      [&](int32_t broker) { return inputs.live.contains(broker); });
}

}  // namespace

std::optional<znodes::PartitionState> NextPartitionState(
    const std::vector<int32_t>& replicas, const std::optional<znodes::PartitionState>& current,
    const ElectionInputs& inputs) {
  auto is_live = [&](int32_t broker) { return inputs.live.contains(broker); };
  znodes::PartitionState next;
  next.controller_epoch = inputs.controller_epoch;
  if (!current) {
    next.isr = StayingIsr(replicas, inputs);
    if (next.isr.empty()) {
      next.isr = replicas;
    } else {
      next.leader = next.isr.front();
    }
    return next;
  }
  next = *current;
  next.controller_epoch = inputs.controller_epoch;
  // Restarted members leave first (a failure), then the rules of the live apply (a start).
  const std::vector<int32_t> isr = WithoutRestarted(current->isr, inputs);
  next.isr = StayingIsr(isr, inputs);
  auto can_lead = [&](int32_t broker) {
    // An empty ISR names no one: any live replica not shutting down may lead.
    return current->isr.empty() ? is_live(broker) && !inputs.shutting_down.contains(broker)
                                : Contains(next.isr, broker);
  };
  if (current->leader != -1 && can_lead(current->leader) &&
      !inputs.restarted.contains(current->leader)) {
    if (next.isr == current->isr) return std::nullopt;
    return next;
  }
  // The leader is dead, restarted (or shutting down, with another member to take over), or
  // there is none: the first staying ISR member in assignment order, or with an empty ISR
  // the first live replica, or with unclean election allowed the first live replica.
  auto elected = std::find_if(replicas.begin(), replicas.end(), can_lead);
  bool alone = current->isr.empty();
  if (elected == replicas.end() && (current->isr.empty() || inputs.unclean)) {
    elected = FirstLive(replicas, inputs);
    alone = true;
  }
  if (elected != replicas.end()) {
    next.leader = *elected;
    next.leader_epoch = current->leader_epoch + 1;
    if (alone) next.isr = {*elected};
    return next;
  }
  if (next.isr.empty()) next.isr = isr;
  if (current->leader == -1) {
    if (next.isr == current->isr) return std::nullopt;
    return next;
  }
  next.leader = -1;
  next.leader_epoch = current->leader_epoch + 1;
  return next;
}

ElectionDecision ElectPreferred(const std::vector<int32_t>& replicas,
                                const std::optional<znodes::PartitionState>& current,
                                const ElectionInputs& inputs) {
  if (!current || replicas.empty()) {
    return {ErrorCode::kPreferredLeaderNotAvailable, "the partition has no state yet", {}};
  }
  const int32_t preferred = replicas.front();
  const bool restarted = inputs.restarted.contains(preferred);
  if (current->leader == preferred && !restarted) {
    return {ErrorCode::kElectionNotNeeded,
            "the preferred replica " + std::to_string(preferred) + " leads already",
            {}};
  }
  std::string why;
  if (!inputs.live.contains(preferred)) {
    why = "is not live";
  } else if (!Contains(current->isr, preferred)) {
    why = "is not in the ISR";
  } else if (inputs.shutting_down.contains(preferred)) {
    why = "is shutting down";
  } else if (restarted) {
    why = "restarted and has not rejoined the ISR";
  }
  if (!why.empty()) {
    return {ErrorCode::kPreferredLeaderNotAvailable,
            "the preferred replica " + std::to_string(preferred) + " " + why,
            {}};
  }
  znodes::PartitionState next = *current;
  next.leader = preferred;
  next.leader_epoch = current->leader_epoch + 1;
  next.controller_epoch = inputs.controller_epoch;
  return {ErrorCode::kNone, {}, next};
}

ElectionDecision ElectUnclean(const std::vector<int32_t>& replicas,
                              const std::optional<znodes::PartitionState>& current,
                              ElectionInputs inputs) {
  if (current && current->leader != -1 && inputs.live.contains(current->leader) &&
      !inputs.restarted.contains(current->leader)) {
    return {ErrorCode::kElectionNotNeeded,
            "broker " + std::to_string(current->leader) + " leads the partition",
            {}};
  }
  inputs.unclean = true;
  std::optional<znodes::PartitionState> next = NextPartitionState(replicas, current, inputs);
  if (!next || next->leader == -1) {
    return {ErrorCode::kEligibleLeadersNotAvailable, "no replica of the partition is live", {}};
  }
  return {ErrorCode::kNone, {}, next};
}

bool IsUncleanElection(const std::optional<znodes::PartitionState>& current,
                       const znodes::PartitionState& next) {
  return current && !current->isr.empty() && next.leader != -1 &&
         !Contains(current->isr, next.leader);
}

}  // namespace ringlog
