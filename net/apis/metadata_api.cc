// Metadata: this single broker as the whole cluster (node id, advertised address,
// controller), and the asked-for topics with their partitions and topic ids, all led by
// this node. Unknown topics are created when auto.create.topics.enable and the request
// allow it; such a request is answered from the admin worker once the topics exist. From
// v10 a topic may be asked for by id; an unknown id is UNKNOWN_TOPIC_ID.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/log/internal_topics.h"
#include "engine/log/log_manager.h"
#include "net/apis/admin_handoff.h"
#include "net/apis/apis.h"
#include "net/apis/request_context.h"
#include "net/apis/topic_lookup.h"
#include "net/codec/error_code.h"
#include "net/codec/metadata_codec.h"
#include "net/codec/metadata_topics.h"

namespace ringlog {
namespace {

MetadataResponse::Topic DescribeTopic(const BrokerServices& services, const std::string& name,
                                      const TopicLookup& lookup) {
  const BrokerConfig& config = services.config;
  MetadataResponse::Topic topic;
  topic.name = name;
  topic.error_code = ToWire(lookup.error);
  topic.is_internal = IsInternalTopic(name);
  if (lookup.error != ErrorCode::kNone) return topic;
  topic.topic_id = services.logs->TopicId(name).value_or(Uuid{});
  topic.partitions.reserve(static_cast<size_t>(lookup.partitions));
  for (int32_t i = 0; i < lookup.partitions; ++i) {
    MetadataResponse::Partition p;
    p.partition_index = i;
    p.leader_id = config.node_id;
    p.leader_epoch = 0;
    p.replica_nodes = {config.node_id};
    p.isr_nodes = {config.node_id};
    topic.partitions.push_back(std::move(p));
  }
  return topic;
}

// Whether one of the topics asked for by name is to be auto-created.
bool CreatesTopics(const BrokerServices& services,
                   const std::vector<MetadataRequest::Topic>& topics, bool may_create) {
  for (const MetadataRequest::Topic& topic : topics) {
    if (topic.name && FindTopic(services, *topic.name, may_create).to_create) return true;
  }
  return false;
}

// Answers the request; `on_admin`: on the admin worker, where topics may be created.
void ServeMetadata(RequestContext& ctx, bool on_admin) {
  WireReader reader = ctx.BodyReader();
  Result<MetadataRequest> request = DecodeMetadataRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad Metadata request: " + request.status().ToString());
    return;
  }
  BrokerServices& services = ctx.services();
  const std::optional<std::vector<MetadataRequest::Topic>> asked =
      AskedTopics(*request, ctx.version());
  // Versions before 4 have no flag: they always allow creation.
  const bool may_create = ctx.version() < 4 || request->allow_auto_topic_creation;
  if (!on_admin && asked && CreatesTopics(services, *asked, may_create)) {
    HandOffToAdmin(ctx, [](RequestContext& held) { ServeMetadata(held, /*on_admin=*/true); });
    return;
  }
  const BrokerConfig& config = services.config;

  MetadataResponse response;
  response.brokers.push_back(
      MetadataResponse::Broker{config.node_id, config.advertised_host, config.advertised_port, {}});
  response.cluster_id = config.cluster_id;
  response.controller_id = config.node_id;
  if (!asked) {
    for (const TopicInfo& info : services.logs->ListTopics()) {
      response.topics.push_back(
          DescribeTopic(services, info.name, TopicLookup{ErrorCode::kNone, info.partitions}));
    }
  } else {
    for (const MetadataRequest::Topic& topic : *asked) {
      std::optional<std::string> name = topic.name;
      if (!name) name = services.logs->TopicName(topic.topic_id);
      if (!name) {
        MetadataResponse::Topic& unknown = response.topics.emplace_back();
        unknown.error_code = ToWire(ErrorCode::kUnknownTopicId);
        unknown.name = std::nullopt;
        unknown.topic_id = topic.topic_id;
        continue;
      }
      const TopicLookup lookup = on_admin ? FindOrCreateTopic(services, *name, may_create)
                                          : FindTopic(services, *name, may_create);
      response.topics.push_back(DescribeTopic(services, *name, lookup));
    }
  }
  const int16_t version = ctx.version();
  ctx.responder().Respond(
      [&](WireWriter& writer) { EncodeMetadataResponse(writer, response, version); });
}

void HandleMetadata(RequestContext& ctx) { ServeMetadata(ctx, /*on_admin=*/false); }

}  // namespace

const ApiSpec kMetadataApi = {ApiKey::kMetadata, kMetadataMinVersion, kMetadataMaxVersion,
                              kMetadataFirstFlexibleVersion, &HandleMetadata};

}  // namespace ringlog
