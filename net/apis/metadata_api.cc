// Metadata: this single broker as the whole cluster (node id, advertised address,
// controller), and the asked-for topics with their partitions, all led by this node.
// Unknown topics are created when auto.create.topics.enable and the request allow it; such
// a request is answered from the admin worker once the topics exist.
#include <string>
#include <vector>

#include "engine/log/internal_topics.h"
#include "engine/log/log_manager.h"
#include "net/apis/admin_handoff.h"
#include "net/apis/apis.h"
#include "net/apis/request_context.h"
#include "net/apis/topic_lookup.h"
#include "net/codec/error_code.h"
#include "net/codec/metadata_codec.h"

namespace ringlog {
namespace {

MetadataResponse::Topic DescribeTopic(const BrokerConfig& config, const std::string& name,
                                      const TopicLookup& lookup) {
  MetadataResponse::Topic topic;
  topic.name = name;
  topic.error_code = ToWire(lookup.error);
  topic.is_internal = IsInternalTopic(name);
  if (lookup.error != ErrorCode::kNone) return topic;
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

// Whether one of `names` is to be auto-created.
bool CreatesTopics(const BrokerServices& services, const std::vector<std::string>& names,
                   bool may_create) {
  for (const std::string& name : names) {
    if (FindTopic(services, name, may_create).to_create) return true;
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
  // Versions before 4 have no flag: they always allow creation.
  const bool may_create = ctx.version() < 4 || request->allow_auto_topic_creation;
  if (!on_admin && request->topics && CreatesTopics(services, *request->topics, may_create)) {
    HandOffToAdmin(ctx, [](RequestContext& held) { ServeMetadata(held, /*on_admin=*/true); });
    return;
  }
  const BrokerConfig& config = services.config;

  MetadataResponse response;
  response.brokers.push_back(
      MetadataResponse::Broker{config.node_id, config.advertised_host, config.advertised_port, {}});
  response.cluster_id = config.cluster_id;
  response.controller_id = config.node_id;
  if (!request->topics) {
    for (const TopicInfo& info : services.logs->ListTopics()) {
      response.topics.push_back(
          DescribeTopic(config, info.name, TopicLookup{ErrorCode::kNone, info.partitions}));
    }
  } else {
    for (const std::string& name : *request->topics) {
      const TopicLookup lookup = on_admin ? FindOrCreateTopic(services, name, may_create)
                                          : FindTopic(services, name, may_create);
      response.topics.push_back(DescribeTopic(config, name, lookup));
    }
  }
  const int16_t version = ctx.version();
  ctx.responder().Respond(
      [&](WireWriter& writer) { EncodeMetadataResponse(writer, response, version); });
}

void HandleMetadata(RequestContext& ctx) { ServeMetadata(ctx, /*on_admin=*/false); }

}  // namespace

const ApiSpec kMetadataApi = {ApiKey::kMetadata, kMetadataMinVersion, kMetadataMaxVersion,
                              /*first_flexible_version=*/9, &HandleMetadata};

}  // namespace ringlog
