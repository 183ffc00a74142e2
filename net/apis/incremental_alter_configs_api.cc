// IncrementalAlterConfigs: changes some of a topic's overrides, one operation per config,
// as the Java AdminClient and kafka-configs do: SET gives the config a value, DELETE
// drops the override (back to the broker default), APPEND and SUBTRACT add items to or
// remove them from a list config (cleanup.policy, the throttled replicas), starting from
// the override or else Kafka's default. Any topic config Kafka defines is taken
// (engine/log/topic_config_catalog.h). As in Kafka: a config named twice in one resource,
// an unknown operation or a null value to SET or APPEND/SUBTRACT is INVALID_REQUEST;
// APPEND or SUBTRACT on a config that is not a list, an unknown config or a bad value is
// INVALID_CONFIG naming the key. The resource's operations apply all or none;
// validate_only checks and changes nothing. Which topics and brokers may change:
// net/apis/config_change.h. Runs on the admin worker, in order with topic creation and
// deletion. In a cluster topic overrides are the controller's to change: a broker that is
// not the controller forwards a request naming a topic (net/apis/config_change.h).
#include <algorithm>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/log/topic_config_catalog.h"
#include "net/apis/admin_handoff.h"
#include "net/apis/apis.h"
#include "net/apis/config_change.h"
#include "net/apis/controller_forward.h"
#include "net/apis/request_context.h"
#include "net/codec/describe_configs_codec.h"
#include "net/codec/error_code.h"
#include "net/codec/incremental_alter_configs_codec.h"

