// AlterConfigs: replaces a topic's overrides with the request's configs (Kafka's
// semantics: a config the request leaves out goes back to the broker default). Any topic
// config Kafka defines is taken (engine/log/topic_config_catalog.h); a bad one is
// INVALID_CONFIG with the engine's reason, a null value INVALID_REQUEST (as in Kafka).
// validate_only checks and changes nothing. Which topics and brokers may change, and the
// error codes for those that may not: net/apis/config_change.h. The request runs on the
// admin worker, in order with topic creation and deletion. In a cluster topic overrides
// are the controller's to change: a broker that is not the controller forwards a request
// naming a topic (net/apis/config_change.h).
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "net/apis/admin_handoff.h"
#include "net/apis/apis.h"
#include "net/apis/config_change.h"
#include "net/apis/controller_forward.h"
#include "net/apis/request_context.h"
#include "net/codec/alter_configs_codec.h"
#include "net/codec/describe_configs_codec.h"
#include "net/codec/error_code.h"

namespace ringlog {
namespace {

using ResourceResult = AlterConfigsResponse::ResourceResult;

ResourceResult Outcome(const AlterConfigsRequest::Resource& resource, ConfigChangeOutcome outcome) {
  ResourceResult result;
  result.error_code = ToWire(outcome.error);
  if (outcome.error != ErrorCode::kNone) result.error_message = std::move(outcome.message);
  result.resource_type = resource.resource_type;
  result.resource_name = resource.resource_name;
  return result;
}

// The request's configs, replacing all of `configs`.
ConfigChangeOutcome Replace(const AlterConfigsRequest::Resource& resource, ConfigMap& configs) {
  ConfigMap replaced;
  for (const AlterConfigsRequest::Config& c : resource.configs) {
    if (!c.value) return {ErrorCode::kInvalidRequest, "null value for config " + c.name};
    replaced.insert_or_assign(c.name, *c.value);
  }
  configs = std::move(replaced);
  return {};
}

ConfigChangeOutcome Alter(const RequestContext& ctx, const AlterConfigsRequest::Resource& resource,
                          bool validate_only, ConfigMap* changed = nullptr) {
  return ChangeResourceConfigs(
      ctx, resource.resource_type, resource.resource_name,
      resource.configs.empty() ? nullptr : &resource.configs.front().name,
      [&resource](ConfigMap& configs) { return Replace(resource, configs); }, validate_only,
      changed);
}

// In a cluster, on a broker that is not the controller: the request goes to the
// controller, and its answer comes back once this broker's snapshot shows the topic
// changes that succeeded (NOT_CONTROLLER for every resource when it cannot be reached).
void Forward(RequestContext& ctx, const AlterConfigsRequest& request) {
  const int16_t version = ctx.version();
  Result<std::string> body = ForwardToController(ctx, ForwardTimeout(kConfigChangeTimeoutMs));
  if (!body.ok()) {
    AlterConfigsResponse response;
    for (const AlterConfigsRequest::Resource& resource : request.resources) {
      response.responses.push_back(
          Outcome(resource, {ErrorCode::kNotController,
                             "the controller is not reachable: " + body.status().ToString()}));
    }
    ctx.responder().Answer(response, version, EncodeAlterConfigsResponse);
    return;
  }
  WireReader reader(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(body->data()), body->size()));
  Result<AlterConfigsResponse> answer = DecodeAlterConfigsResponse(reader, version);
  if (answer.ok() && !request.validate_only) {
    AwaitAcceptedConfigChanges(
        ctx, request.resources, answer->responses,
        [&ctx](const AlterConfigsRequest::Resource& resource, ConfigMap* configs) {
          return Alter(ctx, resource, /*validate_only=*/true, configs).error == ErrorCode::kNone;
        });
  }
  RelayResponseBody(ctx, *body);
}

void ServeAlterConfigs(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<AlterConfigsRequest> request = DecodeAlterConfigsRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad AlterConfigs request: " + request.status().ToString());
    return;
  }
  std::vector<int8_t> types;
  for (const auto& resource : request->resources) types.push_back(resource.resource_type);
  if (ForwardsConfigChange(ctx, types)) {
    Forward(ctx, *request);
    return;
  }
  AlterConfigsResponse response;
  for (const AlterConfigsRequest::Resource& resource : request->resources) {
    response.responses.push_back(Outcome(resource, Alter(ctx, resource, request->validate_only)));
  }
  ctx.responder().Answer(response, ctx.version(), EncodeAlterConfigsResponse);
}

void HandleAlterConfigs(RequestContext& ctx) { HandOffToAdmin(ctx, &ServeAlterConfigs); }

}  // namespace

const ApiSpec kAlterConfigsApi = {ApiKey::kAlterConfigs, kAlterConfigsMinVersion,
                                  kAlterConfigsMaxVersion, kAlterConfigsFirstFlexibleVersion,
                                  &HandleAlterConfigs};

}  // namespace ringlog
