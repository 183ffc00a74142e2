// AlterPartitionReassignments: moves partitions to new replica sets, or cancels moves (null
// replicas). In a cluster the controller does it (ClusterAdmin::AlterPartitionReassignments;
// another broker forwards the request frame to it, and answers NOT_CONTROLLER for the whole
// request when it cannot be reached). The answer comes once the moves are recorded; they
// finish in the background (ListPartitionReassignments follows them). A single broker
// holds every partition alone: a move to itself is already done, a cancellation finds no
// move (NO_REASSIGNMENT_IN_PROGRESS), and any other broker is not registered
// (INVALID_REPLICA_ASSIGNMENT).
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/log/log_manager.h"
#include "net/apis/admin_handoff.h"
#include "net/apis/apis.h"
#include "net/apis/controller_forward.h"
#include "net/apis/request_context.h"
#include "net/cluster/cluster_admin.h"
#include "net/codec/alter_partition_reassignments_codec.h"
#include "net/codec/error_code.h"

namespace ringlog {
namespace {

using Request = AlterPartitionReassignmentsRequest;
using Response = AlterPartitionReassignmentsResponse;

std::vector<ReassignmentTarget> TargetsOf(const Request& request) {
  std::vector<ReassignmentTarget> targets;
  for (const Request::Topic& topic : request.topics) {
    for (const Request::Partition& partition : topic.partitions) {
      targets.push_back({topic.name, partition.partition_index, partition.replicas});
    }
  }
  return targets;
}

// The single broker's answer to one target.
ReassignmentOutcome::Result AloneResult(const RequestContext& ctx,
                                        const ReassignmentTarget& target) {
  const int32_t self = ctx.services().config.node_id;
  const std::string name = target.topic + "-" + std::to_string(target.partition);
  Result<TopicInfo> topic = ctx.services().logs->GetTopic(target.topic);
  if (!topic.ok() || target.partition < 0 || target.partition >= topic->partitions) {
    return {ErrorCode::kUnknownTopicOrPartition, "partition " + name + " does not exist"};
  }
  if (!target.replicas) {
    return {ErrorCode::kNoReassignmentInProgress, "partition " + name + " is not moving"};
  }
  std::string problem = TargetProblem(*target.replicas, {self});
  if (!problem.empty()) {
    return {ErrorCode::kInvalidReplicaAssignment, "partition " + name + ": " + problem};
  }
  return {};
}

Response ResponseOf(const Request& request, const ReassignmentOutcome& outcome) {
  Response response;
  response.error_code = ToWire(outcome.error);
  if (outcome.error != ErrorCode::kNone) {
    response.error_message = outcome.message;
    return response;
  }
  size_t next = 0;
  for (const Request::Topic& topic : request.topics) {
    Response::TopicResult& answered = response.responses.emplace_back();
    answered.name = topic.name;
    for (const Request::Partition& partition : topic.partitions) {
      const ReassignmentOutcome::Result& result = outcome.results[next++];
      Response::PartitionResult& one = answered.partitions.emplace_back();
      one.partition_index = partition.partition_index;
      one.error_code = ToWire(result.error);
      if (result.error != ErrorCode::kNone) one.error_message = result.message;
    }
  }
  return response;
}

void Serve(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<Request> request = DecodeAlterPartitionReassignmentsRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad AlterPartitionReassignments request: " +
                          request.status().ToString());
    return;
  }
  const std::vector<ReassignmentTarget> targets = TargetsOf(*request);
  ReassignmentOutcome outcome;
  ClusterView* cluster = ctx.services().cluster;
  if (cluster == nullptr) {
    for (const ReassignmentTarget& target : targets) {
      outcome.results.push_back(AloneResult(ctx, target));
    }
  } else if (ClusterAdmin* admin = cluster->admin(); admin != nullptr) {
    outcome = admin->AlterPartitionReassignments(targets);
  } else {
    Result<std::string> body = ForwardToController(ctx, ForwardTimeout(request->timeout_ms));
    if (body.ok()) {
      RelayResponseBody(ctx, *body);
      return;
    }
    outcome = {ErrorCode::kNotController,
               "the controller is not reachable: " + body.status().ToString(),
               {}};
  }
  const Response response = ResponseOf(*request, outcome);
  ctx.responder().Answer(response, ctx.version(), EncodeAlterPartitionReassignmentsResponse);
}

void Handle(RequestContext& ctx) { HandOffToAdmin(ctx, &Serve); }

}  // namespace

const ApiSpec kAlterPartitionReassignmentsApi = {
    ApiKey::kAlterPartitionReassignments, kAlterPartitionReassignmentsMinVersion,
    kAlterPartitionReassignmentsMaxVersion, kAlterPartitionReassignmentsFirstFlexibleVersion,
    &Handle};

}  // namespace ringlog
