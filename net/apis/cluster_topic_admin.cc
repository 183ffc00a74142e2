#include "net/apis/cluster_topic_admin.h"

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "engine/log/internal_topics.h"
#include "engine/log/log_manager.h"
#include "net/apis/controller_forward.h"
#include "net/cluster/cluster_admin.h"
#include "net/cluster/cluster_view.h"
#include "net/codec/error_code.h"
#include "net/codec/wire_reader.h"

namespace ringlog {
namespace {

using SteadyClock = std::chrono::steady_clock;
using SnapshotTest = std::function<bool(const ClusterSnapshot&)>;

// What a topic asks for to get the broker's defaults.
constexpr int32_t kDefaultPartitions = -1;
constexpr int16_t kDefaultReplicationFactor = -1;

SteadyClock::time_point DeadlineOf(int32_t timeout_ms) {
  return SteadyClock::now() + std::chrono::milliseconds(std::max(timeout_ms, 0));
}

WireReader ReaderOver(const std::string& body) {
  return WireReader(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(body.data()), body.size()));
}

// Whether `topic` has at least `partitions` partitions, each with a leader.
bool Led(const ClusterTopic* topic, size_t partitions) {
  if (topic == nullptr || topic->partitions.size() < partitions) return false;
  for (const ClusterPartition& p : topic->partitions) {
    if (p.state.leader < 0) return false;
  }
  return true;
}

// Every one of `names` exists with every partition led.
SnapshotTest AllLed(std::vector<std::string> names) {
  return [names = std::move(names)](const ClusterSnapshot& snapshot) {
    for (const std::string& name : names) {
      if (!Led(snapshot.FindTopic(name), 1)) return false;
    }
    return true;
  };
}

SnapshotTest AllGone(std::vector<std::string> names) {
  return [names = std::move(names)](const ClusterSnapshot& snapshot) {
    for (const std::string& name : names) {
      if (snapshot.FindTopic(name) != nullptr) return false;
    }
    return true;
  };
}

SnapshotTest AllGrown(std::map<std::string, int32_t> counts) {
  return [counts = std::move(counts)](const ClusterSnapshot& snapshot) {
    for (const auto& [name, count] : counts) {
      if (!Led(snapshot.FindTopic(name), static_cast<size_t>(count))) return false;
    }
    return true;
  };
}

bool IsBrokerRequest(const RequestContext& ctx) {
  return ctx.header().client_id == std::string(kBrokerClientId);
}

std::string InternalTopicMessage(const std::string& name) {
  return "topic '" + name + "' is internal: the brokers manage it";
}

std::string NotControllerMessage(const Status& status) {
  return "the controller is not reachable: " + status.ToString();
}

std::string TimedOutMessage(const std::string& what) {
  return what + " is done, but this broker did not see it within the request's timeout";
}

using CreatedTopic = CreateTopicsResponse::TopicResult;

CreatedTopic Refused(const std::string& name, ErrorCode error, std::string message) {
  CreatedTopic result;
  result.name = name;
  result.error_code = ToWire(error);
  result.error_message = std::move(message);
  return result;
}

// The request's topic as ClusterAdmin takes it, or why it cannot be.
Result<NewTopic> ToNewTopic(const CreateTopicsRequest::Topic& topic, const LogManager& logs) {
  NewTopic created;
  created.name = topic.name;
  created.partitions = topic.num_partitions;
  created.replication_factor = topic.replication_factor;
  for (const CreateTopicsRequest::Assignment& a : topic.assignments) {
    created.assignments[a.partition_index] = a.broker_ids;
  }
  for (const CreateTopicsRequest::Config& c : topic.configs) {
    if (!c.value) return Status::InvalidArgument("null value for config " + c.name);
    created.configs.insert_or_assign(c.name, *c.value);
  }
  if (Result<LogOptions> options = ApplyTopicConfigs(logs.defaults(), created.configs);
      !options.ok()) {
    return Status::InvalidArgument(options.status().message());
  }
  return created;
}

// The v5+ description of a created (or validated) topic: from the snapshot when it shows
// the topic, else from what was asked for.
void Describe(const BrokerServices& services, const ClusterSnapshot& snapshot,
              const NewTopic& asked, CreatedTopic& result) {
  const BrokerConfig& config = services.config;
  result.num_partitions =
      asked.partitions != kDefaultPartitions ? asked.partitions : config.num_partitions;
  result.replication_factor = asked.replication_factor != kDefaultReplicationFactor
                                  ? asked.replication_factor
                                  : config.default_replication_factor;
  if (!asked.assignments.empty()) {
    result.num_partitions = static_cast<int32_t>(asked.assignments.size());
    result.replication_factor = static_cast<int16_t>(asked.assignments.begin()->second.size());
  }
  if (const ClusterTopic* topic = snapshot.FindTopic(asked.name); topic != nullptr) {
    result.topic_id = topic->id;
    result.num_partitions = static_cast<int32_t>(topic->partitions.size());
    if (!topic->partitions.empty()) {
      result.replication_factor = static_cast<int16_t>(topic->partitions[0].replicas.size());
    }
  }
  result.configs = CreatedTopicConfigs(*services.logs, asked.configs);
}

CreatedTopic CreateOne(RequestContext& ctx, ClusterAdmin& admin,
                       const CreateTopicsRequest::Topic& topic, bool validate_only,
                       NewTopic* created) {
  if (IsInternalTopic(topic.name) && !IsBrokerRequest(ctx)) {
    return Refused(topic.name, ErrorCode::kInvalidTopicException, InternalTopicMessage(topic.name));
  }
  if (!topic.assignments.empty() && (topic.num_partitions != kDefaultPartitions ||
                                     topic.replication_factor != kDefaultReplicationFactor)) {
    return Refused(topic.name, ErrorCode::kInvalidRequest,
                   "a replica assignment excludes num_partitions and replication_factor");
  }
  Result<NewTopic> asked = ToNewTopic(topic, *ctx.services().logs);
  if (!asked.ok()) {
    return Refused(topic.name, ErrorCode::kInvalidConfig, asked.status().message());
  }
  const AdminOutcome outcome = admin.CreateTopic(*asked, validate_only);
  if (!outcome.ok()) return Refused(topic.name, outcome.error, outcome.message);
  CreatedTopic result;
  result.name = topic.name;
  *created = std::move(*asked);
  return result;
}

}  // namespace

