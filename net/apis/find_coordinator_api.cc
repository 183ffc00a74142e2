// FindCoordinator: which broker coordinates a consumer group (key type 0) or a
// transactional id (key type 1). On the single broker that is always this broker, so the
// key is answered with this broker's node id and advertised address. In a cluster it is
// the leader of the key's partition of the coordinator's topic — __consumer_offsets
// (GroupCoordinator::PartitionFor) or __transaction_state
// (TransactionCoordinator::PartitionFor) — in this broker's snapshot; while that partition
// has no live leader the answer is COORDINATOR_NOT_AVAILABLE, and while the topic does not
// exist this broker asks the controller to create it and answers
// COORDINATOR_NOT_AVAILABLE, so the client asks again. A broker without the coordinator
// answers COORDINATOR_NOT_AVAILABLE, and an unknown key type INVALID_REQUEST, each with
// Kafka's "no node" (-1, "", -1). Up to v3 the request names one key and the answer sits
// at the top of the response; from v4 every key of the batch gets its own entry, in the
// request's order.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/group/group_coordinator.h"
#include "engine/log/internal_topics.h"
#include "engine/txn/transaction_coordinator.h"
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

// How long the creation of a coordinator's topic may wait for the controller.
constexpr std::chrono::milliseconds kTopicCreationTimeout{10000};

Coordinator None(ErrorCode error, std::string message) {
  Coordinator found;
  found.error_code = ToWire(error);
  found.error_message = std::move(message);
  found.node_id = -1;
  found.port = -1;
  return found;
}

// The leader of partition `partition` of the coordinator's topic `topic` in `snapshot`.
Coordinator LocateInCluster(const ClusterSnapshot& snapshot, std::string_view topic,
                            int32_t partition) {
  const std::string name(topic);
  const ClusterTopic* found_topic = snapshot.FindTopic(topic);
  if (found_topic == nullptr || found_topic->partitions.empty()) {
    return None(ErrorCode::kCoordinatorNotAvailable, name + " is being created");
  }
  const std::vector<ClusterPartition>& partitions = found_topic->partitions;
  if (partition < 0 || static_cast<size_t>(partition) >= partitions.size()) {
    return None(ErrorCode::kCoordinatorNotAvailable,
                name + " does not have partition " + std::to_string(partition) + " yet");
  }
  const ClusterBroker* leader = snapshot.FindBroker(partitions[partition].state.leader);
  if (leader == nullptr) {
    return None(ErrorCode::kCoordinatorNotAvailable,
                "partition " + std::to_string(partition) + " of " + name + " has no leader");
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
  std::string_view topic;
  int32_t partition = 0;
  if (key_type == kCoordinatorKeyGroup) {
    if (services.groups == nullptr) {
      return None(ErrorCode::kCoordinatorNotAvailable, "no group coordinator");
    }
    topic = kConsumerOffsetsTopic;
    partition = services.groups->PartitionFor(key);
  } else if (key_type == kCoordinatorKeyTransaction) {
    if (services.txns == nullptr) {
      return None(ErrorCode::kCoordinatorNotAvailable, "no transaction coordinator");
    }
    topic = kTransactionStateTopic;
    partition = services.txns->PartitionFor(key);
  } else {
    return None(ErrorCode::kInvalidRequest, "unknown key type " + std::to_string(key_type));
  }
  if (snapshot != nullptr) return LocateInCluster(*snapshot, topic, partition);
  Coordinator found;
  found.node_id = services.config.node_id;
  found.host = services.config.advertised_host;
  found.port = services.config.advertised_port;
  return found;
}

// In a cluster, the coordinator's topic that the request's keys need and that does not
// exist yet, if any.
std::optional<NewTopic> MissingTopic(const BrokerServices& services,
                                     const FindCoordinatorRequest& request) {
  if (services.cluster == nullptr) return std::nullopt;
  std::shared_ptr<const ClusterSnapshot> snapshot = services.cluster->Snapshot();
  const size_t live_brokers = snapshot->brokers.size();
  if (request.key_type == kCoordinatorKeyGroup && services.groups != nullptr &&
      snapshot->FindTopic(kConsumerOffsetsTopic) == nullptr) {
    return OffsetsTopic(services.config, live_brokers);
  }
  if (request.key_type == kCoordinatorKeyTransaction && services.txns != nullptr &&
      snapshot->FindTopic(kTransactionStateTopic) == nullptr) {
    return TransactionStateTopic(services.config, live_brokers);
  }
  return std::nullopt;
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
  ctx.responder().Answer(response, version, EncodeFindCoordinatorResponse);
}

void HandleFindCoordinator(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<FindCoordinatorRequest> request = DecodeFindCoordinatorRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad FindCoordinator request: " + request.status().ToString());
    return;
  }
  if (std::optional<NewTopic> missing = MissingTopic(ctx.services(), *request)) {
    HandOffToAdmin(
        ctx, [request = std::move(*request), topic = std::move(*missing)](RequestContext& held) {
          CreateTopicByController(held.services(), topic, kTopicCreationTimeout);
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
