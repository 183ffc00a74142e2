#include "net/apis/topic_lookup.h"

#include <glog/logging.h>

#include "engine/log/log_manager.h"

namespace ringlog {

TopicLookup FindTopic(const BrokerServices& services, std::string_view name,
                      bool request_allows_creation) {
  if (!ValidateTopicName(name).ok()) return {ErrorCode::kInvalidTopicException, 0};
  if (Result<TopicInfo> topic = services.logs->GetTopic(name); topic.ok()) {
    return {ErrorCode::kNone, topic->partitions};
  }
  const bool to_create = request_allows_creation && services.config.auto_create_topics_enable;
  return {ErrorCode::kUnknownTopicOrPartition, 0, to_create};
}

TopicLookup FindOrCreateTopic(BrokerServices& services, std::string_view name,
                              bool request_allows_creation) {
  TopicLookup found = FindTopic(services, name, request_allows_creation);
  if (!found.to_create) return found;
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
