#include "engine/log/topic_config.h"

#include <string>

namespace ringlog {

Result<LogOptions> ApplyTopicConfigs(const LogOptions& defaults, const ConfigMap& overrides) {
  LogOptions options = defaults;
  for (const auto& [name, value] : overrides) {
    const TopicConfigSpec* spec = FindTopicConfig(name);
    if (spec == nullptr) return Status::InvalidArgument("unknown topic config " + name);
    RETURN_IF_ERROR(spec->apply(name, value, &options));
  }
  RETURN_IF_ERROR(options.Validate());
  return options;
}

std::vector<ConfigEntry> DescribeTopicConfigs(const LogOptions& defaults,
                                              const ConfigMap& overrides) {
  const LogOptions kafka_defaults;
  std::vector<ConfigEntry> entries;
  entries.reserve(TopicConfigCatalog().size());
  for (const TopicConfigSpec& spec : TopicConfigCatalog()) {
    ConfigEntry entry{std::string(spec.name), {}, true, false, ConfigSource::kDefault, spec.type,
                      spec.documentation};
    LogOptions effective = defaults;
    // A failed apply leaves `effective` untouched, and the override counts as absent.
    auto it = overrides.find(entry.name);
    if (it != overrides.end() && spec.apply(spec.name, it->second, &effective).ok()) {
      entry.is_default = false;
      entry.source = ConfigSource::kTopic;
      entry.value = spec.honoured() ? spec.print(effective) : it->second;
    } else if (spec.honoured()) {
      entry.value = spec.print(defaults);
      if (entry.value != spec.print(kafka_defaults)) entry.source = ConfigSource::kStaticBroker;
    } else {
      entry.value = std::string(spec.kafka_default);
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace ringlog
