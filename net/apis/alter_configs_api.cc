// AlterConfigs: replaces a topic's overrides with the request's configs (Kafka's
// semantics: a config the request leaves out goes back to the broker default). A bad
// config is INVALID_CONFIG with the engine's reason, a null value INVALID_REQUEST (as in
// Kafka), an illegal topic name INVALID_TOPIC_EXCEPTION and an unknown topic
// UNKNOWN_TOPIC_OR_PARTITION. An internal topic keeps the configs the broker gave it
// (INVALID_TOPIC_EXCEPTION): replacing them could, say, bring back the retention that the
// committed offsets must never have. validate_only checks and changes nothing. The request
// runs on the admin worker, in order with topic creation and deletion.
//
// Broker configs are read-only in ringlog (flags at start). Setting any is
// INVALID_REQUEST, the code Kafka gives a broker config that cannot be updated
// dynamically; an empty set removes no dynamic config and succeeds. Another broker id or
// resource type is INVALID_REQUEST.
#include <glog/logging.h>

#include <string>
#include <utility>

#include "engine/log/internal_topics.h"
#include "engine/log/log_manager.h"
#include "net/apis/admin_handoff.h"
#include "net/apis/apis.h"
#include "net/apis/request_context.h"
#include "net/codec/alter_configs_codec.h"
#include "net/codec/describe_configs_codec.h"
#include "net/codec/error_code.h"

namespace ringlog {
namespace {

using ResourceResult = AlterConfigsResponse::ResourceResult;

ResourceResult Outcome(const AlterConfigsRequest::Resource& resource, ErrorCode error,
                       std::string message) {
  ResourceResult result;
  result.error_code = ToWire(error);
  if (error != ErrorCode::kNone) result.error_message = std::move(message);
  result.resource_type = resource.resource_type;
  result.resource_name = resource.resource_name;
  return result;
}

ResourceResult AlterTopic(const RequestContext& ctx, const AlterConfigsRequest::Resource& resource,
                          bool validate_only) {
  const std::string& name = resource.resource_name;
  if (Status valid = ValidateTopicName(name); !valid.ok()) {
    return Outcome(resource, ErrorCode::kInvalidTopicException, valid.message());
  }
  if (IsInternalTopic(name)) {
    return Outcome(resource, ErrorCode::kInvalidTopicException,
                   "topic '" + name + "' is internal: the broker manages its configs");
  }
  LogManager& logs = *ctx.services().logs;
  if (!logs.GetTopic(name).ok()) {
    return Outcome(resource, ErrorCode::kUnknownTopicOrPartition,
                   "topic '" + name + "' does not exist");
  }
  ConfigMap configs;
  for (const AlterConfigsRequest::Config& c : resource.configs) {
    if (!c.value) {
      return Outcome(resource, ErrorCode::kInvalidRequest, "null value for config " + c.name);
    }
    configs.insert_or_assign(c.name, *c.value);
  }
  if (Result<LogOptions> options = ApplyTopicConfigs(logs.defaults(), configs); !options.ok()) {
    return Outcome(resource, ErrorCode::kInvalidConfig, options.status().message());
  }
  if (validate_only) return Outcome(resource, ErrorCode::kNone, {});
  Status altered = logs.AlterTopicConfigs(name, configs);
  if (!altered.ok()) {
    // Deleted meanwhile (NotFound), or the metadata could not be stored.
    LOG(WARNING) << "altering the configs of topic " << name << ": " << altered.ToString();
    return Outcome(resource, ToErrorCode(altered), altered.message());
  }
  LOG(INFO) << "topic " << name << " now has " << configs.size() << " config overrides";
  return Outcome(resource, ErrorCode::kNone, {});
}

ResourceResult AlterBroker(const RequestContext& ctx,
                           const AlterConfigsRequest::Resource& resource) {
  const std::string own_name = std::to_string(ctx.services().config.node_id);
  if (!resource.resource_name.empty() && resource.resource_name != own_name) {
    return Outcome(resource, ErrorCode::kInvalidRequest,
                   "this is broker " + own_name + ", not broker '" + resource.resource_name + "'");
  }
  if (!resource.configs.empty()) {
    return Outcome(resource, ErrorCode::kInvalidRequest,
                   "broker configs cannot be updated dynamically: ringlog sets them by flags "
                   "at start (first given: " +
                       resource.configs.front().name + ")");
  }
  return Outcome(resource, ErrorCode::kNone, {});
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
    switch (resource.resource_type) {
      case kConfigResourceTopic:
        response.responses.push_back(AlterTopic(ctx, resource, request->validate_only));
        break;
      case kConfigResourceBroker:
        response.responses.push_back(AlterBroker(ctx, resource));
        break;
      default:
        response.responses.push_back(
            Outcome(resource, ErrorCode::kInvalidRequest,
                    "resource type " + std::to_string(resource.resource_type) +
                        " is not supported; ringlog has topics (2) and brokers (4)"));
    }
  }
  const int16_t version = ctx.version();
  ctx.responder().Respond(
      [&](WireWriter& writer) { EncodeAlterConfigsResponse(writer, response, version); });
}

void HandleAlterConfigs(RequestContext& ctx) { HandOffToAdmin(ctx, &ServeAlterConfigs); }

}  // namespace

const ApiSpec kAlterConfigsApi = {ApiKey::kAlterConfigs, kAlterConfigsMinVersion,
                                  kAlterConfigsMaxVersion, /*first_flexible_version=*/2,
                                  &HandleAlterConfigs};

}  // namespace ringlog
