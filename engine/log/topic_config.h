// Per-topic configuration by Kafka's names (retention.ms, segment.bytes, ...), turned into
// LogOptions, and described back for DescribeConfigs.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/log/log_options.h"
#include "engine/status.h"

namespace ringlog {

// Config name -> value, as Kafka clients send them.
using ConfigMap = std::map<std::string, std::string>;

struct ConfigEntry {
  std::string name;
  std::string value;
  bool is_default = true;  // no topic override: the value comes from the broker defaults
  bool read_only = false;
};

// `defaults` with the overrides applied. InvalidArgument naming the config when a name is
// unknown, a value does not parse or is out of range, or the result fails Validate().
// Honoured: segment.bytes, segment.ms, retention.ms, retention.bytes, index.interval.bytes,
// max.message.bytes, message.timestamp.type, flush.messages, flush.ms, cleanup.policy
// (only "delete").
Result<LogOptions> ApplyTopicConfigs(const LogOptions& defaults, const ConfigMap& overrides);

// Every honoured config with its effective value, sorted by name.
std::vector<ConfigEntry> DescribeTopicConfigs(const LogOptions& defaults,
                                              const ConfigMap& overrides);

}  // namespace ringlog
