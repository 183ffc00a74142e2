// Every topic-level config Kafka 3.x defines, by Kafka's name: its type, the values it
// takes, Kafka's default, the broker config that supplies it when a topic has no
// override, and whether ringlog acts on it. The configs ringlog honours turn into
// LogOptions; the others are checked as Kafka checks them, then stored and described
// but change nothing here (there is no compaction, replication throttling or tiered
// storage to tune), so that admin tools that set them keep working.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/log/log_options.h"
#include "engine/status.h"

namespace ringlog {

// Kafka's ConfigDef types, numbered as DescribeConfigs v3+ reports them.
enum class TopicConfigType : int8_t {
  kBoolean = 1,
  kString = 2,
  kInt = 3,
  kLong = 5,
  kDouble = 6,
  kList = 7,
};

struct TopicConfigSpec {
  std::string_view name;
  TopicConfigType type;
  // Kafka's default, spelled as Kafka describes it.
  std::string_view kafka_default;
  // The broker config behind it (log.retention.ms behind retention.ms), or empty.
  std::string_view broker_synonym;
  // Checks `value` (InvalidArgument naming `name` and the value when it is of the wrong
  // type or out of range) and, for a config ringlog honours, applies it to `options`. On
  // error `options` is unchanged.
  Status (*apply)(std::string_view name, std::string_view value, LogOptions* options);
  // The value in effect in `options`, for a config ringlog honours; null for the others.
  std::string (*print)(const LogOptions& options);
  // One line for DescribeConfigs' documentation field.
  std::string_view documentation;

  bool honoured() const { return print != nullptr; }
};

// The whole catalog, sorted by name.
std::span<const TopicConfigSpec> TopicConfigCatalog();

// The spec of topic config `name`, or null when Kafka defines no such topic config.
const TopicConfigSpec* FindTopicConfig(std::string_view name);

// The items of a list config's value (comma-separated), each trimmed of blanks. Empty
// items are kept, so that a check can refuse them; there is always at least one item.
std::vector<std::string_view> SplitConfigList(std::string_view value);

}  // namespace ringlog
