// CreatePartitions: grows topics to a new total partition count. A topic listed twice is
// INVALID_REQUEST, an unknown one UNKNOWN_TOPIC_OR_PARTITION, a count that does not grow
// the topic (or exceeds the engine's bound) INVALID_PARTITIONS, and an assignment that
// does not put each new partition on this broker alone INVALID_REQUEST (as CreateTopics
// answers it). An internal topic keeps the layout the broker gave it
// (INVALID_TOPIC_EXCEPTION). validate_only runs every check and adds nothing. The request
// runs on the admin worker and is answered once done. In a cluster the controller grows
// the topics: net/apis/cluster_topic_admin.h.
#include <glog/logging.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/log/internal_topics.h"
#include "engine/log/log_manager.h"
#include "net/apis/admin_handoff.h"
#include "net/apis/apis.h"
#include "net/apis/cluster_topic_admin.h"
#include "net/apis/request_context.h"
#include "net/codec/create_partitions_codec.h"
#include "net/codec/error_code.h"

namespace ringlog {
namespace {

using TopicResult = CreatePartitionsResponse::TopicResult;

TopicResult Refuse(const std::string& name, ErrorCode error, std::string message) {
  return TopicResult{name, ToWire(error), std::move(message)};
}

// Why `topic` cannot grow from `current` partitions, or empty.
std::string GrowthProblem(const CreatePartitionsRequest::Topic& topic, int32_t current) {
  if (topic.count <= current) {
    return "topic '" + topic.name + "' has " + std::to_string(current) +
           " partitions; the new count must be higher, got " + std::to_string(topic.count);
  }
  if (Status count = ValidatePartitionCount(topic.count); !count.ok()) return count.message();
  return {};
}

// Why `assignments` do not place each of the `added` partitions on this broker alone, or
// empty.
std::string AssignmentProblem(const std::vector<CreatePartitionsRequest::Assignment>& assignments,
                              int32_t added, int32_t node_id) {
  if (assignments.size() != static_cast<size_t>(added)) {
    return "adding " + std::to_string(added) + " partitions needs as many assignments, got " +
           std::to_string(assignments.size());
  }
  for (const CreatePartitionsRequest::Assignment& assignment : assignments) {
    if (assignment.broker_ids != std::vector<int32_t>{node_id}) {
      return "each new partition must have exactly one replica, on broker " +
             std::to_string(node_id);
    }
  }
  return {};
}

TopicResult Grow(const RequestContext& ctx, const CreatePartitionsRequest::Topic& topic,
                 bool validate_only) {
  if (IsInternalTopic(topic.name)) {
    return Refuse(topic.name, ErrorCode::kInvalidTopicException,
                  "topic '" + topic.name + "' is internal: the broker manages its partitions");
  }
  LogManager& logs = *ctx.services().logs;
  Result<TopicInfo> info = logs.GetTopic(topic.name);
  if (!info.ok()) {
    return Refuse(topic.name, ErrorCode::kUnknownTopicOrPartition,
                  "topic '" + topic.name + "' does not exist");
  }
  if (std::string problem = GrowthProblem(topic, info->partitions); !problem.empty()) {
    return Refuse(topic.name, ErrorCode::kInvalidPartitions, std::move(problem));
  }
  if (topic.assignments) {
    std::string problem = AssignmentProblem(*topic.assignments, topic.count - info->partitions,
                                            ctx.services().config.node_id);
    if (!problem.empty()) return Refuse(topic.name, ErrorCode::kInvalidRequest, problem);
  }
  if (validate_only) return TopicResult{topic.name, ToWire(ErrorCode::kNone), std::nullopt};
  Status grown = logs.CreatePartitions(topic.name, topic.count);
  if (!grown.ok()) {
    // A concurrent request may have grown or deleted the topic meanwhile.
    LOG(WARNING) << "adding partitions to " << topic.name << ": " << grown.ToString();
    const ErrorCode error =
        grown.IsInvalidArgument() ? ErrorCode::kInvalidPartitions : ToErrorCode(grown);
    return Refuse(topic.name, error, grown.message());
  }
  LOG(INFO) << "topic " << topic.name << " grown to " << topic.count << " partitions";
  return TopicResult{topic.name, ToWire(ErrorCode::kNone), std::nullopt};
}

void ServeCreatePartitions(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<CreatePartitionsRequest> request = DecodeCreatePartitionsRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad CreatePartitions request: " + request.status().ToString());
    return;
  }
  if (ctx.services().cluster != nullptr) {
    ServeCreatePartitionsInCluster(ctx, *request);
    return;
  }
  std::map<std::string, int> mentions;
  for (const CreatePartitionsRequest::Topic& topic : request->topics) ++mentions[topic.name];
  CreatePartitionsResponse response;
  for (const CreatePartitionsRequest::Topic& topic : request->topics) {
    response.results.push_back(mentions[topic.name] > 1
                                   ? Refuse(topic.name, ErrorCode::kInvalidRequest,
                                            "topic '" + topic.name + "' is listed more than once")
                                   : Grow(ctx, topic, request->validate_only));
  }
  ctx.responder().Answer(response, ctx.version(), EncodeCreatePartitionsResponse);
}

void HandleCreatePartitions(RequestContext& ctx) { HandOffToAdmin(ctx, &ServeCreatePartitions); }

}  // namespace

const ApiSpec kCreatePartitionsApi = {
    ApiKey::kCreatePartitions, kCreatePartitionsMinVersion, kCreatePartitionsMaxVersion,
    kCreatePartitionsFirstFlexibleVersion, &HandleCreatePartitions};

}  // namespace ringlog
