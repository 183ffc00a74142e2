#include "net/cluster/snapshot_reader.h"

#include <glog/logging.h>

#include <charconv>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace ringlog {
namespace {

// Reads of a topic that may each be overtaken by a write to its assignment (see
// ReadAssignmentAndStates).
constexpr int kConsistentReadTries = 5;

// Reads nodes and lists, arming watches when asked. Absent nodes are not errors.
class TreeReader {
 public:
  TreeReader(ZkClient& zk, bool watch) : zk_(zk), watch_(watch) {}

  // The node's data; nullopt when it does not exist (with a watch armed on its creation).
  // `stat`, when given, receives the node's stat when it exists.
  Result<std::optional<std::string>> Read(const std::string& path, ZkStat* stat = nullptr) {
    std::string data;
    ZkStat own;
    if (stat == nullptr) stat = &own;
    ZkStatus read = zk_.Get(path, &data, stat, watch_);
    if (read.ok()) return std::optional<std::string>(std::move(data));
    if (read.code != ZkCode::kNoNode) return read.ToStatus();
    ASSIGN_OR_RETURN(bool created, ArmCreationWatch(path));
    if (!created) return std::optional<std::string>();
    // Created since the read: once more. Should it be gone again, the watch just armed
    // has fired and the snapshot will be read anew anyway.
    read = zk_.Get(path, &data, stat, watch_);
    if (read.ok()) return std::optional<std::string>(std::move(data));
    if (read.code != ZkCode::kNoNode) return read.ToStatus();
    return std::optional<std::string>();
  }

  // The node's version, without arming a watch; nullopt when it does not exist.
  Result<std::optional<int32_t>> Version(const std::string& path) {
    ZkStat stat;
    const ZkStatus exists = zk_.Exists(path, &stat, false);
    if (exists.ok()) return std::optional<int32_t>(stat.version);
    if (exists.code == ZkCode::kNoNode) return std::optional<int32_t>();
    return exists.ToStatus();
  }

  // The node's children, sorted; none when it does not exist (with a watch armed on its
  // creation).
  Result<std::vector<std::string>> Children(const std::string& path) {
    std::vector<std::string> children;
    ZkStatus listed = zk_.GetChildren(path, &children, watch_);
    if (listed.ok()) return children;
    if (listed.code != ZkCode::kNoNode) return listed.ToStatus();
    ASSIGN_OR_RETURN(bool created, ArmCreationWatch(path));
    if (!created) return std::vector<std::string>();
    children.clear();
    listed = zk_.GetChildren(path, &children, watch_);
    if (listed.ok()) return children;
    if (listed.code != ZkCode::kNoNode) return listed.ToStatus();
    return std::vector<std::string>();
  }

 private:
  // Without watches: false. Else arms an existence watch on `path`; true when the node
  // exists after all (created between the read and now).
  Result<bool> ArmCreationWatch(const std::string& path) {
    if (!watch_) return false;
    ZkStat stat;
    ZkStatus exists = zk_.Exists(path, &stat, true);
    if (exists.ok()) return true;
    if (exists.code == ZkCode::kNoNode) return false;
    return exists.ToStatus();
  }

  ZkClient& zk_;
  const bool watch_;
};

void SkipNode(const std::string& path, const Status& why) {
  LOG(WARNING) << "cluster snapshot: skipping " << path << ": " << why.ToString();
}

std::optional<int32_t> ParseBrokerId(const std::string& name) {
  int32_t id = -1;
  auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), id);
  if (error != std::errc() || end != name.data() + name.size() || id < 0) return std::nullopt;
  return id;
}

