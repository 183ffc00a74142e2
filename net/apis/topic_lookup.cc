#include "net/apis/topic_lookup.h"

#include <glog/logging.h>

#include <chrono>
#include <memory>

#include "engine/log/internal_topics.h"
#include "engine/log/log_manager.h"
#include "net/apis/cluster_topic_creation.h"
#include "net/cluster/cluster_view.h"

namespace ringlog {
namespace {

// How long auto-creation may wait for the controller.
constexpr std::chrono::milliseconds kAutoCreateTimeout{10000};

// The partition count of `name` in the cluster's snapshot, or -1.
int32_t ClusterPartitions(const ClusterView& cluster, std::string_view name) {
  const std::shared_ptr<const ClusterSnapshot> snapshot = cluster.Snapshot();
  const ClusterTopic* topic = snapshot->FindTopic(name);
  return topic == nullptr ? -1 : static_cast<int32_t>(topic->partitions.size());
}

}  // namespace

TopicLookup FindTopic(const BrokerServices& services, std::string_view name,
                      bool request_allows_creation) {
  if (!ValidateTopicName(name).ok()) return {ErrorCode::kInvalidTopicException, 0};
  if (services.cluster != nullptr) {
    if (const int32_t partitions = ClusterPartitions(*services.cluster, name); partitions >= 0) {
      return {ErrorCode::kNone, partitions};
    }
  } else if (Result<TopicInfo> topic = services.logs->GetTopic(name); topic.ok()) {
    return {ErrorCode::kNone, topic->partitions};
  }
  const bool to_create = request_allows_creation && services.config.auto_create_topics_enable;
  return {ErrorCode::kUnknownTopicOrPartition, 0, to_create};
}

TopicLookup FindOrCreateTopic(BrokerServices& services, std::string_view name,
                              bool request_allows_creation) {
  TopicLookup found = FindTopic(services, name, request_allows_creation);
  if (!found.to_create) return found;
  if (services.cluster != nullptr) {
    const NewTopic topic =
        IsInternalTopic(name)
            ? OffsetsTopic(services.config, services.cluster->Snapshot()->brokers.size())
            : AutoCreatedTopic(services.config, std::string(name));
    const AdminOutcome created = CreateTopicByController(services, topic, kAutoCreateTimeout);
    // A controller that is away or slow is the client's cue to ask again, as for a topic
    // whose leaders are not placed yet.
    const bool retry = created.ok() || created.error == ErrorCode::kNotController ||
                       created.error == ErrorCode::kRequestTimedOut;
    return {retry ? ErrorCode::kLeaderNotAvailable : created.error, 0};
  }
  Status created = services.logs->CreateTopic(name, services.config.num_partitions, {});
  if (created.ok()) {
    LOG(INFO) << "auto-created topic " << name << " with " << services.config.num_partitions
              << " partitions";
  } else if (!created.IsAlreadyExists()) {
    LOG(ERROR) << "auto-creating topic " << name << ": " << created.ToString();
    return {ToErrorCode(created), 0};
  }
  Result<TopicInfo> topic = services.logs->GetTopic(name);
  // Deleted again between the two calls: the client retries.
  if (!topic.ok()) return {ErrorCode::kUnknownTopicOrPartition, 0};
  return {ErrorCode::kNone, topic->partitions};
}

}  // namespace ringlog
