// CreateTopics: creates each asked-for topic on this single node, or says per topic why
// not, with Kafka's codes: a name listed twice (INVALID_REQUEST), an illegal name
// (INVALID_TOPIC_EXCEPTION), an existing topic (TOPIC_ALREADY_EXISTS), a partition count
// below 1 (INVALID_PARTITIONS; -1 asks for the broker's num.partitions), a replication
// factor other than 1 or -1 (INVALID_REPLICATION_FACTOR: there is one broker),
// a replica assignment that does not put every partition on this broker alone
// (INVALID_REQUEST), a bad config (INVALID_CONFIG, with the engine's reason as the
// message). The internal topics are the broker's to create (INVALID_TOPIC_EXCEPTION).
// validate_only runs every check and creates nothing.
//
// From v5 a topic that is (or would be) created is described back as Kafka does: its
// partition count, replication factor 1 and every topic config with its value in effect
// and source; a refused topic has -1 for both and no configs. v7 adds the new topic's id
// (zero when validating only).
//
// -1 for the defaults is accepted at every version, as Kafka's broker does: KIP-464 made
// it official in v4, but kafkajs sends it in v3 whenever numPartitions is left out.
// The request runs on the admin worker and is answered once every topic is created (or
// refused), however long that takes: the request's timeout is not enforced. In a cluster
// the controller creates the topics: net/apis/cluster_topic_admin.h.
#include <glog/logging.h>

#include <algorithm>
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
#include "net/codec/create_topics_codec.h"
#include "net/codec/error_code.h"

