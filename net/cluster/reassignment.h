// Partition reassignment (AlterPartitionReassignments, ListPartitionReassignments): the
// requests and answers of ClusterAdmin, and the controller's pure decisions for one
// partition, with no ZooKeeper in them (net/cluster/controller_reassignment.cc applies them).
//
// A move to a target replica set runs as Kafka's ZooKeeper controller runs it:
//   1. the assignment lists target ++ (origin -- target): the new replicas start following
//      the leader and catching up; "adding" names target -- origin, "removing"
//      origin -- target;
//   2. once every target replica is in the ISR, the move finishes in one write: the
//      replicas become the target, the ISR loses the removed ones, adding and removing are
//      cleared, and the leader is chosen among the target (see MoveLeader); the removed
//      brokers stop following and delete their copy (LocalReplicas).
// A new move of a partition already moving starts from its origin (the replicas less
// the ones being added); a cancellation (no target) goes back to the origin.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "net/cluster/znodes.h"
#include "net/codec/error_code.h"

namespace ringlog {

// One partition of an AlterPartitionReassignments request.
struct ReassignmentTarget {
  std::string topic;
  int32_t partition = 0;
  std::optional<std::vector<int32_t>> replicas;  // nullopt: cancel the move in progress
};

// The answer to an AlterPartitionReassignments request: a request-wide error
// (NOT_CONTROLLER, REQUEST_TIMED_OUT), or one result per target, in their order.
struct ReassignmentOutcome {
  ErrorCode error = ErrorCode::kNone;
  std::string message;
  struct Result {
    ErrorCode error = ErrorCode::kNone;
    std::string message;  // empty when kNone
  };
  std::vector<Result> results;  // empty on a request-wide error
};

// A move in progress, as ListPartitionReassignments describes it.
struct OngoingReassignment {
  std::string topic;
  int32_t partition = 0;
  std::vector<int32_t> replicas;  // target ++ (origin -- target)
  std::vector<int32_t> adding;
  std::vector<int32_t> removing;

  bool operator==(const OngoingReassignment&) const = default;
};

// The answer to a ListPartitionReassignments request: a request-wide error, or the moves.
struct ReassignmentListing {
  ErrorCode error = ErrorCode::kNone;
  std::string message;
  std::vector<OngoingReassignment> ongoing;  // by topic, then partition
};

// Why `replicas` cannot be a partition's target replica set on a cluster whose registered
// brokers are `live`, or empty: an empty list, a broker named twice, or a broker that is
// not registered (Kafka answers INVALID_REPLICA_ASSIGNMENT for each).
std::string TargetProblem(const std::vector<int32_t>& replicas, const std::set<int32_t>& live);

// Where partition `partition` of `assignment` moves for `target` (checked by
// TargetProblem): its replicas, adding and removing entries are rewritten in place. A target
// that is the origin in another order (or the origin itself) leaves nothing in progress:
// the replicas are the target at once.
void StartMove(znodes::TopicAssignment& assignment, int32_t partition,
               const std::vector<int32_t>& target);

// Cancels the move of `partition` in `assignment`: its replicas go back to the origin (the
// replicas less the ones being added, in the order of the move's list, as Kafka restores
// them: the assignment does not keep the origin's own order) and adding/removing are
// cleared. False (nothing changed) when it is not moving.
bool CancelMove(znodes::TopicAssignment& assignment, int32_t partition);

// Whether `partition` of `assignment` has a move in progress.
bool Moving(const znodes::TopicAssignment& assignment, int32_t partition);

// The replicas `partition` moves to: its replicas less the ones being removed, in order.
std::vector<int32_t> MoveTarget(const znodes::TopicAssignment& assignment, int32_t partition);

// The state of a partition whose replicas become `target`, from `state`: the ISR keeps its
// members that are in `target`; the leader is the preferred replica (the first of
// `target`) when it may lead and is in that ISR, else the current leader when it stays in
// it and may lead, else the first ISR member in `target` order that may lead. `may_lead`:
// the live brokers that are not shutting down (a broker in a controlled shutdown is
// leaving, as in Kafka's reassignment election). A new leader gets leader_epoch + 1.
// nullopt when no member of `target` can lead (none may lead and is in the ISR). ringlog moves
// leadership to the preferred replica as a move ends (Kafka leaves that to its next
// preferred-leader election), so that one reassignment spreads the leaders too. The state carries
// `controller_epoch`.
std::optional<znodes::PartitionState> MoveLeader(const std::vector<int32_t>& target,
                                                 const znodes::PartitionState& state,
                                                 const std::set<int32_t>& may_lead,
                                                 int32_t controller_epoch);

// Whether the move of a partition with `target` may finish given `state`: every target
// replica is in the ISR.
bool MoveCaughtUp(const std::vector<int32_t>& target, const znodes::PartitionState& state);

}  // namespace ringlog
