// Which replica leads a partition and which replicas are in sync: the controller's pure
// decision for one partition, with no ZooKeeper in it.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <vector>

#include "net/cluster/znodes.h"

namespace ringlog {

// What the controller knows of the brokers and the topic when it decides.
struct ElectionInputs {
  // The registered brokers (/brokers/ids).
  std::set<int32_t> live;
  // Live brokers in controlled shutdown: never elected, and they leave the ISR of every
  // partition that has another live member in it (as Kafka's controller moves leaders off
  // a broker that asked to shut down).
  std::set<int32_t> shutting_down;
  int32_t controller_epoch = 0;
};

// The state a partition with `replicas` should have now, or nullopt when `current`
// (nullopt: none written yet) may stay. Kafka's clean election:
//   - no state yet: the live replicas are in sync (nothing is written yet) and the first of
//     them leads at leader_epoch 0; with none live, all replicas are in the ISR and the
//     leader is -1, so that whichever returns first leads;
//   - a live leader stays; ISR members that died leave the ISR, at the same leader_epoch
//     (only the state's version, the partition epoch, moves);
//   - a dead leader (or none) is replaced by the first replica in assignment order that is
//     live and in the ISR, at leader_epoch + 1, the ISR less the dead brokers;
//   - with no live ISR member: leader -1 (offline) at leader_epoch + 1, and the ISR stays
//     as it was, so that the last members in sync, which hold every acknowledged record,
//     are the ones elected when they return (a replica outside the ISR never is: unclean
//     election is not done). An empty ISR (a state written by a tool, or before ISRs were
//     kept) names no one, and the first live replica leads;
//   - a broker shutting down counts as dead where another live ISR member can take its
//     place (as leader, or in the ISR), and as live otherwise: the last member in sync
//     keeps leading until it stops.
// The state carries inputs.controller_epoch.
std::optional<znodes::PartitionState> NextPartitionState(
    const std::vector<int32_t>& replicas, const std::optional<znodes::PartitionState>& current,
    const ElectionInputs& inputs);

}  // namespace ringlog
