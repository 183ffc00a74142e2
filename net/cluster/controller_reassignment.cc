// The controller's side of partition reassignment (net/cluster/reassignment.h has the
// rules): AlterPartitionReassignments records moves in the topics' assignment znodes, each
// pass (AdvanceMoves) finishes the moves whose target replicas have all joined the ISR,
// and ListPartitionReassignments reads the moves back. Every write is one fenced multi-op
// conditional on the versions it read, so a move never finishes on a state the controller
// did not see.
#include <glog/logging.h>

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "net/cluster/controller.h"
#include "net/cluster/znodes.h"

namespace ringlog {
namespace {

// Tries of a topic's moves whose znodes changed between the read and the write.
constexpr int kMoveTries = 3;

std::string PartitionName(const std::string& topic, int32_t partition) {
  return topic + "-" + std::to_string(partition);
}

}  // namespace

ReassignmentOutcome Controller::AlterPartitionReassignments(
    const std::vector<ReassignmentTarget>& targets) {
  std::lock_guard lock(work_mu_);
  const std::string what = "reassigning partitions";
  ReassignmentOutcome outcome;
  auto fail = [&](const AdminOutcome& refused) {
    outcome.error = refused.error;
    outcome.message = refused.message;
    outcome.results.clear();
    return outcome;
  };
  if (!active_) return fail(FromZk({}, what));
  std::set<int32_t> live;
  if (ZkStatus listed = LiveBrokers(&live, false); !listed.ok()) return fail(FromZk(listed, what));
  std::map<std::string, std::vector<size_t>> by_topic;
  for (size_t i = 0; i < targets.size(); ++i) by_topic[targets[i].topic].push_back(i);
  outcome.results.resize(targets.size());
  for (const auto& [topic, indexes] : by_topic) {
    const ZkStatus moved = MoveTopic(topic, targets, indexes, live, outcome.results);
    if (!moved.ok()) return fail(FromZk(moved, what));
  }
  Notify();  // the pass that watches the moves
  return outcome;
}

ZkStatus Controller::MoveTopic(const std::string& topic,
                               const std::vector<ReassignmentTarget>& targets,
                               const std::vector<size_t>& indexes, const std::set<int32_t>& live,
                               std::vector<ReassignmentOutcome::Result>& results) {
  auto answer_all = [&](ErrorCode error, const std::string& message) {
    for (size_t i : indexes) results[i] = {error, message};
    return ZkStatus{};
  };
  for (int attempt = 1;; ++attempt) {
    std::string json;
    ZkStat stat;
    const ZkStatus read = zk_->Get(znodes::TopicPath(topic), &json, &stat, false);
    if (read.code == ZkCode::kNoNode) {
      return answer_all(ErrorCode::kUnknownTopicOrPartition,
                        "topic '" + topic + "' does not exist");
    }
    if (!read.ok()) return read;
    Result<znodes::TopicAssignment> decoded = znodes::DecodeTopicAssignment(json);
    if (!decoded.ok()) {
      return answer_all(ErrorCode::kUnknownServerError, decoded.status().message());
    }
    znodes::TopicAssignment assignment = *decoded;
    std::set<int32_t> changed;
    for (size_t i : indexes) {
      const ReassignmentTarget& target = targets[i];
      const std::string name = PartitionName(topic, target.partition);
      if (!assignment.partitions.contains(target.partition)) {
        results[i] = {ErrorCode::kUnknownTopicOrPartition, "partition " + name + " does not exist"};
        continue;
      }
      if (!target.replicas) {
        if (!CancelMove(assignment, target.partition)) {
          results[i] = {ErrorCode::kNoReassignmentInProgress,
                        "partition " + name + " is not moving"};
          continue;
        }
      } else if (std::string problem = TargetProblem(*target.replicas, live); !problem.empty()) {
        results[i] = {ErrorCode::kInvalidReplicaAssignment, "partition " + name + ": " + problem};
        continue;
      } else {
        StartMove(assignment, target.partition, *target.replicas);
      }
      results[i] = {};
      changed.insert(target.partition);
    }
    if (changed.empty()) return ZkStatus{};
    std::vector<ZkOp> ops = {ZkOp::SetData(
        znodes::TopicPath(topic), znodes::EncodeTopicAssignment(assignment), stat.version)};
    // Each moved partition's state is rewritten in the same write, which moves its version
    // (the partition epoch): its leader takes the new replica set only from a newer state.
    // A move that ends at once (a new order of the same replicas, a cancellation) takes its
    // leader and ISR there too.
    for (int32_t partition : changed) {
      const std::string path = znodes::PartitionStatePath(topic, partition);
      std::string state_json;
      ZkStat state_stat;
      const ZkStatus state_read = zk_->Get(path, &state_json, &state_stat, false);
      if (state_read.code == ZkCode::kNoNode) continue;
      if (!state_read.ok()) return state_read;
      Result<znodes::PartitionState> state = znodes::DecodePartitionState(state_json);
      if (!state.ok()) continue;
      znodes::PartitionState next = *state;
      next.controller_epoch = epoch_.load();
      if (!Moving(assignment, partition)) {
        std::optional<znodes::PartitionState> led =
            MoveLeader(assignment.partitions[partition], *state, MayLead(live), epoch_.load());
        if (led) next = std::move(*led);
      }
      ops.push_back(ZkOp::SetData(path, znodes::EncodePartitionState(next), state_stat.version));
    }
    const ZkStatus written = FencedMulti(std::move(ops));
    if (written.code == ZkCode::kBadVersion && active_ && attempt < kMoveTries) continue;
    if (!written.ok()) return written;
    for (int32_t partition : changed) {
      LOG(INFO) << "controller epoch " << epoch_.load() << ": partition "
                << PartitionName(topic, partition) << " "
                << (Moving(assignment, partition) ? "moves" : "now has") << " replicas "
                << IsrText(assignment.partitions[partition])
                << (Moving(assignment, partition)
                        ? " toward " + IsrText(MoveTarget(assignment, partition))
                        : std::string());
    }
    return ZkStatus{};
  }
}

Controller::PassResult Controller::AdvanceMoves(const std::string& topic,
                                                znodes::TopicAssignment assignment, int32_t version,
                                                const std::set<int32_t>& live, bool* moving) {
  std::vector<int32_t> partitions;
  for (const auto& [partition, replicas] : assignment.partitions) {
    if (Moving(assignment, partition)) partitions.push_back(partition);
  }
  for (int32_t partition : partitions) {
    const std::vector<int32_t> target = MoveTarget(assignment, partition);
    const std::string path = znodes::PartitionStatePath(topic, partition);
    std::string json;
    ZkStat stat;
    const ZkStatus read = zk_->Get(path, &json, &stat, false);
    Result<znodes::PartitionState> state =
        read.ok() ? znodes::DecodePartitionState(json) : Status::NotFound(read.message);
    if (!read.ok() && read.code != ZkCode::kNoNode) return Failure(read);
    std::optional<znodes::PartitionState> next;
    if (state.ok() && MoveCaughtUp(target, *state)) {
      next = MoveLeader(target, *state, MayLead(live), epoch_.load());
    }
    if (!next) {
      *moving = true;
      continue;
    }
    znodes::TopicAssignment finished = assignment;
    finished.partitions[partition] = target;
    finished.adding.erase(partition);
    finished.removing.erase(partition);
    const ZkStatus written = FencedMulti(
        {ZkOp::SetData(znodes::TopicPath(topic), znodes::EncodeTopicAssignment(finished), version),
         ZkOp::SetData(path, znodes::EncodePartitionState(*next), stat.version)});
    if (!active_) return PassResult::kDone;
    if (written.code == ZkCode::kBadVersion) {
      *moving = true;
      return PassResult::kRetry;  // the topic or the state changed: the next pass reads it again
    }
    if (!written.ok()) return Failure(written);
    LOG(INFO) << "controller epoch " << epoch_.load() << ": partition "
              << PartitionName(topic, partition) << " moved from "
              << IsrText(assignment.partitions[partition]) << " to replicas " << IsrText(target)
              << ", leader " << state->leader << " -> " << next->leader << ", ISR "
              << IsrText(state->isr) << " -> " << IsrText(next->isr) << ", leader_epoch "
              << next->leader_epoch;
    assignment = std::move(finished);
    ++version;
  }
  return PassResult::kDone;
}

ReassignmentListing Controller::ListPartitionReassignments(
    const std::optional<std::map<std::string, std::vector<int32_t>>>& partitions) {
  std::lock_guard lock(work_mu_);
  const std::string what = "listing the partition moves";
  ReassignmentListing listing;
  auto fail = [&](const AdminOutcome& refused) {
    listing.error = refused.error;
    listing.message = refused.message;
    listing.ongoing.clear();
    return listing;
  };
  if (!active_) return fail(FromZk({}, what));
  std::vector<std::string> topics;
  if (partitions) {
    for (const auto& [topic, wanted] : *partitions) topics.push_back(topic);
  } else {
    const ZkStatus listed = zk_->GetChildren(std::string(znodes::kTopics), &topics, false);
    if (!listed.ok() && listed.code != ZkCode::kNoNode) return fail(FromZk(listed, what));
    std::sort(topics.begin(), topics.end());
  }
  for (const std::string& topic : topics) {
    std::string json;
    ZkStat stat;
    const ZkStatus read = zk_->Get(znodes::TopicPath(topic), &json, &stat, false);
    if (read.code == ZkCode::kNoNode) continue;
    if (!read.ok()) return fail(FromZk(read, what));
    Result<znodes::TopicAssignment> assignment = znodes::DecodeTopicAssignment(json);
    if (!assignment.ok()) continue;
    std::set<int32_t> wanted;
    if (partitions) {
      const std::vector<int32_t>& named = partitions->at(topic);
      wanted.insert(named.begin(), named.end());
    }
    for (const auto& [partition, replicas] : assignment->partitions) {
      if (!Moving(*assignment, partition) || (partitions && !wanted.contains(partition))) continue;
      OngoingReassignment move{.topic = topic, .partition = partition, .replicas = replicas};
      if (auto it = assignment->adding.find(partition); it != assignment->adding.end()) {
        move.adding = it->second;
      }
      if (auto it = assignment->removing.find(partition); it != assignment->removing.end()) {
        move.removing = it->second;
      }
      listing.ongoing.push_back(std::move(move));
    }
  }
  return listing;
}

}  // namespace ringlog