std::vector<CreateTopicsResponse::Config> CreatedTopicConfigs(const LogManager& logs,
                                                              const ConfigMap& overrides) {
  // Kafka's ConfigSource values.
  constexpr int8_t kTopicConfigSource = 1;
  constexpr int8_t kDefaultConfigSource = 5;
  std::vector<CreateTopicsResponse::Config> configs;
  for (ConfigEntry& entry : DescribeTopicConfigs(logs.defaults(), overrides)) {
    CreateTopicsResponse::Config& config = configs.emplace_back();
    config.name = std::move(entry.name);
    config.value = std::move(entry.value);
    config.read_only = entry.read_only;
    config.config_source = entry.is_default ? kDefaultConfigSource : kTopicConfigSource;
  }
  return configs;
}

void ServeCreateTopicsInCluster(RequestContext& ctx, const CreateTopicsRequest& request) {
  ClusterView& cluster = *ctx.services().cluster;
  const SteadyClock::time_point deadline = DeadlineOf(request.timeout_ms);
  const int16_t version = ctx.version();
  ClusterAdmin* admin = cluster.admin();
  if (admin == nullptr) {
    Result<std::string> body = ForwardToController(ctx, ForwardTimeout(request.timeout_ms));
    if (!body.ok()) {
      CreateTopicsResponse response;
      for (const CreateTopicsRequest::Topic& topic : request.topics) {
        response.topics.push_back(
            Refused(topic.name, ErrorCode::kNotController, NotControllerMessage(body.status())));
      }
      ctx.responder().Answer(response, version, EncodeCreateTopicsResponse);
      return;
    }
    WireReader reader = ReaderOver(*body);
    if (Result<CreateTopicsResponse> answer = DecodeCreateTopicsResponse(reader, version);
        answer.ok() && !request.validate_only) {
      std::vector<std::string> created;
      for (const CreatedTopic& topic : answer->topics) {
        if (topic.error_code == ToWire(ErrorCode::kNone)) created.push_back(topic.name);
      }
      AwaitSnapshot(cluster, AllLed(std::move(created)), deadline);
    }
    RelayResponseBody(ctx, *body);
    return;
  }
  std::map<std::string, int> mentions;
  for (const CreateTopicsRequest::Topic& topic : request.topics) ++mentions[topic.name];
  CreateTopicsResponse response;
  std::vector<NewTopic> created(request.topics.size());
  std::vector<std::string> names;
  for (size_t i = 0; i < request.topics.size(); ++i) {
    const CreateTopicsRequest::Topic& topic = request.topics[i];
    CreatedTopic result = mentions[topic.name] > 1
                              ? Refused(topic.name, ErrorCode::kInvalidRequest,
                                        "topic '" + topic.name + "' is listed more than once")
                              : CreateOne(ctx, *admin, topic, request.validate_only, &created[i]);
    if (result.error_code == ToWire(ErrorCode::kNone)) names.push_back(topic.name);
    response.topics.push_back(std::move(result));
  }
  const bool seen = request.validate_only || request.timeout_ms <= 0 ||
                    AwaitSnapshot(cluster, AllLed(names), deadline);
  const std::shared_ptr<const ClusterSnapshot> snapshot = cluster.Snapshot();
  for (size_t i = 0; i < response.topics.size(); ++i) {
    CreatedTopic& result = response.topics[i];
    if (result.error_code != ToWire(ErrorCode::kNone)) continue;
    if (!seen && !Led(snapshot->FindTopic(result.name), 1)) {
      result = Refused(result.name, ErrorCode::kRequestTimedOut, TimedOutMessage("the creation"));
      continue;
    }
    Describe(ctx.services(), *snapshot, created[i], result);
    if (request.validate_only) result.topic_id = Uuid{};
  }
  ctx.responder().Answer(response, version, EncodeCreateTopicsResponse);
}

