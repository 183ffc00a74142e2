// ElectLeaders (API 43): elections on request, the controller's work (ClusterAdmin::
// ElectLeaders). On the controller it runs on the admin worker; any other broker forwards
// the request frame to the controller and relays its answer (NOT_CONTROLLER for every
// partition when there is none to reach). Either way an election that succeeded is waited
// for, up to the request's timeout_ms, until this broker's snapshot shows it. v0 asks for
// preferred elections; an election type other than 0 or 1 is INVALID_REQUEST. A single
// broker leads every partition it has: ELECTION_NOT_NEEDED, or UNKNOWN_TOPIC_OR_PARTITION.
// A null topic list means every partition, and only those where an election was due are
// reported.
#include <glog/logging.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "engine/log/log_manager.h"
#include "net/apis/admin_handoff.h"
#include "net/apis/apis.h"
#include "net/apis/controller_forward.h"
#include "net/apis/request_context.h"
#include "net/cluster/cluster_admin.h"
#include "net/cluster/cluster_view.h"
#include "net/codec/elect_leaders_codec.h"
#include "net/codec/error_code.h"

namespace ringlog {
namespace {

using TopicResult = ElectLeadersResponse::ReplicaElectionResult;

void Respond(RequestContext& ctx, const ElectLeadersResponse& response) {
  ctx.responder().Answer(response, ctx.version(), EncodeElectLeadersResponse);
}

// Every named partition answers `error`; v1+ also at the top.
ElectLeadersResponse AllFail(const ElectLeadersRequest& request, ErrorCode error,
                             const std::string& message) {
  ElectLeadersResponse response;
  response.error_code = ToWire(error);
  if (!request.topic_partitions) return response;
  for (const ElectLeadersRequest::TopicPartitions& topic : *request.topic_partitions) {
    TopicResult& result = response.replica_election_results.emplace_back();
    result.topic = topic.topic;
    for (int32_t partition : topic.partitions) {
      result.partition_result.push_back({partition, ToWire(error), message});
    }
  }
  return response;
}

// The controller's outcome on the wire, grouped by topic in the order given.
ElectLeadersResponse FromOutcome(const ElectLeadersOutcome& outcome) {
  ElectLeadersResponse response;
  for (const ElectLeadersOutcome::Partition& p : outcome.partitions) {
    if (response.replica_election_results.empty() ||
        response.replica_election_results.back().topic != p.topic) {
      response.replica_election_results.emplace_back().topic = p.topic;
    }
    std::optional<std::string> message;
    if (p.error != ErrorCode::kNone) message = p.message;
    response.replica_election_results.back().partition_result.push_back(
        {p.partition, ToWire(p.error), std::move(message)});
  }
  return response;
}

// A single broker leads all its partitions.
ElectLeadersResponse ServeAlone(const RequestContext& ctx, const ElectLeadersRequest& request) {
  ElectLeadersResponse response;
  if (!request.topic_partitions) return response;
  for (const ElectLeadersRequest::TopicPartitions& topic : *request.topic_partitions) {
    TopicResult& result = response.replica_election_results.emplace_back();
    result.topic = topic.topic;
    Result<TopicInfo> info = ctx.services().logs->GetTopic(topic.topic);
    for (int32_t partition : topic.partitions) {
      const bool known = info.ok() && partition >= 0 && partition < info->partitions;
      result.partition_result.push_back(
          {partition,
           ToWire(known ? ErrorCode::kElectionNotNeeded : ErrorCode::kUnknownTopicOrPartition),
           known ? "this broker leads the partition" : "the partition does not exist"});
    }
  }
  return response;
}

// Whether `snapshot` shows every election of `response` done: the preferred replica leads,
// or (unclean) some replica does.
bool ElectionsSeen(const ClusterSnapshot& snapshot, const ElectLeadersResponse& response,
                   ElectionType type) {
  for (const TopicResult& result : response.replica_election_results) {
    for (const ElectLeadersResponse::PartitionResult& p : result.partition_result) {
      if (p.error_code != ToWire(ErrorCode::kNone)) continue;
      const ClusterPartition* partition = snapshot.FindPartition(result.topic, p.partition_id);
      if (partition == nullptr || partition->state.leader < 0) return false;
      if (type == ElectionType::kPreferred && !partition->replicas.empty() &&
          partition->state.leader != partition->replicas.front()) {
        return false;
      }
    }
  }
  return true;
}

void ServeElectLeaders(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<ElectLeadersRequest> request = DecodeElectLeadersRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad ElectLeaders request: " + request.status().ToString());
    return;
  }
  const int16_t version = ctx.version();
  const int8_t type = version >= 1 ? request->election_type : 0;
  if (type != static_cast<int8_t>(ElectionType::kPreferred) &&
      type != static_cast<int8_t>(ElectionType::kUnclean)) {
    Respond(ctx, AllFail(*request, ErrorCode::kInvalidRequest,
                         "unknown election type " + std::to_string(type)));
    return;
  }
  const auto election = static_cast<ElectionType>(type);
  ClusterView* cluster = ctx.services().cluster;
  if (cluster == nullptr) {
    Respond(ctx, ServeAlone(ctx, *request));
    return;
  }
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(std::max(request->timeout_ms, 0));
  auto await = [&](const ElectLeadersResponse& response) {
    AwaitSnapshot(
        *cluster,
        [&](const ClusterSnapshot& snapshot) {
          return ElectionsSeen(snapshot, response, election);
        },
        deadline);
  };
  ClusterAdmin* admin = cluster->admin();
  if (admin == nullptr) {
    Result<std::string> body = ForwardToController(ctx, ForwardTimeout(request->timeout_ms));
    if (!body.ok()) {
      Respond(ctx, AllFail(*request, ErrorCode::kNotController,
                           "the controller is not reachable: " + body.status().ToString()));
      return;
    }
    WireReader answer_reader(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(body->data()), body->size()));
    if (Result<ElectLeadersResponse> answer = DecodeElectLeadersResponse(answer_reader, version);
        answer.ok()) {
      await(*answer);
    }
    RelayResponseBody(ctx, *body);
    return;
  }
  std::optional<std::vector<ElectionTopic>> asked;
  if (request->topic_partitions) {
    asked.emplace();
    for (const ElectLeadersRequest::TopicPartitions& topic : *request->topic_partitions) {
      asked->push_back({topic.topic, topic.partitions});
    }
  }
  const ElectLeadersOutcome outcome = admin->ElectLeaders(election, asked);
  if (outcome.error != ErrorCode::kNone) {
    LOG(INFO) << "ElectLeaders from " << ctx.connection().peer << ": " << outcome.message;
    Respond(ctx, AllFail(*request, outcome.error, outcome.message));
    return;
  }
  const ElectLeadersResponse response = FromOutcome(outcome);
  await(response);
  Respond(ctx, response);
}

void HandleElectLeaders(RequestContext& ctx) { HandOffToAdmin(ctx, &ServeElectLeaders); }

}  // namespace

const ApiSpec kElectLeadersApi = {ApiKey::kElectLeaders, kElectLeadersMinVersion,
                                  kElectLeadersMaxVersion, kElectLeadersFirstFlexibleVersion,
                                  &HandleElectLeaders};

}  // namespace ringlog
