// The znodes of a ringlog cluster: Kafka's ZooKeeper-mode layout and JSON, so that the tree
// looks familiar to anyone who ran Kafka on ZooKeeper. Paths are relative to the chroot.
//
//   /cluster/id                               {"version":"1","id":"<cluster id>"}
//   /brokers/ids/<id>                 (E)     a BrokerRegistration
//   /brokers/topics/<t>                       a TopicAssignment
//   /brokers/topics/<t>/partitions/<p>/state  a PartitionState
//   /controller                       (E)     {"version":1,"brokerid":N,"timestamp":"<ms>"}
//   /controller_epoch                         the epoch as a decimal integer
//   /config/topics/<t>                        {"version":1,"config":{"<name>":"<value>",...}}
//   /latest_producer_id_block                 a ProducerIdBlock
//
// Decoders accept what the encoders write and ignore fields they do not know; anything
// else is Corruption naming the path's kind, never a crash.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/log/topic_config.h"
#include "engine/status.h"
#include "engine/uuid.h"

namespace ringlog::znodes {

inline constexpr std::string_view kClusterId = "/cluster/id";
inline constexpr std::string_view kBrokerIds = "/brokers/ids";
inline constexpr std::string_view kTopics = "/brokers/topics";
inline constexpr std::string_view kController = "/controller";
inline constexpr std::string_view kControllerEpoch = "/controller_epoch";
inline constexpr std::string_view kTopicConfigs = "/config/topics";
inline constexpr std::string_view kProducerIdBlock = "/latest_producer_id_block";

std::string BrokerPath(int32_t broker_id);                                  // /brokers/ids/<id>
std::string TopicPath(std::string_view topic);                              // /brokers/topics/<t>
std::string PartitionsPath(std::string_view topic);                         // .../<t>/partitions
std::string PartitionPath(std::string_view topic, int32_t partition);       // .../<p>
std::string PartitionStatePath(std::string_view topic, int32_t partition);  // .../<p>/state
std::string TopicConfigPath(std::string_view topic);                        // /config/topics/<t>

struct BrokerRegistration {
  int32_t broker_id = -1;  // from the path, not the JSON
  std::string host;
  int32_t port = -1;
  std::optional<std::string> rack;
  int64_t timestamp_ms = 0;
};
// Kafka's version 5 registration: host, port, "endpoints":["PLAINTEXT://host:port"],
// the listener map, rack, timestamp.
std::string EncodeBrokerRegistration(const BrokerRegistration& broker);
Result<BrokerRegistration> DecodeBrokerRegistration(int32_t broker_id, std::string_view json);

// Replica lists per partition, preferred leader first. A partition being reassigned
// (controller_reassignment.cc) lists its new replicas first, then the old ones it still
// has; "adding_replicas" names the new ones not yet in the old set and "removing_replicas"
// the old ones not in the new set, as Kafka 2.4+ keeps them. Partitions not being moved
// have no entry there.
struct TopicAssignment {
  Uuid topic_id{};
  std::map<int32_t, std::vector<int32_t>> partitions;
  std::map<int32_t, std::vector<int32_t>> adding;
  std::map<int32_t, std::vector<int32_t>> removing;
};
std::string EncodeTopicAssignment(const TopicAssignment& assignment);
Result<TopicAssignment> DecodeTopicAssignment(std::string_view json);

// A partition's leadership, written by the controller only.
struct PartitionState {
  int32_t leader = -1;  // -1: no leader (offline)
  int32_t leader_epoch = 0;
  int32_t controller_epoch = 0;
  std::vector<int32_t> isr;

  bool operator==(const PartitionState&) const = default;
};
std::string EncodePartitionState(const PartitionState& state);
Result<PartitionState> DecodePartitionState(std::string_view json);

struct ControllerRecord {
  int32_t broker_id = -1;
  int64_t timestamp_ms = 0;
};
std::string EncodeController(const ControllerRecord& controller);
Result<ControllerRecord> DecodeController(std::string_view json);

std::string EncodeControllerEpoch(int32_t epoch);
Result<int32_t> DecodeControllerEpoch(std::string_view text);

std::string EncodeClusterId(std::string_view cluster_id);
Result<std::string> DecodeClusterId(std::string_view json);

// A topic's config overrides (only the overrides; defaults are the brokers').
std::string EncodeTopicConfig(const ConfigMap& configs);
Result<ConfigMap> DecodeTopicConfig(std::string_view json);

// The last block of producer ids handed out: ids in [block_start, block_end] belong to
// `broker_id`; the next block starts at block_end + 1.
struct ProducerIdBlock {
  int32_t broker_id = -1;
  int64_t block_start = 0;
  int64_t block_end = -1;
};
std::string EncodeProducerIdBlock(const ProducerIdBlock& block);
Result<ProducerIdBlock> DecodeProducerIdBlock(std::string_view json);

}  // namespace ringlog::znodes
