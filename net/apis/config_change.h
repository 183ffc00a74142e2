// What AlterConfigs and IncrementalAlterConfigs share: the checks on the resource whose
// configs change, and the change of a topic's overrides. Both run on the admin worker,
// in order with topic creation and deletion.
#pragma once

#include <functional>
#include <string>

#include "engine/log/topic_config.h"
#include "net/apis/request_context.h"
#include "net/codec/error_code.h"

namespace ringlog {

struct ConfigChangeOutcome {
  ErrorCode error = ErrorCode::kNone;
  std::string message;  // why, when error is not kNone
};

// Changes the overrides of topic `name` by `edit`, which gets the current overrides and
// changes them in place (or answers an error, and nothing changes). The result is checked
// as CreateTopics checks configs (INVALID_CONFIG naming the key) and, unless
// `validate_only`, stored and applied to the topic's partitions. An illegal topic name is
// INVALID_TOPIC_EXCEPTION, as is an internal topic (the broker manages its configs:
// replacing them could, say, bring back the retention that committed offsets must never
// have), an unknown topic UNKNOWN_TOPIC_OR_PARTITION.
ConfigChangeOutcome ChangeTopicConfigs(const RequestContext& ctx, const std::string& name,
                                       const std::function<ConfigChangeOutcome(ConfigMap&)>& edit,
                                       bool validate_only);

// A change of the configs of broker `name`. Broker configs are read-only in ringlog (flags
// at start): changing any (`first_config`, the first named; null for none) is INVALID_REQUEST,
// the code Kafka gives a broker config that cannot be updated dynamically; no change at
// all succeeds. Another broker id is INVALID_REQUEST.
ConfigChangeOutcome ChangeBrokerConfigs(const RequestContext& ctx, const std::string& name,
                                        const std::string* first_config);

// The change of resource `name` of `resource_type`: ChangeTopicConfigs for a topic,
// ChangeBrokerConfigs for a broker, INVALID_REQUEST for any other type.
ConfigChangeOutcome ChangeResourceConfigs(
    const RequestContext& ctx, int8_t resource_type, const std::string& name,
    const std::string* first_config, const std::function<ConfigChangeOutcome(ConfigMap&)>& edit,
    bool validate_only);

}  // namespace ringlog
