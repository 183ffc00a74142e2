// Per-topic configuration by Kafka's names (retention.ms, segment.bytes, ...), turned into
// LogOptions, and described back for DescribeConfigs. Which names exist, and which of them
// ringlog honours, is engine/log/topic_config_catalog.h.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/log/log_options.h"
#include "engine/log/topic_config_catalog.h"
#include "engine/status.h"

namespace ringlog {

// Config name -> value, as Kafka clients send them.
using ConfigMap = std::map<std::string, std::string>;

// Where a described value comes from, numbered as Kafka's ConfigSource.
enum class ConfigSource : int8_t {
  kTopic = 1,         // the topic's override
  kStaticBroker = 4,  // the broker's setting, which differs from Kafka's default
  kDefault = 5,       // Kafka's default
};

struct ConfigEntry {
  std::string name;
  std::string value;
  bool is_default = true;  // no topic override: the value comes from the broker defaults
  bool read_only = false;
  ConfigSource source = ConfigSource::kDefault;
  TopicConfigType type = TopicConfigType::kString;
  std::string_view documentation;
};

// `defaults` with the overrides applied. InvalidArgument naming the config when a name is
// not a Kafka topic config, a value does not parse or is out of range, or the result fails
// Validate(). Every config of the catalog is accepted; those ringlog does not honour are
// only checked.
Result<LogOptions> ApplyTopicConfigs(const LogOptions& defaults, const ConfigMap& overrides);

// Every config of the catalog with its effective value, sorted by name: the override
// (source kTopic) or else the broker default, which is kStaticBroker where the broker's
// setting differs from Kafka's default. Overrides that do not parse, or that name no
// config, are left out (ApplyTopicConfigs reports them).
std::vector<ConfigEntry> DescribeTopicConfigs(const LogOptions& defaults,
                                              const ConfigMap& overrides);

}  // namespace ringlog
