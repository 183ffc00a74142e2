// Which replica leads a partition and which replicas are in sync: the controller's pure
// decision for one partition, with no ZooKeeper in it.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "net/cluster/znodes.h"
#include "net/codec/error_code.h"

namespace ringlog {

// What the controller knows of the brokers and the topic when it decides.
struct ElectionInputs {
  // The registered brokers (/brokers/ids).
  std::set<int32_t> live;
  // Live brokers in controlled shutdown: never elected, and they leave the ISR of every
  // partition that has another live member in it (as Kafka's controller moves leaders off
  // a broker that asked to shut down).
  std::set<int32_t> shutting_down;
  // Live brokers registered since the partition's state was last written (their
  // registration's czxid is newer than the state's mzxid): what the state says of them is
  // of an earlier incarnation, which may have had a disk they no longer have. Each is
  // handled as a failure followed by a start: it leaves the ISR wherever another member
  // (live or not) is named in it, and does not keep leading; it rejoins the ISR only
  // through its leader's AlterPartition once caught up.
  std::set<int32_t> restarted;
  // unclean.leader.election.enable of the topic: with no live ISR member, the first live
  // replica in assignment order leads (ISR = {it}), and what it lacks is lost.
  bool unclean = false;
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
//     are the ones elected when they return (a replica outside the ISR never is, unless
//     inputs.unclean). An empty ISR (a state written by a tool, or before ISRs were
//     kept) names no one, and the first live replica leads;
//   - a broker shutting down counts as dead where another live ISR member can take its
//     place (as leader, or in the ISR), and as live otherwise: the last member in sync
//     keeps leading until it stops;
//   - a restarted broker (inputs.restarted) leaves the ISR first unless it is all that is
//     left of it, and a restarted leader is replaced, or, as the last member, elected again
//     at leader_epoch + 1: a new incarnation never leads at its predecessor's epoch.
// The state carries inputs.controller_epoch.
std::optional<znodes::PartitionState> NextPartitionState(
    const std::vector<int32_t>& replicas, const std::optional<znodes::PartitionState>& current,
    const ElectionInputs& inputs);

// An election asked for (ElectLeaders, or the preferred-leader rebalance): the error for
// the partition, or kNone and the state to write.
struct ElectionDecision {
  ErrorCode error = ErrorCode::kNone;
  std::string message;  // why, when refused
  std::optional<znodes::PartitionState> state;
};

// Preferred election: the first replica of the assignment leads, at leader_epoch + 1,
// the ISR unchanged. ELECTION_NOT_NEEDED when it leads already; PREFERRED_LEADER_NOT_AVAILABLE
// when it is not live, not in the ISR, shutting down or restarted, or there is no state.
ElectionDecision ElectPreferred(const std::vector<int32_t>& replicas,
                                const std::optional<znodes::PartitionState>& current,
                                const ElectionInputs& inputs);

// Unclean election (ElectLeaders type 1): ELECTION_NOT_NEEDED when the partition has a live
// leader; else NextPartitionState with inputs.unclean set, and ELIGIBLE_LEADERS_NOT_AVAILABLE
// when not even that finds a live replica.
ElectionDecision ElectUnclean(const std::vector<int32_t>& replicas,
                              const std::optional<znodes::PartitionState>& current,
                              ElectionInputs inputs);

// Whether `next` was an unclean election from `current`: a leader outside the ISR it had.
bool IsUncleanElection(const std::optional<znodes::PartitionState>& current,
                       const znodes::PartitionState& next);

}  // namespace ringlog
