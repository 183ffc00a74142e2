#include "net/apis/config_change.h"

#include <glog/logging.h>

#include <utility>

#include "engine/log/internal_topics.h"
#include "engine/log/log_manager.h"
#include "net/codec/describe_configs_codec.h"

namespace ringlog {

ConfigChangeOutcome ChangeTopicConfigs(const RequestContext& ctx, const std::string& name,
                                       const std::function<ConfigChangeOutcome(ConfigMap&)>& edit,
                                       bool validate_only) {
  if (Status valid = ValidateTopicName(name); !valid.ok()) {
    return {ErrorCode::kInvalidTopicException, valid.message()};
  }
  if (IsInternalTopic(name)) {
    return {ErrorCode::kInvalidTopicException,
            "topic '" + name + "' is internal: the broker manages its configs"};
  }
  LogManager& logs = *ctx.services().logs;
  Result<TopicInfo> topic = logs.GetTopic(name);
  if (!topic.ok()) {
    return {ErrorCode::kUnknownTopicOrPartition, "topic '" + name + "' does not exist"};
  }
  ConfigMap configs = std::move(topic->configs);
  if (ConfigChangeOutcome edited = edit(configs); edited.error != ErrorCode::kNone) {
    return edited;
  }
  if (Result<LogOptions> options = ApplyTopicConfigs(logs.defaults(), configs); !options.ok()) {
    return {ErrorCode::kInvalidConfig, options.status().message()};
  }
  if (validate_only) return {};
  Status altered = logs.AlterTopicConfigs(name, configs);
  if (!altered.ok()) {
    // Deleted meanwhile (NotFound), or the metadata could not be stored.
    LOG(WARNING) << "altering the configs of topic " << name << ": " << altered.ToString();
    return {ToErrorCode(altered), altered.message()};
  }
  LOG(INFO) << "topic " << name << " now has " << configs.size() << " config overrides";
  return {};
}

ConfigChangeOutcome ChangeBrokerConfigs(const RequestContext& ctx, const std::string& name,
                                        const std::string* first_config) {
  const std::string own_name = std::to_string(ctx.services().config.node_id);
  if (!name.empty() && name != own_name) {
    return {ErrorCode::kInvalidRequest,
            "this is broker " + own_name + ", not broker '" + name + "'"};
  }
  if (first_config != nullptr) {
    return {ErrorCode::kInvalidRequest,
            "broker configs cannot be updated dynamically: ringlog sets them by flags at start "
            "(first given: " +
                *first_config + ")"};
  }
  return {};
}

ConfigChangeOutcome ChangeResourceConfigs(
    const RequestContext& ctx, int8_t resource_type, const std::string& name,
    const std::string* first_config, const std::function<ConfigChangeOutcome(ConfigMap&)>& edit,
    bool validate_only) {
  switch (resource_type) {
    case kConfigResourceTopic:
      return ChangeTopicConfigs(ctx, name, edit, validate_only);
    case kConfigResourceBroker:
      return ChangeBrokerConfigs(ctx, name, first_config);
    default:
      return {ErrorCode::kInvalidRequest,
              "resource type " + std::to_string(resource_type) +
                  " is not supported; ringlog has topics (2) and brokers (4)"};
  }
}

}  // namespace ringlog
