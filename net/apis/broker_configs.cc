#include "net/apis/broker_configs.h"

#include <algorithm>
#include <string>
#include <utility>

namespace ringlog {
namespace {

struct Synonym {
  std::string_view topic_config;
  std::string_view broker_config;
};

// Kafka's names; segment.ms is rolled by log.roll.ms, max.message.bytes limited by
// message.max.bytes (the two that do not follow the log.<name> pattern).
constexpr Synonym kSynonyms[] = {
    {"cleanup.policy", "log.cleanup.policy"},
    {"flush.messages", "log.flush.interval.messages"},
    {"flush.ms", "log.flush.interval.ms"},
    {"index.interval.bytes", "log.index.interval.bytes"},
    {"max.message.bytes", "message.max.bytes"},
    {"message.timestamp.type", "log.message.timestamp.type"},
    {"retention.bytes", "log.retention.bytes"},
    {"retention.ms", "log.retention.ms"},
    {"segment.bytes", "log.segment.bytes"},
    {"segment.ms", "log.roll.ms"},
};

ConfigEntry ReadOnly(std::string_view name, std::string value) {
  return ConfigEntry{std::string(name), std::move(value), /*is_default=*/true,
                     /*read_only=*/true};
}

}  // namespace

std::string_view BrokerSynonymOf(std::string_view topic_config) {
  for (const Synonym& s : kSynonyms) {
    if (s.topic_config == topic_config) return s.broker_config;
  }
  return {};
}

std::vector<ConfigEntry> DescribeBrokerConfigs(const BrokerConfig& config,
                                               const LogOptions& defaults) {
  std::vector<ConfigEntry> entries;
  for (const ConfigEntry& topic_entry : DescribeTopicConfigs(defaults, {})) {
    const std::string_view name = BrokerSynonymOf(topic_entry.name);
    if (!name.empty()) entries.push_back(ReadOnly(name, topic_entry.value));
  }
  entries.push_back(
      ReadOnly("auto.create.topics.enable", config.auto_create_topics_enable ? "true" : "false"));
  entries.push_back(ReadOnly("broker.id", std::to_string(config.node_id)));
  entries.push_back(ReadOnly("num.partitions", std::to_string(config.num_partitions)));
  std::sort(entries.begin(), entries.end(),
            [](const ConfigEntry& a, const ConfigEntry& b) { return a.name < b.name; });
  return entries;
}

}  // namespace ringlog
