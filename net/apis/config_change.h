// What AlterConfigs and IncrementalAlterConfigs share: the checks on the resource whose
// configs change, and the change of a topic's overrides. Both run on the admin worker,
// in order with topic creation and deletion.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "engine/log/topic_config.h"
#include "net/apis/request_context.h"
#include "net/codec/describe_configs_codec.h"
#include "net/codec/error_code.h"

namespace ringlog {

// How long a config change forwarded to the controller may take (the requests carry no
// timeout of their own; Kafka clients wait 30 s by default).
inline constexpr int32_t kConfigChangeTimeoutMs = 30000;

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
// have), an unknown topic UNKNOWN_TOPIC_OR_PARTITION. `changed`, when not null, gets the
// overrides as changed (when the outcome is kNone).
//
// In a cluster the overrides are those of this broker's snapshot. On the controller the
// change goes to ClusterAdmin (validate_only too), and a change is waited for until this
// broker's snapshot shows it (REQUEST_TIMED_OUT when it does not in time). On any other
// broker nothing changes here: the handler forwards the request to the controller, and
// this only tells what the change will be.
ConfigChangeOutcome ChangeTopicConfigs(const RequestContext& ctx, const std::string& name,
                                       const std::function<ConfigChangeOutcome(ConfigMap&)>& edit,
                                       bool validate_only, ConfigMap* changed = nullptr);

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
    bool validate_only, ConfigMap* changed = nullptr);

// In a cluster, whether the request must go to the controller: this broker is not the
// controller and a resource of `resource_types` is a topic (broker resources are each
// broker's own).
bool ForwardsConfigChange(const RequestContext& ctx, const std::vector<int8_t>& resource_types);

// Waits, after the controller changed some topics' overrides for a forwarded request,
// until this broker's snapshot shows each of `changed` (topic -> overrides), at most a
// few seconds.
void AwaitConfigChanges(const RequestContext& ctx, const std::map<std::string, ConfigMap>& changed);

// AwaitConfigChanges for the topic resources the controller accepted (`answers`, one per
// resource, in order; another count is not waited for). `resolve(resource, &configs)` says
// whether the handler's own change of `resource` applies here, and with what overrides.
template <typename Resource, typename Answer, typename Resolve>
void AwaitAcceptedConfigChanges(const RequestContext& ctx, const std::vector<Resource>& resources,
                                const std::vector<Answer>& answers, const Resolve& resolve) {
  if (answers.size() != resources.size()) return;
  std::map<std::string, ConfigMap> changed;
  for (size_t i = 0; i < resources.size(); ++i) {
    if (answers[i].error_code != ToWire(ErrorCode::kNone) ||
        resources[i].resource_type != kConfigResourceTopic) {
      continue;
    }
    ConfigMap configs;
    if (resolve(resources[i], &configs)) {
      changed.emplace(resources[i].resource_name, std::move(configs));
    }
  }
  AwaitConfigChanges(ctx, changed);
}

}  // namespace ringlog
