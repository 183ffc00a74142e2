#include "net/cluster/znodes.h"

#include <charconv>
#include <limits>
#include <nlohmann/json.hpp>

namespace ringlog::znodes {
namespace {

using Json = nlohmann::json;

// The decoders below read a parsed document through these checked accessors only: each
// returns false for a missing field or a wrong type, so nothing throws and no value is
// silently converted.

// An integer value within [lo, hi].
bool AsInt(const Json& value, int64_t lo, int64_t hi, int64_t* out) {
  if (!value.is_number_integer()) return false;
  if (value.is_number_unsigned()) {
    if (value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return false;
    }
  }
  int64_t v = value.get<int64_t>();
  if (v < lo || v > hi) return false;
  *out = v;
  return true;
}

bool ReadInt(const Json& object, const char* key, int64_t lo, int64_t hi, int64_t* out) {
  auto it = object.find(key);
  return it != object.end() && AsInt(*it, lo, hi, out);
}

bool ReadInt32(const Json& object, const char* key, int32_t* out) {
  int64_t value = 0;
  if (!ReadInt(object, key, std::numeric_limits<int32_t>::min(),
               std::numeric_limits<int32_t>::max(), &value)) {
    return false;
  }
  *out = static_cast<int32_t>(value);
  return true;
}

bool ParseDecimal(std::string_view text, int64_t* out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

// A 64-bit number Kafka writes as a decimal string ("timestamp", "block_start"); a JSON
// integer is accepted too.
bool ReadInt64OrString(const Json& object, const char* key, int64_t* out) {
  auto it = object.find(key);
  if (it == object.end()) return false;
  if (it->is_string()) return ParseDecimal(it->get_ref<const std::string&>(), out);
  return ReadInt(object, key, std::numeric_limits<int64_t>::min(),
                 std::numeric_limits<int64_t>::max(), out);
}

bool ReadString(const Json& object, const char* key, std::string* out) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return false;
  *out = it->get<std::string>();
  return true;
}

bool ReadInt32Array(const Json& array, std::vector<int32_t>* out) {
  if (!array.is_array()) return false;
  out->clear();
  for (const Json& element : array) {
    int64_t value = 0;
    if (!AsInt(element, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(),
               &value)) {
      return false;
    }
    out->push_back(static_cast<int32_t>(value));
  }
  return true;
}

// Parses `text` into an object. Never throws: a parse error yields false.
bool ParseObject(std::string_view text, Json* out) {
  *out = Json::parse(text, /*cb=*/nullptr, /*allow_exceptions=*/false);
  return out->is_object();
}

// Client strings (config values) need not be UTF-8; JSON must be, so such bytes are
// replaced rather than thrown on.
std::string Dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Status Bad(std::string_view kind, std::string_view json) {
  constexpr size_t kShown = 200;
  std::string shown(json.substr(0, kShown));
  if (json.size() > kShown) shown += "...";
  return Status::Corruption(std::string("malformed ") + std::string(kind) + " znode: " + shown);
}

// Runs `decode` and turns any exception nlohmann might still raise into Corruption, so
// that no exception crosses the seam whatever the input.
template <typename T, typename F>
Result<T> Guarded(std::string_view kind, std::string_view json, F decode) {
  try {
    return decode();
  } catch (const std::exception&) {
    return Bad(kind, json);
  }
}

std::string Endpoint(const BrokerRegistration& broker) {
  return "PLAINTEXT://" + broker.host + ":" + std::to_string(broker.port);
}

// "PLAINTEXT://host:port" (the host may be an IPv6 literal in brackets) into its parts.
bool ParseEndpoint(std::string_view endpoint, std::string* host, int32_t* port) {
  size_t scheme_end = endpoint.find("://");
  size_t colon = endpoint.rfind(':');
  if (scheme_end == std::string_view::npos || colon == std::string_view::npos ||
      colon <= scheme_end + 3) {
    return false;
  }
  int64_t value = 0;
  if (!ParseDecimal(endpoint.substr(colon + 1), &value) || value < 0 || value > 65535) {
    return false;
  }
  *host = std::string(endpoint.substr(scheme_end + 3, colon - scheme_end - 3));
  *port = static_cast<int32_t>(value);
  return true;
}

}  // namespace

std::string BrokerPath(int32_t broker_id) {
  return std::string(kBrokerIds) + "/" + std::to_string(broker_id);
}
std::string TopicPath(std::string_view topic) {
  return std::string(kTopics) + "/" + std::string(topic);
}
std::string PartitionsPath(std::string_view topic) { return TopicPath(topic) + "/partitions"; }
std::string PartitionPath(std::string_view topic, int32_t partition) {
  return PartitionsPath(topic) + "/" + std::to_string(partition);
}
std::string PartitionStatePath(std::string_view topic, int32_t partition) {
  return PartitionPath(topic, partition) + "/state";
}
std::string TopicConfigPath(std::string_view topic) {
  return std::string(kTopicConfigs) + "/" + std::string(topic);
}

std::string EncodeBrokerRegistration(const BrokerRegistration& broker) {
  Json json = {
      {"version", 5},
      {"host", broker.host},
      {"port", broker.port},
      {"endpoints", Json::array({Endpoint(broker)})},
      {"listener_security_protocol_map", {{"PLAINTEXT", "PLAINTEXT"}}},
      {"jmx_port", -1},
      {"rack", nullptr},
      {"timestamp", std::to_string(broker.timestamp_ms)},
      {"features", Json::object()},
  };
  if (broker.rack) json["rack"] = *broker.rack;
  return Dump(json);
}

Result<BrokerRegistration> DecodeBrokerRegistration(int32_t broker_id, std::string_view text) {
  constexpr std::string_view kKind = "broker registration";
  return Guarded<BrokerRegistration>(kKind, text, [&]() -> Result<BrokerRegistration> {
    Json json;
    if (!ParseObject(text, &json)) return Bad(kKind, text);
    BrokerRegistration broker;
    broker.broker_id = broker_id;
    // Kafka leaves host and port null when no listener is PLAINTEXT; the endpoints are
    // the authority then.
    bool have_address = ReadString(json, "host", &broker.host) &&
                        ReadInt32(json, "port", &broker.port) && broker.port >= 0;
    if (!have_address) {
      auto endpoints = json.find("endpoints");
      if (endpoints == json.end() || !endpoints->is_array() || endpoints->empty() ||
          !endpoints->front().is_string() ||
          !ParseEndpoint(endpoints->front().get_ref<const std::string&>(), &broker.host,
                         &broker.port)) {
        return Bad(kKind, text);
      }
    }
    auto rack = json.find("rack");
    if (rack != json.end() && !rack->is_null()) {
      if (!rack->is_string()) return Bad(kKind, text);
      broker.rack = rack->get<std::string>();
    }
    if (json.contains("timestamp") && !ReadInt64OrString(json, "timestamp", &broker.timestamp_ms)) {
      return Bad(kKind, text);
    }
    return broker;
  });
}

std::string EncodeTopicAssignment(const TopicAssignment& assignment) {
  auto by_partition = [](const std::map<int32_t, std::vector<int32_t>>& lists) {
    Json object = Json::object();
    for (const auto& [partition, replicas] : lists) object[std::to_string(partition)] = replicas;
    return object;
  };
  Json json = {
      {"version", 2},
      {"partitions", by_partition(assignment.partitions)},
      {"adding_replicas", by_partition(assignment.adding)},
      {"removing_replicas", by_partition(assignment.removing)},
      {"topic_id", assignment.topic_id.ToString()},
  };
  return Dump(json);
}

Result<TopicAssignment> DecodeTopicAssignment(std::string_view text) {
  constexpr std::string_view kKind = "topic assignment";
  return Guarded<TopicAssignment>(kKind, text, [&]() -> Result<TopicAssignment> {
    Json json;
    if (!ParseObject(text, &json)) return Bad(kKind, text);
    TopicAssignment assignment;
    auto partitions = json.find("partitions");
    if (partitions == json.end() || !partitions->is_object()) return Bad(kKind, text);
    // {"<partition>":[replicas],...} into `out`.
    auto read_lists = [](const Json& object, std::map<int32_t, std::vector<int32_t>>* out) {
      if (!object.is_object()) return false;
      for (const auto& [key, replicas] : object.items()) {
        int64_t partition = 0;
        if (!ParseDecimal(key, &partition) || partition < 0 ||
            partition > std::numeric_limits<int32_t>::max()) {
          return false;
        }
        if (!ReadInt32Array(replicas, &(*out)[static_cast<int32_t>(partition)])) return false;
      }
      return true;
    };
    if (!read_lists(*partitions, &assignment.partitions)) return Bad(kKind, text);
    // Absent before Kafka 2.4; null as some tools write it.
    for (auto [name, lists] : {std::pair{"adding_replicas", &assignment.adding},
                               std::pair{"removing_replicas", &assignment.removing}}) {
      auto found = json.find(name);
      if (found == json.end() || found->is_null()) continue;
      if (!read_lists(*found, lists)) return Bad(kKind, text);
    }
    // Topics written before Kafka 2.8 have no id; they read as the zero id.
    auto topic_id = json.find("topic_id");
    if (topic_id != json.end() && !topic_id->is_null()) {
      if (!topic_id->is_string()) return Bad(kKind, text);
      std::optional<Uuid> id = Uuid::Parse(topic_id->get_ref<const std::string&>());
      if (!id) return Bad(kKind, text);
      assignment.topic_id = *id;
    }
    return assignment;
  });
}

std::string EncodePartitionState(const PartitionState& state) {
  Json json = {
      {"version", 1},
      {"leader", state.leader},
      {"leader_epoch", state.leader_epoch},
      {"controller_epoch", state.controller_epoch},
      {"isr", state.isr},
  };
  return Dump(json);
}

Result<PartitionState> DecodePartitionState(std::string_view text) {
  constexpr std::string_view kKind = "partition state";
  return Guarded<PartitionState>(kKind, text, [&]() -> Result<PartitionState> {
    Json json;
    if (!ParseObject(text, &json)) return Bad(kKind, text);
    PartitionState state;
    auto isr = json.find("isr");
    if (!ReadInt32(json, "leader", &state.leader) ||
        !ReadInt32(json, "leader_epoch", &state.leader_epoch) ||
        !ReadInt32(json, "controller_epoch", &state.controller_epoch) || isr == json.end() ||
        !ReadInt32Array(*isr, &state.isr)) {
      return Bad(kKind, text);
    }
    return state;
  });
}

std::string EncodeController(const ControllerRecord& controller) {
  Json json = {
      {"version", 1},
      {"brokerid", controller.broker_id},
      {"timestamp", std::to_string(controller.timestamp_ms)},
  };
  return Dump(json);
}

Result<ControllerRecord> DecodeController(std::string_view text) {
  constexpr std::string_view kKind = "controller";
  return Guarded<ControllerRecord>(kKind, text, [&]() -> Result<ControllerRecord> {
    Json json;
    if (!ParseObject(text, &json)) return Bad(kKind, text);
    ControllerRecord controller;
    if (!ReadInt32(json, "brokerid", &controller.broker_id)) return Bad(kKind, text);
    if (json.contains("timestamp") &&
        !ReadInt64OrString(json, "timestamp", &controller.timestamp_ms)) {
      return Bad(kKind, text);
    }
    return controller;
  });
}

std::string EncodeControllerEpoch(int32_t epoch) { return std::to_string(epoch); }

Result<int32_t> DecodeControllerEpoch(std::string_view text) {
  int64_t epoch = 0;
  if (!ParseDecimal(text, &epoch) || epoch < 0 || epoch > std::numeric_limits<int32_t>::max()) {
    return Bad("controller epoch", text);
  }
  return static_cast<int32_t>(epoch);
}

std::string EncodeClusterId(std::string_view cluster_id) {
  Json json = {{"version", "1"}, {"id", cluster_id}};
  return Dump(json);
}

Result<std::string> DecodeClusterId(std::string_view text) {
  constexpr std::string_view kKind = "cluster id";
  return Guarded<std::string>(kKind, text, [&]() -> Result<std::string> {
    Json json;
    std::string id;
    if (!ParseObject(text, &json) || !ReadString(json, "id", &id) || id.empty()) {
      return Bad(kKind, text);
    }
    return id;
  });
}

std::string EncodeTopicConfig(const ConfigMap& configs) {
  Json json = {{"version", 1}, {"config", configs}};
  return Dump(json);
}

Result<ConfigMap> DecodeTopicConfig(std::string_view text) {
  constexpr std::string_view kKind = "topic config";
  return Guarded<ConfigMap>(kKind, text, [&]() -> Result<ConfigMap> {
    Json json;
    if (!ParseObject(text, &json)) return Bad(kKind, text);
    auto config = json.find("config");
    if (config == json.end() || !config->is_object()) return Bad(kKind, text);
    ConfigMap configs;
    for (const auto& [name, value] : config->items()) {
      if (!value.is_string()) return Bad(kKind, text);
      configs[name] = value.get<std::string>();
    }
    return configs;
  });
}

std::string EncodeProducerIdBlock(const ProducerIdBlock& block) {
  Json json = {
      {"version", 1},
      {"broker", block.broker_id},
      {"block_start", std::to_string(block.block_start)},
      {"block_end", std::to_string(block.block_end)},
  };
  return Dump(json);
}

Result<ProducerIdBlock> DecodeProducerIdBlock(std::string_view text) {
  constexpr std::string_view kKind = "producer id block";
  return Guarded<ProducerIdBlock>(kKind, text, [&]() -> Result<ProducerIdBlock> {
    Json json;
    ProducerIdBlock block;
    if (!ParseObject(text, &json) || !ReadInt32(json, "broker", &block.broker_id) ||
        !ReadInt64OrString(json, "block_start", &block.block_start) ||
        !ReadInt64OrString(json, "block_end", &block.block_end) || block.block_start < 0 ||
        block.block_end < block.block_start - 1) {
      return Bad(kKind, text);
    }
    return block;
  });
}

}  // namespace ringlog::znodes
