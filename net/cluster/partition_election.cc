#include "net/cluster/partition_election.h"

#include <algorithm>
#include <iterator>

namespace ringlog {
namespace {

bool Contains(const std::vector<int32_t>& brokers, int32_t broker) {
  return std::find(brokers.begin(), brokers.end(), broker) != brokers.end();
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
  next.isr = StayingIsr(current->isr, inputs);
  auto can_lead = [&](int32_t broker) {
    // An empty ISR names no one: any live replica not shutting down may lead.
    return current->isr.empty() ? is_live(broker) && !inputs.shutting_down.contains(broker)
                                : Contains(next.isr, broker);
  };
  if (current->leader != -1 && can_lead(current->leader)) {
    if (next.isr == current->isr) return std::nullopt;
    return next;
  }
  // The leader is dead (or shutting down, with another member to take over), or there is
  // none: the first staying ISR member in assignment order, or with an empty ISR the first
  // live replica.
  auto elected = std::find_if(replicas.begin(), replicas.end(), can_lead);
  if (elected == replicas.end() && current->isr.empty()) {
    elected = std::find_if(replicas.begin(), replicas.end(), is_live);
  }
  if (elected != replicas.end()) {
    next.leader = *elected;
    next.leader_epoch = current->leader_epoch + 1;
    if (current->isr.empty()) next.isr = {*elected};
    return next;
  }
  if (current->leader == -1) return std::nullopt;
  next.leader = -1;
  next.leader_epoch = current->leader_epoch + 1;
  if (next.isr.empty()) next.isr = current->isr;
  return next;
}

}  // namespace ringlog
