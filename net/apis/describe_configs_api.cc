// DescribeConfigs: the configuration of topics (resource type 2) and of this broker
// (type 4).
//
// A topic lists every topic config Kafka defines (engine/log/topic_config_catalog.h),
// those ringlog does not act on included, with its value in effect: the topic's override
// (config source TOPIC_CONFIG), or else the broker's setting where it differs from
// Kafka's default (STATIC_BROKER_CONFIG), or Kafka's default (DEFAULT_CONFIG); v0 says
// is_default for anything but an override. Never read-only or sensitive. v3+ gives each
// config's type, and its documentation when asked (include_documentation). With
// include_synonyms (v1+) an entry also lists, as Kafka does, every place its value may
// come from, the one in effect first: the override, then the broker config behind it
// (log.retention.ms behind retention.ms). An illegal topic name is INVALID_TOPIC_EXCEPTION, an
// unknown topic UNKNOWN_TOPIC_OR_PARTITION.
//
// The broker, named by its node id, lists its broker-level configs, read-only, since
// ringlog takes them from flags at start. Kafka's empty broker name (the cluster-wide
// dynamic defaults) has no configs here; another broker id or resource type is
// INVALID_REQUEST.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/log/log_manager.h"
#include "net/apis/apis.h"
#include "net/apis/broker_configs.h"
#include "net/apis/request_context.h"
#include "net/codec/describe_configs_codec.h"
#include "net/codec/error_code.h"

namespace ringlog {
namespace {

using ResourceResult = DescribeConfigsResponse::ResourceResult;
using Entry = DescribeConfigsResponse::Entry;

constexpr int8_t kTopicConfigSource = static_cast<int8_t>(ConfigSource::kTopic);

bool Wanted(const DescribeConfigsRequest::Resource& resource, const std::string& name) {
  const auto& keys = resource.configuration_keys;
  if (!keys || keys->empty()) return true;
  for (const std::string& key : *keys) {
    if (key == name) return true;
  }
  return false;
}

// A successful result for `resource`, with no configs yet.
ResourceResult Answer(const DescribeConfigsRequest::Resource& resource) {
  ResourceResult result;
  result.resource_type = resource.resource_type;
  result.resource_name = resource.resource_name;
  return result;
}

ResourceResult Refuse(const DescribeConfigsRequest::Resource& resource, ErrorCode error,
                      std::string message) {
  ResourceResult result = Answer(resource);
  result.error_code = ToWire(error);
  result.error_message = std::move(message);
  return result;
}

Entry MakeEntry(const ConfigEntry& config, bool include_documentation) {
  Entry entry;
  entry.name = config.name;
  entry.value = config.value;
  entry.read_only = config.read_only;
  entry.is_default = config.is_default;
  entry.config_source = static_cast<int8_t>(config.source);
  entry.config_type = static_cast<int8_t>(config.type);
  if (include_documentation && !config.documentation.empty()) {
    entry.documentation = std::string(config.documentation);
  }
  return entry;
}

ResourceResult DescribeTopic(const RequestContext& ctx,
                             const DescribeConfigsRequest::Resource& resource,
                             const DescribeConfigsRequest& request) {
  const std::string& name = resource.resource_name;
  if (Status valid = ValidateTopicName(name); !valid.ok()) {
    return Refuse(resource, ErrorCode::kInvalidTopicException, valid.message());
  }
  const LogManager& logs = *ctx.services().logs;
  Result<TopicInfo> topic = logs.GetTopic(name);
  if (!topic.ok()) {
    return Refuse(resource, ErrorCode::kUnknownTopicOrPartition,
                  "topic '" + name + "' does not exist");
  }
  std::map<std::string, ConfigEntry> broker_values;
  for (ConfigEntry& e : DescribeTopicConfigs(logs.defaults(), {})) {
    broker_values.emplace(e.name, std::move(e));
  }
  ResourceResult result = Answer(resource);
  for (const ConfigEntry& config : DescribeTopicConfigs(logs.defaults(), topic->configs)) {
    if (!Wanted(resource, config.name)) continue;
    Entry entry = MakeEntry(config, request.include_documentation);
    if (request.include_synonyms) {
      if (!config.is_default) {
        entry.synonyms.push_back({config.name, config.value, kTopicConfigSource});
      }
      if (std::string_view broker_name = BrokerSynonymOf(config.name); !broker_name.empty()) {
        const ConfigEntry& broker = broker_values[config.name];
        entry.synonyms.push_back(
            {std::string(broker_name), broker.value, static_cast<int8_t>(broker.source)});
      }
    }
    result.configs.push_back(std::move(entry));
  }
  return result;
}

ResourceResult DescribeBroker(const RequestContext& ctx,
                              const DescribeConfigsRequest::Resource& resource,
                              const DescribeConfigsRequest& request) {
  const BrokerConfig& config = ctx.services().config;
  const std::string own_name = std::to_string(config.node_id);
  if (!resource.resource_name.empty() && resource.resource_name != own_name) {
    return Refuse(resource, ErrorCode::kInvalidRequest,
                  "this is broker " + own_name + ", not broker '" + resource.resource_name + "'");
  }
  ResourceResult result = Answer(resource);
  if (resource.resource_name.empty()) return result;
  for (const ConfigEntry& broker_config :
       DescribeBrokerConfigs(config, ctx.services().logs->defaults())) {
    if (!Wanted(resource, broker_config.name)) continue;
    Entry entry = MakeEntry(broker_config, request.include_documentation);
    if (request.include_synonyms) {
      entry.synonyms.push_back({entry.name, entry.value, entry.config_source});
    }
    result.configs.push_back(std::move(entry));
  }
  return result;
}

void HandleDescribeConfigs(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<DescribeConfigsRequest> request = DecodeDescribeConfigsRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad DescribeConfigs request: " + request.status().ToString());
    return;
  }
  DescribeConfigsResponse response;
  for (const DescribeConfigsRequest::Resource& resource : request->resources) {
    switch (resource.resource_type) {
      case kConfigResourceTopic:
        response.results.push_back(DescribeTopic(ctx, resource, *request));
        break;
      case kConfigResourceBroker:
        response.results.push_back(DescribeBroker(ctx, resource, *request));
        break;
      default:
        response.results.push_back(
            Refuse(resource, ErrorCode::kInvalidRequest,
                   "resource type " + std::to_string(resource.resource_type) +
                       " is not supported; ringlog has topics (2) and brokers (4)"));
    }
  }
  ctx.responder().Answer(response, ctx.version(), EncodeDescribeConfigsResponse);
}

}  // namespace

const ApiSpec kDescribeConfigsApi = {ApiKey::kDescribeConfigs, kDescribeConfigsMinVersion,
                                     kDescribeConfigsMaxVersion,
                                     kDescribeConfigsFirstFlexibleVersion, &HandleDescribeConfigs};

}  // namespace ringlog
