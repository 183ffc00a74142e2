// DeleteTopics: deletes each named topic with all its data. An unknown (or illegal) name
// is UNKNOWN_TOPIC_OR_PARTITION, as Kafka answers. The request runs on the admin worker and
// is answered once every topic is deleted: the request's timeout is not enforced. Every group's
// committed offsets for a deleted topic go with it; the internal offsets topic itself cannot be
// deleted (INVALID_TOPIC_EXCEPTION).
#include <glog/logging.h>

#include <string>

#include "engine/group/group_coordinator.h"
#include "engine/log/internal_topics.h"
#include "engine/log/log_manager.h"
#include "net/apis/admin_handoff.h"
#include "net/apis/apis.h"
#include "net/apis/request_context.h"
#include "net/codec/delete_topics_codec.h"
#include "net/codec/error_code.h"

namespace ringlog {
namespace {

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

void ServeDeleteTopics(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<DeleteTopicsRequest> request = DecodeDeleteTopicsRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad DeleteTopics request: " + request.status().ToString());
    return;
  }
  DeleteTopicsResponse response;
  for (const std::string& name : request->topic_names) {
    response.responses.push_back({name, ToWire(DeleteTopic(ctx.services(), name))});
  }
  const int16_t version = ctx.version();
  ctx.responder().Respond(
      [&](WireWriter& writer) { EncodeDeleteTopicsResponse(writer, response, version); });
}

void HandleDeleteTopics(RequestContext& ctx) { HandOffToAdmin(ctx, &ServeDeleteTopics); }

}  // namespace

const ApiSpec kDeleteTopicsApi = {ApiKey::kDeleteTopics, kDeleteTopicsMinVersion,
                                  kDeleteTopicsMaxVersion, /*first_flexible_version=*/4,
                                  &HandleDeleteTopics};

}  // namespace ringlog
