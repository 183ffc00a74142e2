// The controller's topic administration (ClusterAdmin): checks as Kafka's controller makes
// them, then one fenced multi-op per change, so that a topic appears, grows or goes whole
// or not at all, and never by the hand of a controller that has been replaced.
#include <glog/logging.h>

#include <algorithm>
#include <functional>
#include <iterator>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/log/topic_limits.h"
#include "engine/uuid.h"
#include "net/cluster/controller.h"
#include "net/cluster/znodes.h"

namespace ringlog {
namespace {

AdminOutcome Refuse(ErrorCode error, std::string message) {
  return AdminOutcome{error, std::move(message)};
}

std::string Quoted(const std::string& topic) { return "topic '" + topic + "'"; }

}  // namespace

AdminOutcome Controller::FromZk(const ZkStatus& zk, const std::string& what) {
  if (zk.code == ZkCode::kSessionExpired) {
    session_gone_ = true;
    Resign("the ZooKeeper session expired");
  }
  if (!active_) {
    return Refuse(ErrorCode::kNotController,
                  "broker " + std::to_string(options_.broker_id) + " is not the controller");
  }
  if (zk.code == ZkCode::kConnectionLoss) {
    return Refuse(ErrorCode::kRequestTimedOut, what + ": ZooKeeper did not answer");
  }
  LOG(WARNING) << what << ": " << zk.message;
  return Refuse(ErrorCode::kUnknownServerError, what + ": " + zk.message);
}

ReplicaAssignment Controller::Place(const std::set<int32_t>& live, int32_t first_partition,
                                    int32_t count, int32_t replication_factor,
                                    int32_t start_broker) {
  const std::vector<int32_t> brokers(live.begin(), live.end());
  const int32_t n = static_cast<int32_t>(brokers.size());
  PlacementStart start;
  auto at = std::find(brokers.begin(), brokers.end(), start_broker);
  if (at != brokers.end()) {
    // New partitions of a topic continue its round from its partition 0, as Kafka's do.
    start.start_index = static_cast<int32_t>(at - brokers.begin());
    start.replica_shift = start.start_index;
  } else {
    start.start_index = random_(n);
    start.replica_shift = random_(n);
  }
  return PlaceReplicas(brokers, first_partition, count, replication_factor, start);
}

std::vector<ZkOp> Controller::NewPartitionOps(const std::string& topic,
                                              const ReplicaAssignment& assignment) const {
  std::vector<ZkOp> ops;
  for (const auto& [partition, replicas] : assignment) {
    // Every replica is live (the placement is checked against the live brokers) and none
    // has data yet: all are in sync.
    const znodes::PartitionState state{.leader = replicas.front(),
                                       .leader_epoch = 0,
                                       .controller_epoch = epoch_.load(),
                                       .isr = replicas};
    ops.push_back(ZkOp::Create(znodes::PartitionPath(topic, partition), ""));
    ops.push_back(ZkOp::Create(znodes::PartitionStatePath(topic, partition),
                               znodes::EncodePartitionState(state)));
  }
  return ops;
}

AdminOutcome Controller::CreateTopic(const NewTopic& topic, bool validate_only) {
  std::lock_guard lock(work_mu_);
  const std::string what = "creating " + Quoted(topic.name);
  if (!active_) return FromZk({}, what);
  if (Status name = ValidateTopicName(topic.name); !name.ok()) {
    return Refuse(ErrorCode::kInvalidTopicException, name.message());
  }
  ZkStat stat;
  const ZkStatus exists = zk_->Exists(znodes::TopicPath(topic.name), &stat, false);
  if (exists.ok()) return Refuse(ErrorCode::kTopicAlreadyExists, Quoted(topic.name) + " exists");
  if (exists.code != ZkCode::kNoNode) return FromZk(exists, what);
  std::set<int32_t> live;
  if (ZkStatus listed = LiveBrokers(&live, false); !listed.ok()) return FromZk(listed, what);

  int32_t partitions = topic.partitions == -1 ? options_.default_partitions : topic.partitions;
  int32_t replication_factor = topic.replication_factor == -1 ? options_.default_replication_factor
                                                              : topic.replication_factor;
  if (!topic.assignments.empty()) {
    if (topic.partitions != -1 || topic.replication_factor != -1) {
      return Refuse(ErrorCode::kInvalidRequest,
                    "a replica assignment excludes num_partitions and replication_factor");
    }
    partitions = static_cast<int32_t>(topic.assignments.size());
  }
  if (Status count = ValidatePartitionCount(partitions); !count.ok()) {
    return Refuse(ErrorCode::kInvalidPartitions, count.message());
  }
  if (!topic.assignments.empty()) {
    Status manual = ValidateManualAssignment(topic.assignments, 0, live, -1);
    if (!manual.ok()) return Refuse(ErrorCode::kInvalidReplicaAssignment, manual.message());
  } else if (Status factor = ValidateReplicationFactor(replication_factor, live.size());
             !factor.ok()) {
    return Refuse(ErrorCode::kInvalidReplicationFactor, factor.message());
  }
  if (Result<LogOptions> applied = ApplyTopicConfigs(options_.log_defaults, topic.configs);
      !applied.ok()) {
    return Refuse(ErrorCode::kInvalidConfig, applied.status().message());
  }
  if (validate_only) return {};

  znodes::TopicAssignment assignment{.topic_id = Uuid::Random(), .partitions = topic.assignments};
  if (assignment.partitions.empty()) {
    assignment.partitions = Place(live, 0, partitions, replication_factor, -1);
  }
  std::vector<ZkOp> ops;
  const std::string config_path = znodes::TopicConfigPath(topic.name);
  const std::string config = znodes::EncodeTopicConfig(topic.configs);
  // A config left by an earlier tool is replaced, as Kafka does.
  const ZkStatus config_exists = zk_->Exists(config_path, &stat, false);
  if (config_exists.ok()) {
    ops.push_back(ZkOp::SetData(config_path, config, stat.version));
  } else if (config_exists.code == ZkCode::kNoNode) {
    ops.push_back(ZkOp::Create(config_path, config));
  } else {
    return FromZk(config_exists, what);
  }
  ops.push_back(
      ZkOp::Create(znodes::TopicPath(topic.name), znodes::EncodeTopicAssignment(assignment)));
  ops.push_back(ZkOp::Create(znodes::PartitionsPath(topic.name), ""));
  std::vector<ZkOp> states = NewPartitionOps(topic.name, assignment.partitions);
  std::move(states.begin(), states.end(), std::back_inserter(ops));
  const ZkStatus written = FencedMulti(std::move(ops));
  if (written.code == ZkCode::kNodeExists && active_) {
    return Refuse(ErrorCode::kTopicAlreadyExists, Quoted(topic.name) + " exists");
  }
  if (!written.ok()) return FromZk(written, what);
  LOG(INFO) << "controller epoch " << epoch_.load() << " created " << Quoted(topic.name) << " with "
            << partitions << " partitions";
  return {};
}

AdminOutcome Controller::DeleteTopic(const std::string& name) {
  std::lock_guard lock(work_mu_);
  const std::string what = "deleting " + Quoted(name);
  if (!active_) return FromZk({}, what);
  // The topic's subtree, children before parents: /brokers/topics/<t>/partitions/<p>/state
  // is as deep as it goes.
  std::vector<std::string> paths;
  std::function<ZkStatus(const std::string&)> collect = [&](const std::string& path) {
    std::vector<std::string> children;
    ZkStatus listed = zk_->GetChildren(path, &children, false);
    if (!listed.ok()) return listed;
    for (const std::string& child : children) {
      ZkStatus below = collect(path + "/" + child);
      if (!below.ok()) return below;
    }
    paths.push_back(path);
    return ZkStatus{};
  };
  const ZkStatus collected = collect(znodes::TopicPath(name));
  if (collected.code == ZkCode::kNoNode && paths.empty()) {
    return Refuse(ErrorCode::kUnknownTopicOrPartition, Quoted(name) + " does not exist");
  }
  if (!collected.ok()) return FromZk(collected, what);
  std::vector<ZkOp> ops;
  for (std::string& path : paths) ops.push_back(ZkOp::Delete(std::move(path)));
  ZkStat stat;
  const std::string config_path = znodes::TopicConfigPath(name);
  const ZkStatus config_exists = zk_->Exists(config_path, &stat, false);
  if (config_exists.ok()) {
    ops.push_back(ZkOp::Delete(config_path, stat.version));
  } else if (config_exists.code != ZkCode::kNoNode) {
    return FromZk(config_exists, what);
  }
  const ZkStatus written = FencedMulti(std::move(ops));
  if (!written.ok()) return FromZk(written, what);
  LOG(INFO) << "controller epoch " << epoch_.load() << " deleted " << Quoted(name);
  return {};
}

AdminOutcome Controller::CreatePartitions(const std::string& name, int32_t total,
                                          const std::vector<std::vector<int32_t>>& assignments,
                                          bool validate_only) {
  std::lock_guard lock(work_mu_);
  const std::string what = "adding partitions to " + Quoted(name);
  if (!active_) return FromZk({}, what);
  std::string json;
  ZkStat stat;
  const ZkStatus read = zk_->Get(znodes::TopicPath(name), &json, &stat, false);
  if (read.code == ZkCode::kNoNode) {
    return Refuse(ErrorCode::kUnknownTopicOrPartition, Quoted(name) + " does not exist");
  }
  if (!read.ok()) return FromZk(read, what);
  Result<znodes::TopicAssignment> assignment = znodes::DecodeTopicAssignment(json);
  if (!assignment.ok()) {
    return Refuse(ErrorCode::kUnknownServerError, what + ": " + assignment.status().message());
  }
  const int32_t current = static_cast<int32_t>(assignment->partitions.size());
  if (total <= current) {
    return Refuse(ErrorCode::kInvalidPartitions,
                  Quoted(name) + " has " + std::to_string(current) +
                      " partitions; the new count must be higher, got " + std::to_string(total));
  }
  if (Status count = ValidatePartitionCount(total); !count.ok()) {
    return Refuse(ErrorCode::kInvalidPartitions, count.message());
  }
  std::set<int32_t> live;
  if (ZkStatus listed = LiveBrokers(&live, false); !listed.ok()) return FromZk(listed, what);
  const int32_t added = total - current;
  const std::vector<int32_t>* first =
      current > 0 ? &assignment->partitions.begin()->second : nullptr;
  const int32_t replication_factor =
      first != nullptr ? static_cast<int32_t>(first->size()) : options_.default_replication_factor;
  ReplicaAssignment fresh;
  if (!assignments.empty()) {
    if (assignments.size() != static_cast<size_t>(added)) {
      return Refuse(ErrorCode::kInvalidReplicaAssignment,
                    "adding " + std::to_string(added) +
                        " partitions needs as many assignments, got " +
                        std::to_string(assignments.size()));
    }
    for (int32_t i = 0; i < added; ++i) fresh[current + i] = assignments[i];
    Status manual = ValidateManualAssignment(fresh, current, live, replication_factor);
    if (!manual.ok()) return Refuse(ErrorCode::kInvalidReplicaAssignment, manual.message());
  } else if (Status factor = ValidateReplicationFactor(replication_factor, live.size());
             !factor.ok()) {
    return Refuse(ErrorCode::kInvalidReplicationFactor, factor.message());
  }
  if (validate_only) return {};

  if (fresh.empty()) {
    fresh = Place(live, current, added, replication_factor,
                  first != nullptr && !first->empty() ? first->front() : -1);
  }
  assignment->partitions.insert(fresh.begin(), fresh.end());
  std::vector<ZkOp> ops;
  ops.push_back(ZkOp::SetData(znodes::TopicPath(name), znodes::EncodeTopicAssignment(*assignment),
                              stat.version));
  ZkStat partitions_stat;
  const ZkStatus partitions_exist =
      zk_->Exists(znodes::PartitionsPath(name), &partitions_stat, false);
  if (partitions_exist.code == ZkCode::kNoNode) {
    ops.push_back(ZkOp::Create(znodes::PartitionsPath(name), ""));
  } else if (!partitions_exist.ok()) {
    return FromZk(partitions_exist, what);
  }
  std::vector<ZkOp> states = NewPartitionOps(name, fresh);
  std::move(states.begin(), states.end(), std::back_inserter(ops));
  const ZkStatus written = FencedMulti(std::move(ops));
  if (!written.ok()) return FromZk(written, what);
  LOG(INFO) << "controller epoch " << epoch_.load() << " grew " << Quoted(name) << " from "
            << current << " to " << total << " partitions";
  return {};
}

AdminOutcome Controller::AlterTopicConfigs(const std::string& name, const ConfigMap& configs,
                                           bool validate_only) {
  std::lock_guard lock(work_mu_);
  const std::string what = "altering the configs of " + Quoted(name);
  if (!active_) return FromZk({}, what);
  ZkStat stat;
  const ZkStatus exists = zk_->Exists(znodes::TopicPath(name), &stat, false);
  if (exists.code == ZkCode::kNoNode) {
    return Refuse(ErrorCode::kUnknownTopicOrPartition, Quoted(name) + " does not exist");
  }
  if (!exists.ok()) return FromZk(exists, what);
  if (Result<LogOptions> applied = ApplyTopicConfigs(options_.log_defaults, configs);
      !applied.ok()) {
    return Refuse(ErrorCode::kInvalidConfig, applied.status().message());
  }
  if (validate_only) return {};
  const std::string config_path = znodes::TopicConfigPath(name);
  const std::string config = znodes::EncodeTopicConfig(configs);
  const ZkStatus config_exists = zk_->Exists(config_path, &stat, false);
  std::vector<ZkOp> ops;
  if (config_exists.ok()) {
    ops.push_back(ZkOp::SetData(config_path, config, stat.version));
  } else if (config_exists.code == ZkCode::kNoNode) {
    ops.push_back(ZkOp::Create(config_path, config));
  } else {
    return FromZk(config_exists, what);
  }
  const ZkStatus written = FencedMulti(std::move(ops));
  if (!written.ok()) return FromZk(written, what);
  LOG(INFO) << "controller epoch " << epoch_.load() << " set the configs of " << Quoted(name);
  // A pass, for unclean.leader.election.enable may now elect a leader of an offline partition.
  Notify();
  return {};
}

}  // namespace ringlog