void ServeDeleteTopicsInCluster(RequestContext& ctx, const DeleteTopicsRequest& request) {
  using TopicResult = DeleteTopicsResponse::TopicResult;
  ClusterView& cluster = *ctx.services().cluster;
  const SteadyClock::time_point deadline = DeadlineOf(request.timeout_ms);
  const int16_t version = ctx.version();
  ClusterAdmin* admin = cluster.admin();
  if (admin == nullptr) {
    Result<std::string> body = ForwardToController(ctx, ForwardTimeout(request.timeout_ms));
    if (!body.ok()) {
      DeleteTopicsResponse response;
      auto refuse = [&](std::optional<std::string> name, const Uuid& id) {
        TopicResult& result = response.responses.emplace_back();
        result.name = std::move(name);
        result.topic_id = id;
        result.error_code = ToWire(ErrorCode::kNotController);
        result.error_message = NotControllerMessage(body.status());
      };
      for (const std::string& name : request.topic_names) refuse(name, Uuid{});
      for (const DeleteTopicsRequest::Topic& topic : request.topics) {
        refuse(topic.name, topic.topic_id);
      }
      ctx.responder().Answer(response, version, EncodeDeleteTopicsResponse);
      return;
    }
    WireReader reader = ReaderOver(*body);
    if (Result<DeleteTopicsResponse> answer = DecodeDeleteTopicsResponse(reader, version);
        answer.ok()) {
      std::vector<std::string> deleted;
      for (const TopicResult& topic : answer->responses) {
        if (topic.error_code == ToWire(ErrorCode::kNone) && topic.name) {
          deleted.push_back(*topic.name);
        }
      }
      AwaitSnapshot(cluster, AllGone(std::move(deleted)), deadline);
    }
    RelayResponseBody(ctx, *body);
    return;
  }
  const std::shared_ptr<const ClusterSnapshot> before = cluster.Snapshot();
  DeleteTopicsResponse response;
  std::vector<std::string> deleted;
  auto delete_one = [&](std::optional<std::string> name, const Uuid& id, bool by_id) {
    TopicResult& result = response.responses.emplace_back();
    result.topic_id = id;
    if (by_id) {
      name.reset();
      for (const auto& [topic_name, topic] : before->topics) {
        if (topic.id == id) name = topic_name;
      }
    } else if (version >= 6 && name) {
      if (const ClusterTopic* topic = before->FindTopic(*name)) result.topic_id = topic->id;
    }
    result.name = name;
    if (!name) {
      result.error_code =
          ToWire(by_id ? ErrorCode::kUnknownTopicId : ErrorCode::kUnknownTopicOrPartition);
      return;
    }
    if (IsInternalTopic(*name)) {
      result.error_code = ToWire(ErrorCode::kInvalidTopicException);
      result.error_message = InternalTopicMessage(*name);
      return;
    }
    const AdminOutcome outcome = admin->DeleteTopic(*name);
    result.error_code = ToWire(outcome.error);
    if (!outcome.ok()) {
      result.error_message = outcome.message;
      return;
    }
    deleted.push_back(*name);
  };
  for (const std::string& name : request.topic_names) delete_one(name, Uuid{}, false);
  for (const DeleteTopicsRequest::Topic& topic : request.topics) {
    const bool by_id = !topic.topic_id.IsZero();
    delete_one(by_id ? std::nullopt : std::optional<std::string>(topic.name.value_or("")),
               topic.topic_id, by_id);
  }
  if (request.timeout_ms > 0 && !AwaitSnapshot(cluster, AllGone(deleted), deadline)) {
    const std::shared_ptr<const ClusterSnapshot> after = cluster.Snapshot();
    for (TopicResult& result : response.responses) {
      if (result.error_code != ToWire(ErrorCode::kNone) || !result.name) continue;
      if (after->FindTopic(*result.name) == nullptr) continue;
      result.error_code = ToWire(ErrorCode::kRequestTimedOut);
      result.error_message = TimedOutMessage("the deletion");
    }
  }
  ctx.responder().Answer(response, version, EncodeDeleteTopicsResponse);
}

