#include "net/apis/config_change.h"

#include <glog/logging.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <utility>

#include "engine/log/internal_topics.h"
#include "engine/log/log_manager.h"
#include "net/cluster/cluster_admin.h"
#include "net/cluster/cluster_view.h"
#include "net/codec/describe_configs_codec.h"

namespace ringlog {

namespace {

// How long a config change may take to reach this broker's snapshot (AlterConfigs has no
// timeout of its own).
constexpr std::chrono::milliseconds kConfigChangeWait{10000};

bool ShowsConfigs(const ClusterSnapshot& snapshot, const std::string& name,
                  const ConfigMap& configs) {
  const ClusterTopic* topic = snapshot.FindTopic(name);
  return topic != nullptr && topic->configs == configs;
}

// The change of topic `name`'s overrides to `configs` by the controller (this broker).
ConfigChangeOutcome AlterInCluster(ClusterView& cluster, ClusterAdmin& admin,
                                   const std::string& name, const ConfigMap& configs,
                                   bool validate_only) {
  const AdminOutcome outcome = admin.AlterTopicConfigs(name, configs, validate_only);
  if (!outcome.ok()) return {outcome.error, outcome.message};
  if (validate_only) return {};
  if (!cluster.WaitForSnapshot(
          [&](const ClusterSnapshot& snapshot) { return ShowsConfigs(snapshot, name, configs); },
          kConfigChangeWait)) {
    return {ErrorCode::kRequestTimedOut,
            "the change is done, but this broker did not see it in time"};
  }
  return {};
}

}  // namespace

ConfigChangeOutcome ChangeTopicConfigs(const RequestContext& ctx, const std::string& name,
                                       const std::function<ConfigChangeOutcome(ConfigMap&)>& edit,
                                       bool validate_only, ConfigMap* changed) {
  if (Status valid = ValidateTopicName(name); !valid.ok()) {
    return {ErrorCode::kInvalidTopicException, valid.message()};
  }
  if (IsInternalTopic(name)) {
    return {ErrorCode::kInvalidTopicException,
            "topic '" + name + "' is internal: the broker manages its configs"};
  }
  LogManager& logs = *ctx.services().logs;
  ClusterView* cluster = ctx.services().cluster;
  ConfigMap configs;
  if (cluster != nullptr) {
    const std::shared_ptr<const ClusterSnapshot> snapshot = cluster->Snapshot();
    const ClusterTopic* topic = snapshot->FindTopic(name);
    if (topic == nullptr) {
      return {ErrorCode::kUnknownTopicOrPartition, "topic '" + name + "' does not exist"};
    }
    configs = topic->configs;
  } else {
    Result<TopicInfo> topic = logs.GetTopic(name);
    if (!topic.ok()) {
      return {ErrorCode::kUnknownTopicOrPartition, "topic '" + name + "' does not exist"};
    }
    configs = std::move(topic->configs);
  }
  if (ConfigChangeOutcome edited = edit(configs); edited.error != ErrorCode::kNone) {
    return edited;
  }
  if (Result<LogOptions> options = ApplyTopicConfigs(logs.defaults(), configs); !options.ok()) {
    return {ErrorCode::kInvalidConfig, options.status().message()};
  }
  if (changed != nullptr) *changed = configs;
  if (cluster != nullptr) {
    ClusterAdmin* admin = cluster->admin();
    if (admin == nullptr) return {};
    return AlterInCluster(*cluster, *admin, name, configs, validate_only);
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
    bool validate_only, ConfigMap* changed) {
  switch (resource_type) {
    case kConfigResourceTopic:
      return ChangeTopicConfigs(ctx, name, edit, validate_only, changed);
    case kConfigResourceBroker:
      return ChangeBrokerConfigs(ctx, name, first_config);
    default:
      return {ErrorCode::kInvalidRequest,
              "resource type " + std::to_string(resource_type) +
                  " is not supported; ringlog has topics (2) and brokers (4)"};
  }
}

bool ForwardsConfigChange(const RequestContext& ctx, const std::vector<int8_t>& resource_types) {
  ClusterView* cluster = ctx.services().cluster;
  if (cluster == nullptr || cluster->admin() != nullptr) return false;
  return std::find(resource_types.begin(), resource_types.end(), kConfigResourceTopic) !=
         resource_types.end();
}

void AwaitConfigChanges(const RequestContext& ctx,
                        const std::map<std::string, ConfigMap>& changed) {
  if (changed.empty()) return;
  ctx.services().cluster->WaitForSnapshot(
      [&changed](const ClusterSnapshot& snapshot) {
        for (const auto& [name, configs] : changed) {
          if (!ShowsConfigs(snapshot, name, configs)) return false;
        }
        return true;
      },
      kConfigChangeWait);
}

}  // namespace ringlog
