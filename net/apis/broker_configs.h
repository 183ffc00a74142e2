// The broker-level configs ringlog reports through DescribeConfigs: the Kafka broker
// config behind each topic config (log.retention.ms behind retention.ms, ...), and the
// broker's own settings for a broker resource. ringlog takes them all from flags at start
// and none changes while it runs, so every broker-level entry is read-only.
#pragma once

#include <string_view>
#include <vector>

#include "engine/log/log_options.h"
#include "engine/log/topic_config.h"
#include "net/broker/broker_services.h"

namespace ringlog {

// The broker config that supplies topic config `topic_config` when a topic has no
// override (Kafka's synonym), or an empty view when there is none.
std::string_view BrokerSynonymOf(std::string_view topic_config);

// Every broker-level config with the value in effect, read-only, sorted by name: the
// synonyms of the topic configs (with the values of `defaults`) and the broker settings
// of `config` and `defaults` that Kafka names (broker.id, num.partitions,
// auto.create.topics.enable, producer.id.expiration.ms).
std::vector<ConfigEntry> DescribeBrokerConfigs(const BrokerConfig& config,
                                               const LogOptions& defaults);

}  // namespace ringlog
