// Metadata: this single broker as the whole cluster (node id, advertised address,
// controller), and the asked-for topics with their partitions and topic ids, all led by
// this node. Unknown topics are created when auto.create.topics.enable and the request
// allow it; such a request is answered from the admin worker once the topics exist. From
// v10 a topic may be asked for by id; an unknown id is UNKNOWN_TOPIC_ID.
//
// In a cluster the answer is this broker's snapshot: every live broker, the controller,
// the cluster id, and each partition's leader, leader epoch, replicas, in-sync replicas
// and offline replicas (those not live). A partition without a live leader is
// LEADER_NOT_AVAILABLE with leader -1, as in Kafka. Auto-creation asks the controller
// (net/apis/topic_lookup.h) and answers the new topic LEADER_NOT_AVAILABLE, so the client
// asks again once the controller has placed it.
#include <algorithm>
#include <iterator>
#include <memory>
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
#include "net/cluster/cluster_view.h"
#include "net/codec/error_code.h"
#include "net/codec/metadata_codec.h"
#include "net/codec/metadata_topics.h"

namespace ringlog {
namespace {

// A partition this broker is named to lead but does not serve yet (its local log is made on
// the admin worker after the snapshot is published) is answered as without a leader, so
// that a client never sees this broker name itself the leader and then refuse the data.
MetadataResponse::Partition DescribeClusterPartition(const BrokerServices& services,
                                                     const ClusterSnapshot& snapshot,
                                                     const std::string& topic, int32_t index,
                                                     const ClusterPartition& partition) {
  auto live = [&snapshot](int32_t broker) { return snapshot.brokers.contains(broker); };
  MetadataResponse::Partition p;
  p.partition_index = index;
  p.leader_id = partition.state.leader;
  p.leader_epoch = partition.state.leader_epoch;
  p.replica_nodes = partition.replicas;
  p.isr_nodes = partition.state.isr;
  std::copy_if(partition.replicas.begin(), partition.replicas.end(),
               std::back_inserter(p.offline_replicas),
               [&live](int32_t broker) { return !live(broker); });
  const bool self_not_ready =
      p.leader_id == services.config.node_id && !services.cluster->Leads(PartitionId{topic, index});
  if (!live(p.leader_id) || self_not_ready) {
    p.error_code = ToWire(ErrorCode::kLeaderNotAvailable);
    p.leader_id = -1;
  }
  return p;
}

// `name` as the snapshot has it; UNKNOWN_TOPIC_OR_PARTITION when it has not (deleted
// since the lookup).
MetadataResponse::Topic DescribeClusterTopic(const BrokerServices& services,
                                             const ClusterSnapshot& snapshot,
                                             const std::string& name) {
  MetadataResponse::Topic topic;
  topic.name = name;
  topic.is_internal = IsInternalTopic(name);
  const ClusterTopic* found = snapshot.FindTopic(name);
  if (found == nullptr) {
    topic.error_code = ToWire(ErrorCode::kUnknownTopicOrPartition);
    return topic;
  }
  topic.topic_id = found->id;
  const std::vector<ClusterPartition>& partitions = found->partitions;
  for (size_t i = 0; i < partitions.size(); ++i) {
    topic.partitions.push_back(
        DescribeClusterPartition(services, snapshot, name, static_cast<int32_t>(i), partitions[i]));
  }
  return topic;
}

// The name of the topic with `id` in the snapshot, if any.
std::optional<std::string> ClusterTopicName(const ClusterSnapshot& snapshot, const Uuid& id) {
  for (const auto& [name, topic] : snapshot.topics) {
    if (topic.id == id) return name;
  }
  return std::nullopt;
}

// `snapshot`: the cluster's, or null for the single broker.
MetadataResponse::Topic DescribeTopic(const BrokerServices& services,
                                      const ClusterSnapshot* snapshot, const std::string& name,
                                      const TopicLookup& lookup) {
  const BrokerConfig& config = services.config;
  MetadataResponse::Topic topic;
  topic.name = name;
  topic.error_code = ToWire(lookup.error);
  topic.is_internal = IsInternalTopic(name);
  if (lookup.error != ErrorCode::kNone) return topic;
  if (snapshot != nullptr) return DescribeClusterTopic(services, *snapshot, name);
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
  std::shared_ptr<const ClusterSnapshot> snapshot;
  if (services.cluster != nullptr) {
    snapshot = services.cluster->Snapshot();
    for (const auto& [id, broker] : snapshot->brokers) {
      response.brokers.push_back({id, broker.host, broker.port, broker.rack});
    }
    response.cluster_id = snapshot->cluster_id;
    response.controller_id = snapshot->controller_id;
  } else {
    response.brokers.push_back(MetadataResponse::Broker{
        config.node_id, config.advertised_host, config.advertised_port, {}});
    response.cluster_id = config.cluster_id;
    response.controller_id = config.node_id;
  }
  if (!asked && snapshot != nullptr) {
    for (const auto& [name, topic] : snapshot->topics) {
      response.topics.push_back(DescribeClusterTopic(services, *snapshot, name));
    }
  } else if (!asked) {
    for (const TopicInfo& info : services.logs->ListTopics()) {
      response.topics.push_back(DescribeTopic(services, nullptr, info.name,
                                              TopicLookup{ErrorCode::kNone, info.partitions}));
    }
  } else {
    for (const MetadataRequest::Topic& topic : *asked) {
      std::optional<std::string> name = topic.name;
      if (!name) {
        name = snapshot != nullptr ? ClusterTopicName(*snapshot, topic.topic_id)
                                   : services.logs->TopicName(topic.topic_id);
      }
      if (!name) {
        MetadataResponse::Topic& unknown = response.topics.emplace_back();
        unknown.error_code = ToWire(ErrorCode::kUnknownTopicId);
        unknown.name = std::nullopt;
        unknown.topic_id = topic.topic_id;
        continue;
      }
      const TopicLookup lookup = on_admin ? FindOrCreateTopic(services, *name, may_create)
                                          : FindTopic(services, *name, may_create);
      response.topics.push_back(DescribeTopic(services, snapshot.get(), *name, lookup));
    }
  }
  ctx.responder().Answer(response, ctx.version(), EncodeMetadataResponse);
}

void HandleMetadata(RequestContext& ctx) { ServeMetadata(ctx, /*on_admin=*/false); }

}  // namespace

const ApiSpec kMetadataApi = {ApiKey::kMetadata, kMetadataMinVersion, kMetadataMaxVersion,
                              kMetadataFirstFlexibleVersion, &HandleMetadata};

}  // namespace ringlog
