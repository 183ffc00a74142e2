// The rules of an ISR change that a partition leader asks the controller for (AlterPartition,
// API 56), as Kafka's controller applies them, with no ZooKeeper in them: the controller
// (controller_isr.cc) reads the partition's assignment and state, asks CheckIsrProposal,
// and writes the new ISR conditional on the state's version.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "net/cluster/cluster_snapshot.h"
#include "net/codec/error_code.h"

namespace ringlog {

// A proposed ISR member, with the epoch of its broker's registration (the czxid of
// /brokers/ids/<id>); -1 skips the epoch check.
struct IsrMember {
  int32_t broker_id = -1;
  int64_t broker_epoch = -1;
};

// One partition of an AlterPartition request.
struct IsrProposal {
  std::string topic;
  int32_t partition = 0;
  int32_t leader_epoch = 0;  // the epoch the leader leads at
  std::vector<IsrMember> new_isr;
  int8_t leader_recovery_state = 0;  // 0 recovered; 1 recovering from an unclean election
  int32_t partition_epoch = 0;       // the version of the state the leader last saw
};

// The controller's answer to one IsrProposal.
struct IsrDecision {
  ErrorCode error = ErrorCode::kNone;
  std::string message;           // why it was refused; empty when kNone
  znodes::PartitionState state;  // kNone: the state in force now
  int32_t partition_epoch = -1;  // kNone: its version
};

// What the controller should do with `proposal` from broker `requester` for the partition
// `current` (its replicas, state and partition epoch as read), in Kafka's order of checks:
//   NOT_CONTROLLER        the proposal names a newer leader or partition epoch than ZooKeeper
//                         holds: this controller reads stale data or was replaced;
//   FENCED_LEADER_EPOCH   an older leader epoch, or `requester` does not lead the partition
//                         (Kafka answers INVALID_REQUEST for the latter; a broker that does
//                         not lead is an old leader as far as its request goes);
//   kNone, unchanged      the state in force already has this leader, epoch and ISR (a
//                         retry of a request that was applied): answer the current state;
//   INVALID_UPDATE_VERSION an older partition epoch: the state changed since the leader saw it;
//   INVALID_REQUEST       an ISR with a broker twice or one that is not a replica, without the
//                         leader, or a leader_recovery_state other than 0 (no unclean election
//                         happens here, so no partition is recovering);
//   INELIGIBLE_REPLICA    a member for which `eligible` is false (not registered, or of
//                         another registration than its broker epoch names);
//   kNone, changed        the change may be written.
struct IsrCheck {
  ErrorCode error = ErrorCode::kNone;
  std::string message;     // why, when refused
  bool unchanged = false;  // kNone: the state in force is already the one proposed
};
IsrCheck CheckIsrProposal(int32_t requester, const IsrProposal& proposal,
                          const ClusterPartition& current,
                          const std::function<bool(const IsrMember&)>& eligible);

// "[1, 2, 3]", for the logs.
std::string IsrText(const std::vector<int32_t>& isr);

}  // namespace ringlog