Status ReadClusterAndController(TreeReader& tree, ClusterSnapshot& snapshot) {
  const std::string cluster_path(znodes::kClusterId);
  ASSIGN_OR_RETURN(std::optional<std::string> cluster, tree.Read(cluster_path));
  if (cluster.has_value()) {
    Result<std::string> id = znodes::DecodeClusterId(*cluster);
    if (id.ok()) {
      snapshot.cluster_id = std::move(*id);
    } else {
      SkipNode(cluster_path, id.status());
    }
  }
  const std::string epoch_path(znodes::kControllerEpoch);
  ASSIGN_OR_RETURN(std::optional<std::string> epoch, tree.Read(epoch_path));
  if (epoch.has_value()) {
    Result<int32_t> decoded = znodes::DecodeControllerEpoch(*epoch);
    if (decoded.ok()) {
      snapshot.controller_epoch = *decoded;
    } else {
      SkipNode(epoch_path, decoded.status());
    }
  }
  const std::string controller_path(znodes::kController);
  ASSIGN_OR_RETURN(std::optional<std::string> controller, tree.Read(controller_path));
  if (controller.has_value()) {
    Result<znodes::ControllerRecord> decoded = znodes::DecodeController(*controller);
    if (decoded.ok()) {
      snapshot.controller_id = decoded->broker_id;
    } else {
      SkipNode(controller_path, decoded.status());
    }
  }
  return Status::OK();
}

Status ReadBrokers(TreeReader& tree, ClusterSnapshot& snapshot) {
  ASSIGN_OR_RETURN(std::vector<std::string> ids, tree.Children(std::string(znodes::kBrokerIds)));
  for (const std::string& name : ids) {
    const std::string path = std::string(znodes::kBrokerIds) + "/" + name;
    std::optional<int32_t> id = ParseBrokerId(name);
    if (!id.has_value()) {
      SkipNode(path, Status::Corruption("not a broker id"));
      continue;
    }
    ZkStat stat;
    ASSIGN_OR_RETURN(std::optional<std::string> data, tree.Read(path, &stat));
    if (!data.has_value()) continue;  // the broker went since the list
    Result<znodes::BrokerRegistration> broker = znodes::DecodeBrokerRegistration(*id, *data);
    if (!broker.ok()) {
      SkipNode(path, broker.status());
      continue;
    }
    snapshot.brokers[*id] = {*id, std::move(broker->host), broker->port, std::move(broker->rack),
                             stat.czxid};
  }
  return Status::OK();
}

// The topic's replicas from its assignment; nullopt (logged) when it does not describe
// partitions 0..n-1 of a topic with an id.
std::optional<ClusterTopic> TopicFromAssignment(const std::string& path, std::string_view data) {
  Result<znodes::TopicAssignment> assignment = znodes::DecodeTopicAssignment(data);
  if (!assignment.ok()) {
    SkipNode(path, assignment.status());
    return std::nullopt;
  }
  if (assignment->topic_id.IsZero()) {
    SkipNode(path, Status::Corruption("no topic id"));
    return std::nullopt;
  }
  ClusterTopic topic;
  topic.id = assignment->topic_id;
  for (auto& [partition, replicas] : assignment->partitions) {
    if (partition != static_cast<int32_t>(topic.partitions.size())) {
      SkipNode(path, Status::Corruption("partitions are not numbered 0.." +
                                        std::to_string(assignment->partitions.size() - 1)));
      return std::nullopt;
    }
    topic.partitions.push_back({std::move(replicas), {}});
  }
  if (topic.partitions.empty()) {
    SkipNode(path, Status::Corruption("no partitions"));
    return std::nullopt;
  }
  return topic;
}

Status ReadPartitionStates(TreeReader& tree, const std::string& name, ClusterTopic& topic) {
  for (size_t p = 0; p < topic.partitions.size(); ++p) {
    const std::string path = znodes::PartitionStatePath(name, static_cast<int32_t>(p));
    ZkStat stat;
    ASSIGN_OR_RETURN(std::optional<std::string> data, tree.Read(path, &stat));
    if (!data.has_value()) continue;  // not written yet: no leader
    Result<znodes::PartitionState> state = znodes::DecodePartitionState(*data);
    if (state.ok()) {
      topic.partitions[p].state = std::move(*state);
      topic.partitions[p].partition_epoch = stat.version;
      topic.partitions[p].state_zxid = stat.mzxid;
    } else {
      SkipNode(path, state.status());
    }
  }
  return Status::OK();
}