namespace ringlog {
namespace {

// What a topic asks for to get the broker's defaults.
constexpr int32_t kDefaultPartitions = -1;
constexpr int16_t kDefaultReplicationFactor = -1;

// What a topic of the request will be, or why it will not be.
struct Plan {
  ErrorCode error = ErrorCode::kNone;
  std::string message;
  int32_t partitions = 0;
  ConfigMap configs;
};

Plan Refuse(ErrorCode error, std::string message) {
  Plan plan;
  plan.error = error;
  plan.message = std::move(message);
  return plan;
}

// Why `assignments` do not place partitions 0..n-1 each on this broker alone, or empty.
std::string AssignmentProblem(const std::vector<CreateTopicsRequest::Assignment>& assignments,
                              int32_t node_id) {
  std::vector<int32_t> indexes;
  for (const CreateTopicsRequest::Assignment& a : assignments) {
    if (a.broker_ids != std::vector<int32_t>{node_id}) {
      return "partition " + std::to_string(a.partition_index) +
             " must have exactly one replica, on broker " + std::to_string(node_id);
    }
    indexes.push_back(a.partition_index);
  }
  std::sort(indexes.begin(), indexes.end());
  for (size_t i = 0; i < indexes.size(); ++i) {
    if (indexes[i] != static_cast<int32_t>(i)) {
      return "assigned partitions must be numbered 0 to " + std::to_string(indexes.size() - 1) +
             ", each once";
    }
  }
  return {};
}

// The partition count of `topic`, from its assignment, its count or the broker default.
Plan PlanPartitions(const CreateTopicsRequest::Topic& topic, const BrokerConfig& config) {
  Plan plan;
  if (!topic.assignments.empty()) {
    if (topic.num_partitions != kDefaultPartitions ||
        topic.replication_factor != kDefaultReplicationFactor) {
      return Refuse(ErrorCode::kInvalidRequest,
                    "a replica assignment excludes num_partitions and replication_factor");
    }
    if (std::string problem = AssignmentProblem(topic.assignments, config.node_id);
        !problem.empty()) {
      return Refuse(ErrorCode::kInvalidRequest, std::move(problem));
    }
    plan.partitions = static_cast<int32_t>(topic.assignments.size());
    return plan;
  }
  plan.partitions =
      topic.num_partitions == kDefaultPartitions ? config.num_partitions : topic.num_partitions;
  if (Status count = ValidatePartitionCount(plan.partitions); !count.ok()) {
    return Refuse(ErrorCode::kInvalidPartitions, count.message());
  }
  if (topic.replication_factor != 1 && topic.replication_factor != kDefaultReplicationFactor) {
    return Refuse(ErrorCode::kInvalidReplicationFactor,
                  "replication factor must be 1 on this single broker, got " +
                      std::to_string(topic.replication_factor));
  }
  return plan;
}

Plan PlanTopic(const RequestContext& ctx, const CreateTopicsRequest::Topic& topic) {
  LogManager& logs = *ctx.services().logs;
  if (Status name = ValidateTopicName(topic.name); !name.ok()) {
    return Refuse(ErrorCode::kInvalidTopicException, name.message());
  }
  if (IsInternalTopic(topic.name)) {
    return Refuse(ErrorCode::kInvalidTopicException,
                  "topic '" + topic.name + "' is internal: the broker creates it");
  }
  if (logs.GetTopic(topic.name).ok()) {
    return Refuse(ErrorCode::kTopicAlreadyExists, "topic '" + topic.name + "' already exists");
  }
  Plan plan = PlanPartitions(topic, ctx.services().config);
  if (plan.error != ErrorCode::kNone) return plan;
  for (const CreateTopicsRequest::Config& c : topic.configs) {
    if (!c.value) return Refuse(ErrorCode::kInvalidConfig, "null value for config " + c.name);
    plan.configs.insert_or_assign(c.name, *c.value);
  }
  if (Result<LogOptions> options = ApplyTopicConfigs(logs.defaults(), plan.configs);
      !options.ok()) {
    return Refuse(ErrorCode::kInvalidConfig, options.status().message());
  }
  return plan;
}

// Creates the planned topic unless only validating; the outcome as the client sees it.
CreateTopicsResponse::TopicResult CreateTopic(const RequestContext& ctx, const std::string& name,
                                              Plan plan, bool validate_only) {
  LogManager& logs = *ctx.services().logs;
  CreateTopicsResponse::TopicResult result;
  result.name = name;
  result.configs.emplace();
  if (plan.error == ErrorCode::kNone && !validate_only) {
    Status created = logs.CreateTopic(name, plan.partitions, plan.configs);
    if (created.ok()) {
      LOG(INFO) << "created topic " << name << " with " << plan.partitions << " partitions";
      // A concurrent deletion may remove the topic before this lookup: no id then.
      result.topic_id = logs.TopicId(name).value_or(Uuid{});
    } else {
      if (!created.IsAlreadyExists()) {
        LOG(WARNING) << "creating topic " << name << ": " << created.ToString();
      }
      plan = Refuse(ToErrorCode(created), created.message());
    }
  }
  result.error_code = ToWire(plan.error);
  if (plan.error != ErrorCode::kNone) {
    result.error_message = std::move(plan.message);
    return result;
  }
  result.num_partitions = plan.partitions;
  result.replication_factor = 1;
  result.configs = CreatedTopicConfigs(logs, plan.configs);
  return result;
}

void ServeCreateTopics(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<CreateTopicsRequest> request = DecodeCreateTopicsRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad CreateTopics request: " + request.status().ToString());
    return;
  }
  if (ctx.services().cluster != nullptr) {
    ServeCreateTopicsInCluster(ctx, *request);
    return;
  }
  std::map<std::string, int> mentions;
  for (const CreateTopicsRequest::Topic& topic : request->topics) ++mentions[topic.name];
  CreateTopicsResponse response;
  for (const CreateTopicsRequest::Topic& topic : request->topics) {
    Plan plan = mentions[topic.name] > 1
                    ? Refuse(ErrorCode::kInvalidRequest,
                             "topic '" + topic.name + "' is listed more than once")
                    : PlanTopic(ctx, topic);
    response.topics.push_back(
        CreateTopic(ctx, topic.name, std::move(plan), request->validate_only));
  }
  ctx.responder().Answer(response, ctx.version(), EncodeCreateTopicsResponse);
}

void HandleCreateTopics(RequestContext& ctx) { HandOffToAdmin(ctx, &ServeCreateTopics); }

}  // namespace

const ApiSpec kCreateTopicsApi = {ApiKey::kCreateTopics, kCreateTopicsMinVersion,
                                  kCreateTopicsMaxVersion, kCreateTopicsFirstFlexibleVersion,
                                  &HandleCreateTopics};

}  // namespace ringlog
