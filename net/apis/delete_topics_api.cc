// DeleteTopics: deletes each named topic with all its data. Up to v5 topics are named by
// name; from v6 each by name or by id, and every answer carries both the name and the id
// of the topic when it exists. An unknown (or illegal) name is UNKNOWN_TOPIC_OR_PARTITION
// and an unknown id UNKNOWN_TOPIC_ID, as Kafka answers; a topic given both a name and an
// id makes the whole request INVALID_REQUEST, as in Kafka. The request runs on the admin
// worker and is answered once every topic is deleted: the request's timeout is not
// enforced. Every group's committed offsets for a deleted topic go with it; the internal
// offsets topic itself cannot be deleted (INVALID_TOPIC_EXCEPTION). In a cluster the
// controller deletes the topics: net/apis/cluster_topic_admin.h.
#include <glog/logging.h>

#include <optional>
#include <string>

#include "engine/group/group_coordinator.h"
#include "engine/log/internal_topics.h"
#include "engine/log/log_manager.h"
#include "net/apis/admin_handoff.h"
#include "net/apis/apis.h"
#include "net/apis/cluster_topic_admin.h"
#include "net/apis/request_context.h"
#include "net/codec/delete_topics_codec.h"
#include "net/codec/error_code.h"

namespace ringlog {
namespace {

using TopicResult = DeleteTopicsResponse::TopicResult;

ErrorCode DeleteTopic(BrokerServices& services, const std::string& name) {
  if (IsInternalTopic(name)) return ErrorCode::kInvalidTopicException;
  LogManager& logs = *services.logs;
  Status deleted = logs.DeleteTopic(name);
  if (deleted.ok() && services.groups != nullptr) services.groups->OnTopicDeleted(name);
  if (deleted.ok()) {
    LOG(INFO) << "deleted topic " << name;
    return ErrorCode::kNone;
  }
  if (deleted.IsNotFound()) return ErrorCode::kUnknownTopicOrPartition;
  // The topic is gone once its metadata is: partitions whose data could not be removed
  // now are removed when the broker next starts.
  if (!logs.GetTopic(name).ok()) {
    LOG(WARNING) << "deleted topic " << name
                 << "; some data stays until the next start: " << deleted.ToString();
    return ErrorCode::kNone;
  }
  LOG(WARNING) << "deleting topic " << name << ": " << deleted.ToString();
  return ToErrorCode(deleted);
}

// Deletes the topic named `name` (v0-5); v6 also answers with its id.
TopicResult DeleteByName(BrokerServices& services, const std::string& name, int16_t version) {
  TopicResult result;
  result.name = name;
  if (version >= 6) result.topic_id = services.logs->TopicId(name).value_or(Uuid{});
  result.error_code = ToWire(DeleteTopic(services, name));
  return result;
}

TopicResult DeleteById(BrokerServices& services, const Uuid& id) {
  TopicResult result;
  result.topic_id = id;
  result.name = services.logs->TopicName(id);
  result.error_code =
      ToWire(result.name ? DeleteTopic(services, *result.name) : ErrorCode::kUnknownTopicId);
  return result;
}

// v6+: every topic answered with INVALID_REQUEST, for a request naming one topic by both
// name and id.
DeleteTopicsResponse RefuseAll(const DeleteTopicsRequest& request) {
  DeleteTopicsResponse response;
  for (const DeleteTopicsRequest::Topic& topic : request.topics) {
    TopicResult& result = response.responses.emplace_back();
    result.name = topic.name;
    result.topic_id = topic.topic_id;
    result.error_code = ToWire(ErrorCode::kInvalidRequest);
    result.error_message = "a topic is named by both its name and its id";
  }
  return response;
}

// Whether a topic of `request` is named by both its name and its id.
bool NamesByBoth(const DeleteTopicsRequest& request) {
  for (const DeleteTopicsRequest::Topic& topic : request.topics) {
    if (topic.name && !topic.topic_id.IsZero()) return true;
  }
  return false;
}

DeleteTopicsResponse Delete(BrokerServices& services, const DeleteTopicsRequest& request,
                            int16_t version) {
  if (NamesByBoth(request)) return RefuseAll(request);
  DeleteTopicsResponse response;
  for (const std::string& name : request.topic_names) {
    response.responses.push_back(DeleteByName(services, name, version));
  }
  for (const DeleteTopicsRequest::Topic& topic : request.topics) {
    response.responses.push_back(topic.topic_id.IsZero()
                                     ? DeleteByName(services, topic.name.value_or(""), version)
                                     : DeleteById(services, topic.topic_id));
  }
  return response;
}

void ServeDeleteTopics(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<DeleteTopicsRequest> request = DecodeDeleteTopicsRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad DeleteTopics request: " + request.status().ToString());
    return;
  }
  if (ctx.services().cluster != nullptr && !NamesByBoth(*request)) {
    ServeDeleteTopicsInCluster(ctx, *request);
    return;
  }
  const int16_t version = ctx.version();
  const DeleteTopicsResponse response = Delete(ctx.services(), *request, version);
  ctx.responder().Answer(response, version, EncodeDeleteTopicsResponse);
}

void HandleDeleteTopics(RequestContext& ctx) { HandOffToAdmin(ctx, &ServeDeleteTopics); }

}  // namespace

const ApiSpec kDeleteTopicsApi = {ApiKey::kDeleteTopics, kDeleteTopicsMinVersion,
                                  kDeleteTopicsMaxVersion, kDeleteTopicsFirstFlexibleVersion,
                                  &HandleDeleteTopics};

}  // namespace ringlog
