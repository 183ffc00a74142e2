#include "net/apis/broker_configs.h"

#include <algorithm>
#include <string>
#include <utility>

namespace ringlog {
namespace {

ConfigEntry ReadOnly(std::string_view name, std::string value) {
  ConfigEntry entry;
  entry.name = std::string(name);
  entry.value = std::move(value);
  entry.read_only = true;
  return entry;
}

}  // namespace

std::string_view BrokerSynonymOf(std::string_view topic_config) {
  const TopicConfigSpec* spec = FindTopicConfig(topic_config);
  return spec == nullptr ? std::string_view() : spec->broker_synonym;
}

std::vector<ConfigEntry> DescribeBrokerConfigs(const BrokerConfig& config,
                                               const LogOptions& defaults) {
  std::vector<ConfigEntry> entries;
  for (const ConfigEntry& topic_entry : DescribeTopicConfigs(defaults, {})) {
    const std::string_view name = BrokerSynonymOf(topic_entry.name);
    if (name.empty()) continue;
    ConfigEntry entry = ReadOnly(name, topic_entry.value);
    entry.source = topic_entry.source;
    entry.type = topic_entry.type;
    entries.push_back(std::move(entry));
  }
  entries.push_back(
      ReadOnly("auto.create.topics.enable", config.auto_create_topics_enable ? "true" : "false"));
  entries.push_back(ReadOnly("broker.id", std::to_string(config.node_id)));
  entries.push_back(ReadOnly("num.partitions", std::to_string(config.num_partitions)));
  entries.push_back(
      ReadOnly("producer.id.expiration.ms", std::to_string(defaults.producer_id_expiration_ms)));
  std::sort(entries.begin(), entries.end(),
            [](const ConfigEntry& a, const ConfigEntry& b) { return a.name < b.name; });
  return entries;
}

}  // namespace ringlog
