#include "net/apis/cluster_topic_creation.h"

#include <glog/logging.h>

#include <algorithm>
#include <cstdint>
#include <span>
#include <utility>

#include "engine/log/internal_topics.h"
#include "net/apis/controller_forward.h"
#include "net/codec/create_topics_codec.h"
#include "net/codec/wire_reader.h"

namespace ringlog {
namespace {

// The CreateTopics version of the broker's own requests (not flexible: v0-4 are classic),
// the first that takes -1 for both defaults.
constexpr int16_t kOwnCreateTopicsVersion = 4;

CreateTopicsRequest RequestFor(const NewTopic& topic, int32_t timeout_ms) {
  CreateTopicsRequest request;
  request.timeout_ms = timeout_ms;
  CreateTopicsRequest::Topic& asked = request.topics.emplace_back();
  asked.name = topic.name;
  asked.num_partitions = topic.partitions;
  asked.replication_factor = topic.replication_factor;
  for (const auto& [partition, brokers] : topic.assignments) {
    asked.assignments.push_back({partition, brokers});
  }
  for (const auto& [name, value] : topic.configs) asked.configs.push_back({name, value});
  return request;
}

AdminOutcome Forward(ClusterView& cluster, const NewTopic& topic,
                     std::chrono::milliseconds timeout) {
  // The controller waits for its own metadata at most half the time, so that its answer
  // comes back before this broker stops waiting for it.
  const CreateTopicsRequest request = RequestFor(topic, static_cast<int32_t>(timeout.count() / 2));
  Result<std::string> body = CallController(
      cluster, ApiKey::kCreateTopics, kOwnCreateTopicsVersion, /*flexible=*/false,
      [&](WireWriter& writer) {
        EncodeCreateTopicsRequest(writer, request, kOwnCreateTopicsVersion);
      },
      timeout);
  if (!body.ok()) {
    return {ErrorCode::kNotController,
            "the controller is not reachable: " + body.status().ToString()};
  }
  WireReader reader(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(body->data()), body->size()));
  Result<CreateTopicsResponse> response =
      DecodeCreateTopicsResponse(reader, kOwnCreateTopicsVersion);
  if (!response.ok() || response->topics.size() != 1) {
    return {ErrorCode::kUnknownServerError, "the controller's CreateTopics answer is unreadable"};
  }
  const CreateTopicsResponse::TopicResult& result = response->topics.front();
  return {static_cast<ErrorCode>(result.error_code), result.error_message.value_or("")};
}

}  // namespace

NewTopic AutoCreatedTopic(const BrokerConfig& config, std::string name) {
  NewTopic topic;
  topic.name = std::move(name);
  topic.partitions = config.num_partitions;
  topic.replication_factor = config.default_replication_factor;
  return topic;
}

NewTopic OffsetsTopic(const BrokerConfig& config, size_t live_brokers) {
  NewTopic topic;
  topic.name = std::string(kConsumerOffsetsTopic);
  topic.partitions = config.offsets_topic_num_partitions;
  const auto cap = static_cast<int16_t>(std::clamp<size_t>(live_brokers, 1, INT16_MAX));
  topic.replication_factor = std::min(config.offsets_topic_replication_factor, cap);
  // Committed offsets live until their group or topic is deleted.
  topic.configs = {{"retention.ms", "-1"}, {"retention.bytes", "-1"}};
  return topic;
}

NewTopic TransactionStateTopic(const BrokerConfig& config, size_t live_brokers) {
  NewTopic topic;
  topic.name = std::string(kTransactionStateTopic);
  topic.partitions = config.transaction_state_num_partitions;
  const auto cap = static_cast<int16_t>(std::clamp<size_t>(live_brokers, 1, INT16_MAX));
  topic.replication_factor = std::min(config.transaction_state_replication_factor, cap);
  // The store drops superseded records itself (TxnStateStore::MaybeCompact).
  topic.configs = {{"retention.ms", "-1"}, {"retention.bytes", "-1"}};
  return topic;
}

AdminOutcome CreateTopicByController(BrokerServices& services, const NewTopic& topic,
                                     std::chrono::milliseconds timeout) {
  ClusterView* cluster = services.cluster;
  CHECK(cluster != nullptr) << "creating a topic by the controller needs a cluster";
  AdminOutcome outcome = cluster->admin() != nullptr
                             ? cluster->admin()->CreateTopic(topic, /*validate_only=*/false)
                             : Forward(*cluster, topic, timeout);
  if (outcome.error == ErrorCode::kTopicAlreadyExists) return {};
  if (outcome.ok()) {
    LOG(INFO) << "asked the controller to create topic " << topic.name;
  } else {
    LOG(WARNING) << "the controller did not create topic " << topic.name << ": " << outcome.message;
  }
  return outcome;
}

}  // namespace ringlog