// The topic's overrides; nullopt (logged) when they do not decode.
Result<std::optional<ConfigMap>> ReadTopicConfig(TreeReader& tree, const std::string& name) {
  const std::string path = znodes::TopicConfigPath(name);
  ASSIGN_OR_RETURN(std::optional<std::string> data, tree.Read(path));
  if (!data.has_value()) return std::optional<ConfigMap>(ConfigMap());
  Result<ConfigMap> configs = znodes::DecodeTopicConfig(*data);
  if (!configs.ok()) {
    SkipNode(path, configs.status());
    return std::optional<ConfigMap>();
  }
  return std::optional<ConfigMap>(std::move(*configs));
}

// The topic's assignment and the states of its partitions as of one moment; nullopt when
// the topic is gone or, marked in `snapshot`, unreadable. A reassignment rewrites the
// assignment and the moved partitions' states in one write: states read after such a
// write beside an assignment read before it would give a partition epoch a replica set it
// never had, and a leader, which takes replicas only with a newer epoch, would never learn
// the new ones. So the assignment's version is read again after the states, and all of it
// again when it moved.
Result<std::optional<ClusterTopic>> ReadAssignmentAndStates(TreeReader& tree,
                                                            const std::string& name,
                                                            ClusterSnapshot& snapshot) {
  const std::string path = znodes::TopicPath(name);
  for (int attempt = 1; attempt <= kConsistentReadTries; ++attempt) {
    ZkStat stat;
    ASSIGN_OR_RETURN(std::optional<std::string> data, tree.Read(path, &stat));
    if (!data.has_value()) return std::optional<ClusterTopic>();  // deleted since the list
    std::optional<ClusterTopic> topic = TopicFromAssignment(path, *data);
    if (!topic.has_value()) {
      snapshot.unreadable_topics.insert(name);
      return topic;
    }
    RETURN_IF_ERROR(ReadPartitionStates(tree, name, *topic));
    ASSIGN_OR_RETURN(std::optional<int32_t> version, tree.Version(path));
    if (!version.has_value()) return std::optional<ClusterTopic>();
    if (*version == stat.version) return topic;
  }
  // Its watch has fired: the next snapshot reads it again.
  LOG(WARNING) << "cluster snapshot: topic " << name << " changed during each of "
               << kConsistentReadTries << " reads; keeping its previous state";
  snapshot.unreadable_topics.insert(name);
  return std::optional<ClusterTopic>();
}

Status ReadTopics(TreeReader& tree, ClusterSnapshot& snapshot) {
  ASSIGN_OR_RETURN(std::vector<std::string> configured,
                   tree.Children(std::string(znodes::kTopicConfigs)));
  const std::set<std::string> with_config(configured.begin(), configured.end());
  ASSIGN_OR_RETURN(std::vector<std::string> names, tree.Children(std::string(znodes::kTopics)));
  for (const std::string& name : names) {
    ASSIGN_OR_RETURN(std::optional<ClusterTopic> topic,
                     ReadAssignmentAndStates(tree, name, snapshot));
    if (!topic.has_value()) continue;
    if (with_config.contains(name)) {
      ASSIGN_OR_RETURN(std::optional<ConfigMap> configs, ReadTopicConfig(tree, name));
      if (!configs.has_value()) {
        snapshot.unreadable_topics.insert(name);
        continue;
      }
      topic->configs = std::move(*configs);
    }
    snapshot.topics.emplace(name, std::move(*topic));
  }
  return Status::OK();
}

}  // namespace

Result<ClusterSnapshot> ReadClusterSnapshot(ZkClient& zk, bool watch) {
  TreeReader tree(zk, watch);
  ClusterSnapshot snapshot;
  RETURN_IF_ERROR(ReadClusterAndController(tree, snapshot));
  RETURN_IF_ERROR(ReadBrokers(tree, snapshot));
  RETURN_IF_ERROR(ReadTopics(tree, snapshot));
  return snapshot;
}

}  // namespace ringlog
