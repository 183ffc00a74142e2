// AlterPartition (API 56): a partition leader asks the controller to change an ISR. Only
// the active controller serves it; any other broker (and a single broker) answers
// NOT_CONTROLLER for the whole request, as Kafka's brokers do. The controller's work
// (ZooKeeper reads and a conditional write per partition) runs on the controller's own
// thread (ClusterAdmin::AlterPartitionAsync), never on the event loop, and not behind the
// topic administration of the admin worker. Topics are named (v0-1) or given by id (v2+;
// an id this broker's snapshot does not know is UNKNOWN_TOPIC_ID). Versions 0-1 hear
// OPERATION_NOT_ATTEMPTED where later ones hear INELIGIBLE_REPLICA, as Kafka answers them.
#include <glog/logging.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "net/apis/apis.h"
#include "net/apis/request_context.h"
#include "net/cluster/cluster_admin.h"
#include "net/cluster/cluster_view.h"
#include "net/codec/alter_partition_codec.h"
#include "net/codec/error_code.h"

namespace ringlog {
namespace {

// The first version that names topics by id and knows INELIGIBLE_REPLICA.
constexpr int16_t kTopicIdVersion = 2;
// The first version that gives each new ISR member's broker epoch.
constexpr int16_t kBrokerEpochsVersion = 3;

void Respond(RequestContext& ctx, const AlterPartitionResponse& response) {
  ctx.responder().Answer(response, ctx.version(), EncodeAlterPartitionResponse);
}

void RespondError(RequestContext& ctx, ErrorCode error, const std::string& why) {
  LOG(INFO) << "AlterPartition from " << ctx.connection().peer << ": " << why;
  AlterPartitionResponse response;
  response.error_code = ToWire(error);
  Respond(ctx, response);
}

IsrProposal ProposalOf(const std::string& topic, const AlterPartitionRequest::Partition& asked,
                       int16_t version) {
  IsrProposal proposal{.topic = topic,
                       .partition = asked.partition_index,
                       .leader_epoch = asked.leader_epoch,
                       .leader_recovery_state = asked.leader_recovery_state,
                       .partition_epoch = asked.partition_epoch};
  if (version >= kBrokerEpochsVersion) {
    for (const auto& member : asked.new_isr_with_epochs) {
      proposal.new_isr.push_back({member.broker_id, member.broker_epoch});
    }
  } else {
    for (int32_t broker : asked.new_isr) proposal.new_isr.push_back({broker, -1});
  }
  return proposal;
}

AlterPartitionResponse::Partition Answer(int32_t partition, const IsrDecision& decision,
                                         int16_t version) {
  AlterPartitionResponse::Partition answer;
  answer.partition_index = partition;
  ErrorCode error = decision.error;
  if (error == ErrorCode::kIneligibleReplica && version < kTopicIdVersion) {
    error = ErrorCode::kOperationNotAttempted;
  }
  answer.error_code = ToWire(error);
  if (error == ErrorCode::kNone) {
    answer.leader_id = decision.state.leader;
    answer.leader_epoch = decision.state.leader_epoch;
    answer.isr = decision.state.isr;
    answer.partition_epoch = decision.partition_epoch;
  }
  return answer;
}

// The response to `request` from the controller's `outcome`; `names` holds each requested
// partition's topic name (empty for an unknown topic id), and the decisions follow the
// partitions with a name, in order.
AlterPartitionResponse ResponseTo(const AlterPartitionRequest& request,
                                  const std::vector<std::vector<std::string>>& names,
                                  const AlterPartitionOutcome& outcome, int16_t version) {
  AlterPartitionResponse response;
  size_t next = 0;
  for (size_t t = 0; t < request.topics.size(); ++t) {
    const AlterPartitionRequest::Topic& topic = request.topics[t];
    AlterPartitionResponse::Topic& answered = response.topics.emplace_back();
    answered.topic_name = topic.topic_name;
    answered.topic_id = topic.topic_id;
    for (size_t p = 0; p < topic.partitions.size(); ++p) {
      const int32_t index = topic.partitions[p].partition_index;
      if (names[t][p].empty() || next >= outcome.decisions.size()) {
        answered.partitions.push_back(
            {.partition_index = index, .error_code = ToWire(ErrorCode::kUnknownTopicId)});
      } else {
        answered.partitions.push_back(Answer(index, outcome.decisions[next++], version));
      }
    }
  }
  return response;
}

void HandleAlterPartition(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<AlterPartitionRequest> request = DecodeAlterPartitionRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad AlterPartition request: " + request.status().ToString());
    return;
  }
  ClusterView* cluster = ctx.services().cluster;
  ClusterAdmin* admin = cluster != nullptr ? cluster->admin() : nullptr;
  if (admin == nullptr) {
    RespondError(ctx, ErrorCode::kNotController, "this broker is not the controller");
    return;
  }
  const int16_t version = ctx.version();
  const std::shared_ptr<const ClusterSnapshot> snapshot = cluster->Snapshot();
  std::vector<std::vector<std::string>> names(request->topics.size());
  std::vector<IsrProposal> proposals;
  for (size_t t = 0; t < request->topics.size(); ++t) {
    const AlterPartitionRequest::Topic& topic = request->topics[t];
    std::string name = topic.topic_name;
    if (version >= kTopicIdVersion) {
      name.clear();
      for (const auto& [known, described] : snapshot->topics) {
        if (described.id == topic.topic_id) name = known;
      }
    }
    for (const AlterPartitionRequest::Partition& partition : topic.partitions) {
      names[t].push_back(name);
      if (!name.empty()) proposals.push_back(ProposalOf(name, partition, version));
    }
  }
  const int32_t broker_id = request->broker_id;
  const int64_t broker_epoch = request->broker_epoch;
  std::shared_ptr<RequestContext> held = std::move(ctx).Detach();
  admin->AlterPartitionAsync(broker_id, broker_epoch, std::move(proposals),
                             [held, request = std::move(*request), names = std::move(names),
                              version](const AlterPartitionOutcome& outcome) {
                               if (outcome.error != ErrorCode::kNone) {
                                 RespondError(*held, outcome.error, outcome.message);
                                 return;
                               }
                               Respond(*held, ResponseTo(request, names, outcome, version));
                             });
}

}  // namespace

const ApiSpec kAlterPartitionApi = {ApiKey::kAlterPartition, kAlterPartitionMinVersion,
                                    kAlterPartitionMaxVersion, kAlterPartitionFirstFlexibleVersion,
                                    &HandleAlterPartition};

}  // namespace ringlog
