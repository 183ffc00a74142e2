// ClusterSnapshot: what a broker knows of the cluster at one moment, built from the
// znodes (net/cluster/znodes.h): live brokers, the controller, every topic's replicas and
// leadership. Immutable once published; readers hold a shared_ptr to one snapshot and
// see a consistent picture.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/log/topic_config.h"
#include "engine/uuid.h"
#include "net/cluster/znodes.h"

namespace ringlog {

struct ClusterBroker {
  int32_t id = -1;
  std::string host;
  int32_t port = -1;
  std::optional<std::string> rack;
  // Its registration's epoch: the czxid of /brokers/ids/<id>.
  int64_t epoch = -1;
};

struct ClusterPartition {
  std::vector<int32_t> replicas;  // preferred leader first
  znodes::PartitionState state;   // leader -1 until the controller has written one
  // The state znode's version (Kafka's partition epoch): AlterPartition names it, so the
  // controller changes the ISR only from the state the leader saw. -1 without a state.
  int32_t partition_epoch = -1;
  // The transaction that last wrote the state (its mzxid); 0 without a state. A broker
  // registered after it (ClusterBroker::epoch) is named in it by an earlier incarnation.
  int64_t state_zxid = 0;
};

struct ClusterTopic {
  Uuid id{};
  std::vector<ClusterPartition> partitions;  // index = partition number
  ConfigMap configs;                         // overrides from /config/topics/<t>
};

struct ClusterSnapshot {
  std::string cluster_id;
  int32_t controller_id = -1;  // -1 while there is none
  int32_t controller_epoch = 0;
  std::map<int32_t, ClusterBroker> brokers;  // live (registered) brokers only
  std::map<std::string, ClusterTopic, std::less<>> topics;
  // Topics listed in ZooKeeper whose assignment or config could not be decoded, and of
  // which no earlier version is known: absent from `topics`, and their local replicas are
  // left as they are (neither created, changed nor deleted).
  std::set<std::string, std::less<>> unreadable_topics;

  // Null when the topic or partition is unknown.
  const ClusterTopic* FindTopic(std::string_view topic) const;
  const ClusterPartition* FindPartition(std::string_view topic, int32_t partition) const;
  const ClusterBroker* FindBroker(int32_t id) const;
};

}  // namespace ringlog
