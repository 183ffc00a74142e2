// ClusterAdmin: topic administration and ISR changes as the controller does them. Every
// change is one ZooKeeper multi-op conditional on the controller epoch, so a controller that
// has been replaced changes nothing (NOT_CONTROLLER). The brokers learn of a change through
// their watches on the znodes it wrote.
//
// Thread safety: thread-safe; calls block on ZooKeeper (use the admin worker), except
// AlterPartitionAsync, which returns at once.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/log/topic_config.h"
#include "engine/types.h"
#include "net/cluster/isr_change.h"
#include "net/cluster/reassignment.h"
#include "net/codec/error_code.h"

namespace ringlog {

struct AdminOutcome {
  ErrorCode error = ErrorCode::kNone;
  std::string message;  // for the response's error_message; empty when kNone

  bool ok() const { return error == ErrorCode::kNone; }
};

struct NewTopic {
  std::string name;
  int32_t partitions = -1;          // -1: the broker default (num.partitions)
  int16_t replication_factor = -1;  // -1: the broker default (default.replication.factor)
  // Manual placement (CreateTopics' assignments); empty: the controller places them.
  std::map<int32_t, std::vector<int32_t>> assignments;
  ConfigMap configs;
};

// The answer to an AlterPartition: a request-wide error (NOT_CONTROLLER, STALE_BROKER_EPOCH,
// or REQUEST_TIMED_OUT when ZooKeeper did not answer), or one decision per proposal.
struct AlterPartitionOutcome {
  ErrorCode error = ErrorCode::kNone;
  std::string message;
  std::vector<IsrDecision> decisions;  // in the order of the proposals; empty on error
};

// The answer to a ControlledShutdown: a request-wide error (NOT_CONTROLLER,
// BROKER_NOT_AVAILABLE, STALE_BROKER_EPOCH, REQUEST_TIMED_OUT), or the partitions the broker
// still leads once every leadership that could move has moved.
struct ControlledShutdownOutcome {
  ErrorCode error = ErrorCode::kNone;
  std::string message;
  std::vector<PartitionId> remaining;  // empty on error
};

// ElectLeaders' election types (API 43's ElectionType).
enum class ElectionType : int8_t { kPreferred = 0, kUnclean = 1 };

// The partitions of one topic an ElectLeaders names.
struct ElectionTopic {
  std::string topic;
  std::vector<int32_t> partitions;
};

// The answer to an ElectLeaders: a request-wide error (NOT_CONTROLLER, REQUEST_TIMED_OUT), or
// one result per partition, with the leader it has when elected.
struct ElectLeadersOutcome {
  struct Partition {
    std::string topic;
    int32_t partition = 0;
    ErrorCode error = ErrorCode::kNone;
    std::string message;  // why, when not kNone
    int32_t leader = -1;  // kNone: the leader elected
  };
  ErrorCode error = ErrorCode::kNone;
  std::string message;
  std::vector<Partition> partitions;
};

class ClusterAdmin {
 public:
  virtual ~ClusterAdmin() = default;

  // TOPIC_ALREADY_EXISTS, INVALID_TOPIC_EXCEPTION, INVALID_PARTITIONS,
  // INVALID_REPLICATION_FACTOR (above the live brokers), INVALID_REPLICA_ASSIGNMENT,
  // INVALID_CONFIG, NOT_CONTROLLER. `validate_only`: checks and writes nothing.
  virtual AdminOutcome CreateTopic(const NewTopic& topic, bool validate_only) = 0;
  // UNKNOWN_TOPIC_OR_PARTITION, NOT_CONTROLLER.
  virtual AdminOutcome DeleteTopic(const std::string& name) = 0;
  // Grows `name` to `total` partitions; `assignments` (may be empty) place the new ones.
  // INVALID_PARTITIONS unless total > current, UNKNOWN_TOPIC_OR_PARTITION, NOT_CONTROLLER.
  virtual AdminOutcome CreatePartitions(const std::string& name, int32_t total,
                                        const std::vector<std::vector<int32_t>>& assignments,
                                        bool validate_only) = 0;
  // Replaces the topic's overrides (AlterConfigs semantics). INVALID_CONFIG,
  // UNKNOWN_TOPIC_OR_PARTITION, NOT_CONTROLLER.
  virtual AdminOutcome AlterTopicConfigs(const std::string& name, const ConfigMap& configs,
                                         bool validate_only) = 0;
  // Changes the ISRs that leader `broker_id` proposes (AlterPartition), each checked by
  // CheckIsrProposal (isr_change.h) and written conditional on the state's version.
  // STALE_BROKER_EPOCH for a broker that is not registered, or whose registration is not
  // `broker_epoch` (-1: not checked); UNKNOWN_TOPIC_OR_PARTITION for a partition without
  // an assignment or a state; INVALID_UPDATE_VERSION as well when the state changed between
  // the read and the write. The work runs on the controller's own thread, in turn with its
  // passes, so that ISR changes never queue behind topic administration; `done` runs once
  // with the outcome, on that thread, or on the caller's with NOT_CONTROLLER when there is
  // no controller to run it.
  virtual void AlterPartitionAsync(int32_t broker_id, int64_t broker_epoch,
                                   std::vector<IsrProposal> proposals,
                                   std::function<void(const AlterPartitionOutcome&)> done) = 0;
  // Starts or cancels partition moves (net/cluster/reassignment.h), each checked on its own:
  // UNKNOWN_TOPIC_OR_PARTITION, INVALID_REPLICA_ASSIGNMENT (TargetProblem),
  // NO_REASSIGNMENT_IN_PROGRESS for a cancellation of a partition that is not moving;
  // NOT_CONTROLLER for the whole request. Returns once the moves are recorded, not done.
  virtual ReassignmentOutcome AlterPartitionReassignments(
      const std::vector<ReassignmentTarget>& targets) = 0;
  // The moves in progress: all (`partitions` nullopt) or those of the partitions named
  // (by topic; unknown ones are left out). NOT_CONTROLLER for the whole request.
  virtual ReassignmentListing ListPartitionReassignments(
      const std::optional<std::map<std::string, std::vector<int32_t>>>& partitions) = 0;
  // Broker `broker_id` is shutting down (ControlledShutdown): until its registration goes
  // or changes, it is never elected, its leaderships move to other live ISR members and it
  // leaves every ISR that has another live member. BROKER_NOT_AVAILABLE for a broker that
  // is not registered, STALE_BROKER_EPOCH for one whose registration is not `broker_epoch`
  // (-1: not checked). Runs on the controller's thread like AlterPartitionAsync; `done` runs
  // once, after the controller's pass that moved the leaderships.
  virtual void ControlledShutdownAsync(
      int32_t broker_id, int64_t broker_epoch,
      std::function<void(const ControlledShutdownOutcome&)> done) = 0;

  // Elects leaders of `partitions` (nullopt: every partition of every topic, reporting
  // only those where an election was needed): preferred (the first replica, when it is live
  // and in the ISR; PREFERRED_LEADER_NOT_AVAILABLE otherwise) or unclean (the first live ISR
  // member, failing that the first live replica, for partitions without a live leader;
  // ELIGIBLE_LEADERS_NOT_AVAILABLE when none is live). ELECTION_NOT_NEEDED when the
  // partition has that leader already; UNKNOWN_TOPIC_OR_PARTITION; NOT_CONTROLLER.
  virtual ElectLeadersOutcome ElectLeaders(
      ElectionType type, const std::optional<std::vector<ElectionTopic>>& partitions) = 0;
};

}  // namespace ringlog
