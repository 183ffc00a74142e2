// FindCoordinator: which broker coordinates a consumer group. On the single broker that is
// always this broker, so a group key is answered with this broker's node id and
// advertised address. In a cluster it is the leader of the group's partition of
// __consumer_offsets (GroupCoordinator::PartitionFor) in this broker's snapshot; while that
// partition has no live leader the answer is COORDINATOR_NOT_AVAILABLE, and while the
// offsets topic does not exist this broker asks the controller to create it and answers
// COORDINATOR_NOT_AVAILABLE, so the client asks again. There is no transaction
// coordinator: a transactional id gets COORDINATOR_NOT_AVAILABLE, and an unknown key type
// INVALID_REQUEST, each with Kafka's "no node" (-1, "", -1). Up to v3 the request names
// one key and the answer sits at the top of the response; from v4 every key of the batch
// gets its own entry, in the request's order.
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/group/group_coordinator.h"
#include "engine/log/internal_topics.h"
#include "net/apis/admin_handoff.h"
#include "net/apis/apis.h"
#include "net/apis/cluster_topic_creation.h"
#include "net/apis/request_context.h"
#include "net/cluster/cluster_view.h"
#include "net/codec/error_code.h"
#include "net/codec/find_coordinator_codec.h"

namespace ringlog {
namespace {

using Coordinator = FindCoordinatorResponse::Coordinator;

// How long the creation of the offsets topic may wait for the controller.
constexpr std::chrono::milliseconds kOffsetsTopicCreationTimeout{10000};

Coordinator None(ErrorCode error, std::string message) {
  Coordinator found;
  found.error_code = ToWire(error);
  found.error_message = std::move(message);
  found.node_id = -1;
  found.port = -1;
  return found;
}

// The leader of `group`'s offsets partition in `snapshot`.
Coordinator LocateInCluster(const ClusterSnapshot& snapshot, const GroupCoordinator& groups,
                            const std::string& group) {
  const ClusterTopic* offsets = snapshot.FindTopic(kConsumerOffsetsTopic);
  if (offsets == nullptr || offsets->partitions.empty()) {
    return None(ErrorCode::kCoordinatorNotAvailable, "the offsets topic is being created");
  }
  const std::vector<ClusterPartition>& partitions = offsets->partitions;
  const int32_t partition = groups.PartitionFor(group);
  if (partition < 0 || static_cast<size_t>(partition) >= partitions.size()) {
    return None(ErrorCode::kCoordinatorNotAvailable,
                "the offsets topic does not have partition " + std::to_string(partition) + " yet");
  }
  const ClusterBroker* leader = snapshot.FindBroker(partitions[partition].state.leader);
  if (leader == nullptr) {
    return None(ErrorCode::kCoordinatorNotAvailable,
                "partition " + std::to_string(partition) + " of the offsets topic has no leader");
  }
  Coordinator found;
  found.node_id = leader->id;
  found.host = leader->host;
  found.port = leader->port;
  return found;
}

// Who coordinates `key` of `key_type`.
Coordinator Locate(const BrokerServices& services, const ClusterSnapshot* snapshot, int8_t key_type,
                   const std::string& key) {
  if (key_type == kCoordinatorKeyTransaction) {
    return None(ErrorCode::kCoordinatorNotAvailable, "this broker has no transaction coordinator");
  }
  if (key_type != kCoordinatorKeyGroup) {
    return None(ErrorCode::kInvalidRequest, "unknown key type " + std::to_string(key_type));
  }
  if (services.groups == nullptr) {
    return None(ErrorCode::kCoordinatorNotAvailable, "no group coordinator");
  }
  if (snapshot != nullptr) return LocateInCluster(*snapshot, *services.groups, key);
  Coordinator found;
  found.node_id = services.config.node_id;
  found.host = services.config.advertised_host;
  found.port = services.config.advertised_port;
  return found;
}

// In a cluster, whether group keys need the offsets topic, which does not exist yet.
bool NeedsOffsetsTopic(const BrokerServices& services, const FindCoordinatorRequest& request) {
  if (services.cluster == nullptr || services.groups == nullptr ||
      request.key_type != kCoordinatorKeyGroup) {
    return false;
  }
  return services.cluster->Snapshot()->FindTopic(kConsumerOffsetsTopic) == nullptr;
}

void Answer(RequestContext& ctx, const FindCoordinatorRequest& request) {
  const BrokerServices& services = ctx.services();
  std::shared_ptr<const ClusterSnapshot> snapshot;
  if (services.cluster != nullptr) snapshot = services.cluster->Snapshot();
  const int16_t version = ctx.version();
  FindCoordinatorResponse response;
  if (version >= kFindCoordinatorFirstBatchVersion) {
    for (const std::string& key : request.coordinator_keys) {
      Coordinator& entry = response.coordinators.emplace_back(
          Locate(services, snapshot.get(), request.key_type, key));
      entry.key = key;
    }
  } else {
    Coordinator found = Locate(services, snapshot.get(), request.key_type, request.key);
    response.error_code = found.error_code;
    response.error_message = std::move(found.error_message);
    response.node_id = found.node_id;
    response.host = std::move(found.host);
    response.port = found.port;
  }
  ctx.responder().Respond(
      [&](WireWriter& writer) { EncodeFindCoordinatorResponse(writer, response, version); });
}

void HandleFindCoordinator(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<FindCoordinatorRequest> request = DecodeFindCoordinatorRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad FindCoordinator request: " + request.status().ToString());
    return;
  }
  if (NeedsOffsetsTopic(ctx.services(), *request)) {
    HandOffToAdmin(ctx, [request = std::move(*request)](RequestContext& held) {
      BrokerServices& services = held.services();
      CreateTopicByController(
          services, OffsetsTopic(services.config, services.cluster->Snapshot()->brokers.size()),
          kOffsetsTopicCreationTimeout);
      Answer(held, request);
    });
    return;
  }
  Answer(ctx, *request);
}

}  // namespace

const ApiSpec kFindCoordinatorApi = {ApiKey::kFindCoordinator, kFindCoordinatorMinVersion,
                                     kFindCoordinatorMaxVersion,
                                     kFindCoordinatorFirstFlexibleVersion, &HandleFindCoordinator};

}  // namespace ringlog
