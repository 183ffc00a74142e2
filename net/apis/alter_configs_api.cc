// AlterConfigs: replaces a topic's overrides with the request's configs (Kafka's
// semantics: a config the request leaves out goes back to the broker default). Any topic
// config Kafka defines is taken (engine/log/topic_config_catalog.h); a bad one is
// INVALID_CONFIG with the engine's reason, a null value INVALID_REQUEST (as in Kafka).
// validate_only checks and changes nothing. Which topics and brokers may change, and the
// error codes for those that may not: net/apis/config_change.h. The request runs on the
// admin worker, in order with topic creation and deletion.
#include <string>
#include <utility>

#include "net/apis/admin_handoff.h"
#include "net/apis/apis.h"
#include "net/apis/config_change.h"
#include "net/apis/request_context.h"
#include "net/codec/alter_configs_codec.h"
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
                          bool validate_only) {
  return ChangeResourceConfigs(
      ctx, resource.resource_type, resource.resource_name,
      resource.configs.empty() ? nullptr : &resource.configs.front().name,
      [&resource](ConfigMap& configs) { return Replace(resource, configs); }, validate_only);
}

void ServeAlterConfigs(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<AlterConfigsRequest> request = DecodeAlterConfigsRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad AlterConfigs request: " + request.status().ToString());
    return;
  }
  AlterConfigsResponse response;
  for (const AlterConfigsRequest::Resource& resource : request->resources) {
    response.responses.push_back(Outcome(resource, Alter(ctx, resource, request->validate_only)));
  }
  const int16_t version = ctx.version();
  ctx.responder().Respond(
      [&](WireWriter& writer) { EncodeAlterConfigsResponse(writer, response, version); });
}

void HandleAlterConfigs(RequestContext& ctx) { HandOffToAdmin(ctx, &ServeAlterConfigs); }

}  // namespace

const ApiSpec kAlterConfigsApi = {ApiKey::kAlterConfigs, kAlterConfigsMinVersion,
                                  kAlterConfigsMaxVersion, kAlterConfigsFirstFlexibleVersion,
                                  &HandleAlterConfigs};

}  // namespace ringlog