namespace ringlog {
namespace {

using Request = IncrementalAlterConfigsRequest;
using ResourceResult = IncrementalAlterConfigsResponse::ResourceResult;

// Kafka's AlterConfigOp.OpType ids.
enum Operation : int8_t { kSet = 0, kDelete = 1, kAppend = 2, kSubtract = 3 };

ResourceResult Outcome(const Request::Resource& resource, ConfigChangeOutcome outcome) {
  ResourceResult result;
  result.error_code = ToWire(outcome.error);
  if (outcome.error != ErrorCode::kNone) result.error_message = std::move(outcome.message);
  result.resource_type = resource.resource_type;
  result.resource_name = resource.resource_name;
  return result;
}

// The items of a list config's value, empty ones dropped.
std::vector<std::string> ListItems(std::string_view value) {
  std::vector<std::string> items;
  for (const std::string_view item : SplitConfigList(value)) {
    if (!item.empty()) items.emplace_back(item);
  }
  return items;
}

std::string JoinList(const std::vector<std::string>& items) {
  std::string joined;
  for (const std::string& item : items) {
    if (!joined.empty()) joined += ',';
    joined += item;
  }
  return joined;
}

// APPEND or SUBTRACT of `config` to `configs`.
ConfigChangeOutcome ChangeList(const Request::Config& config, ConfigMap& configs) {
  const TopicConfigSpec* spec = FindTopicConfig(config.name);
  if (spec == nullptr) {
    return {ErrorCode::kInvalidConfig, "unknown topic config " + config.name};
  }
  if (spec->type != TopicConfigType::kList) {
    return {ErrorCode::kInvalidConfig,
            "config " + config.name + " is not a list: it takes no APPEND or SUBTRACT"};
  }
  auto current = configs.find(config.name);
  std::vector<std::string> items =
      ListItems(current != configs.end() ? std::string_view(current->second) : spec->kafka_default);
  for (const std::string& item : ListItems(*config.value)) {
    const auto at = std::find(items.begin(), items.end(), item);
    if (config.config_operation == kAppend && at == items.end()) items.push_back(item);
    if (config.config_operation == kSubtract && at != items.end()) items.erase(at);
  }
  configs.insert_or_assign(config.name, JoinList(items));
  return {};
}

// The resource's operations applied to `configs`, in request order.
ConfigChangeOutcome Apply(const Request::Resource& resource, ConfigMap& configs) {
  std::set<std::string_view> seen;
  for (const Request::Config& config : resource.configs) {
    if (!seen.insert(config.name).second) {
      return {ErrorCode::kInvalidRequest, "config " + config.name + " is named twice"};
    }
    const int8_t op = config.config_operation;
    if (op < kSet || op > kSubtract) {
      return {ErrorCode::kInvalidRequest,
              "unknown config operation " + std::to_string(op) + " for config " + config.name};
    }
    if (op == kDelete) {
      configs.erase(config.name);
      continue;
    }
    if (!config.value) {
      return {ErrorCode::kInvalidRequest, "null value for config " + config.name};
    }
    if (op == kSet) {
      configs.insert_or_assign(config.name, *config.value);
      continue;
    }
    if (ConfigChangeOutcome changed = ChangeList(config, configs);
        changed.error != ErrorCode::kNone) {
      return changed;
    }
  }
  return {};
}

ConfigChangeOutcome Alter(const RequestContext& ctx, const Request::Resource& resource,
                          bool validate_only, ConfigMap* changed = nullptr) {
  return ChangeResourceConfigs(
      ctx, resource.resource_type, resource.resource_name,
      resource.configs.empty() ? nullptr : &resource.configs.front().name,
      [&resource](ConfigMap& configs) { return Apply(resource, configs); }, validate_only, changed);
}

// In a cluster, on a broker that is not the controller: the request goes to the
// controller, and its answer comes back once this broker's snapshot shows the topic
// changes that succeeded (NOT_CONTROLLER for every resource when it cannot be reached).
void Forward(RequestContext& ctx, const Request& request) {
  const int16_t version = ctx.version();
  Result<std::string> body = ForwardToController(ctx, ForwardTimeout(kConfigChangeTimeoutMs));
  if (!body.ok()) {
    IncrementalAlterConfigsResponse response;
    for (const Request::Resource& resource : request.resources) {
      response.responses.push_back(
          Outcome(resource, {ErrorCode::kNotController,
                             "the controller is not reachable: " + body.status().ToString()}));
    }
    ctx.responder().Answer(response, version, EncodeIncrementalAlterConfigsResponse);
    return;
  }
  WireReader reader(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(body->data()), body->size()));
  Result<IncrementalAlterConfigsResponse> answer =
      DecodeIncrementalAlterConfigsResponse(reader, version);
  if (answer.ok() && !request.validate_only) {
    AwaitAcceptedConfigChanges(
        ctx, request.resources, answer->responses,
        [&ctx](const Request::Resource& resource, ConfigMap* configs) {
          return Alter(ctx, resource, /*validate_only=*/true, configs).error == ErrorCode::kNone;
        });
  }
  RelayResponseBody(ctx, *body);
}

void ServeIncrementalAlterConfigs(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<Request> request = DecodeIncrementalAlterConfigsRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad IncrementalAlterConfigs request: " + request.status().ToString());
    return;
  }
  std::vector<int8_t> types;
  for (const auto& resource : request->resources) types.push_back(resource.resource_type);
  if (ForwardsConfigChange(ctx, types)) {
    Forward(ctx, *request);
    return;
  }
  IncrementalAlterConfigsResponse response;
  for (const Request::Resource& resource : request->resources) {
    response.responses.push_back(Outcome(resource, Alter(ctx, resource, request->validate_only)));
  }
  ctx.responder().Answer(response, ctx.version(), EncodeIncrementalAlterConfigsResponse);
}

void HandleIncrementalAlterConfigs(RequestContext& ctx) {
  HandOffToAdmin(ctx, &ServeIncrementalAlterConfigs);
}

}  // namespace

const ApiSpec kIncrementalAlterConfigsApi = {
    ApiKey::kIncrementalAlterConfigs, kIncrementalAlterConfigsMinVersion,
    kIncrementalAlterConfigsMaxVersion, kIncrementalAlterConfigsFirstFlexibleVersion,
    &HandleIncrementalAlterConfigs};

}  // namespace ringlog