void ServeCreatePartitionsInCluster(RequestContext& ctx, const CreatePartitionsRequest& request) {
  using TopicResult = CreatePartitionsResponse::TopicResult;
  ClusterView& cluster = *ctx.services().cluster;
  const SteadyClock::time_point deadline = DeadlineOf(request.timeout_ms);
  const int16_t version = ctx.version();
  std::map<std::string, int32_t> counts;
  for (const CreatePartitionsRequest::Topic& topic : request.topics) {
    counts[topic.name] = topic.count;
  }
  auto grown_of = [&counts](const std::vector<TopicResult>& results) {
    std::map<std::string, int32_t> grown;
    for (const TopicResult& result : results) {
      if (result.error_code == ToWire(ErrorCode::kNone)) grown[result.name] = counts[result.name];
    }
    return grown;
  };
  ClusterAdmin* admin = cluster.admin();
  if (admin == nullptr) {
    Result<std::string> body = ForwardToController(ctx, ForwardTimeout(request.timeout_ms));
    if (!body.ok()) {
      CreatePartitionsResponse response;
      for (const CreatePartitionsRequest::Topic& topic : request.topics) {
        response.results.push_back(
            {topic.name, ToWire(ErrorCode::kNotController), NotControllerMessage(body.status())});
      }
      ctx.responder().Answer(response, version, EncodeCreatePartitionsResponse);
      return;
    }
    WireReader reader = ReaderOver(*body);
    if (Result<CreatePartitionsResponse> answer = DecodeCreatePartitionsResponse(reader, version);
        answer.ok() && !request.validate_only) {
      AwaitSnapshot(cluster, AllGrown(grown_of(answer->results)), deadline);
    }
    RelayResponseBody(ctx, *body);
    return;
  }
  std::map<std::string, int> mentions;
  for (const CreatePartitionsRequest::Topic& topic : request.topics) ++mentions[topic.name];
  CreatePartitionsResponse response;
  for (const CreatePartitionsRequest::Topic& topic : request.topics) {
    if (mentions[topic.name] > 1) {
      response.results.push_back({topic.name, ToWire(ErrorCode::kInvalidRequest),
                                  "topic '" + topic.name + "' is listed more than once"});
      continue;
    }
    if (IsInternalTopic(topic.name)) {
      response.results.push_back({topic.name, ToWire(ErrorCode::kInvalidTopicException),
                                  InternalTopicMessage(topic.name)});
      continue;
    }
    std::vector<std::vector<int32_t>> assignments;
    if (topic.assignments) {
      for (const CreatePartitionsRequest::Assignment& a : *topic.assignments) {
        assignments.push_back(a.broker_ids);
      }
    }
    const AdminOutcome outcome =
        admin->CreatePartitions(topic.name, topic.count, assignments, request.validate_only);
    std::optional<std::string> message;
    if (!outcome.ok()) message = outcome.message;
    response.results.push_back({topic.name, ToWire(outcome.error), std::move(message)});
  }
  if (!request.validate_only && request.timeout_ms > 0 &&
      !AwaitSnapshot(cluster, AllGrown(grown_of(response.results)), deadline)) {
    const std::shared_ptr<const ClusterSnapshot> after = cluster.Snapshot();
    for (TopicResult& result : response.results) {
      if (result.error_code != ToWire(ErrorCode::kNone)) continue;
      if (Led(after->FindTopic(result.name), static_cast<size_t>(counts[result.name]))) continue;
      result.error_code = ToWire(ErrorCode::kRequestTimedOut);
      result.error_message = TimedOutMessage("the growth");
    }
  }
  ctx.responder().Answer(response, version, EncodeCreatePartitionsResponse);
}

}  // namespace ringlog
