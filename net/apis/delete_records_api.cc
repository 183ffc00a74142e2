// DeleteRecords: moves a partition's log start offset forward, so records below it are no
// longer served and retention removes the segments wholly below it. Offset -1 means the
// high watermark; an offset below the current start changes nothing. Each partition
// answers with its log start offset afterwards (the low watermark), or
// UNKNOWN_TOPIC_OR_PARTITION, or OFFSET_OUT_OF_RANGE for an offset below -1 or past the
// high watermark. The records of an internal topic are the broker's own state and
// cannot be deleted (INVALID_TOPIC_EXCEPTION, as in Kafka). The new start is durable
// before the answer.
#include <glog/logging.h>

#include <memory>
#include <string>

#include "engine/log/internal_topics.h"
#include "engine/log/log_manager.h"
#include "net/apis/apis.h"
#include "net/apis/partition_route.h"
#include "net/apis/request_context.h"
#include "net/codec/delete_records_codec.h"
#include "net/codec/error_code.h"

namespace ringlog {
namespace {

constexpr int64_t kHighWatermarkOffset = -1;

DeleteRecordsResponse::Partition DeleteBefore(LogManager& logs, const ClusterView* cluster,
                                              const std::string& topic,
                                              const DeleteRecordsRequest::Partition& asked) {
  DeleteRecordsResponse::Partition answer;
  answer.partition_index = asked.partition_index;
  if (IsInternalTopic(topic)) {
    answer.error_code = ToWire(ErrorCode::kInvalidTopicException);
    return answer;
  }
  const PartitionId id{topic, asked.partition_index};
  if (const ErrorCode route = RoutePartition(cluster, id); route != ErrorCode::kNone) {
    answer.error_code = ToWire(route);
    return answer;
  }
  std::shared_ptr<PartitionLog> log = logs.GetPartition(id);
  if (log == nullptr) {
    answer.error_code = ToWire(ErrorCode::kUnknownTopicOrPartition);
    return answer;
  }
  const Offset offset = asked.offset == kHighWatermarkOffset ? log->high_watermark() : asked.offset;
  if (offset < 0) {
    answer.error_code = ToWire(ErrorCode::kOffsetOutOfRange);
    return answer;
  }
  if (Status deleted = log->DeleteRecordsBefore(offset); !deleted.ok()) {
    // OutOfRange (past the high watermark) is the client's mistake; anything else is not.
    if (!deleted.IsOutOfRange()) {
      LOG(WARNING) << "deleting records of " << log->id().ToString() << " before " << offset << ": "
                   << deleted.ToString();
    }
    answer.error_code = ToWire(ToErrorCode(deleted));
    return answer;
  }
  answer.low_watermark = log->log_start_offset();
  return answer;
}

void HandleDeleteRecords(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<DeleteRecordsRequest> request = DecodeDeleteRecordsRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad DeleteRecords request: " + request.status().ToString());
    return;
  }
  DeleteRecordsResponse response;
  for (const DeleteRecordsRequest::Topic& topic : request->topics) {
    DeleteRecordsResponse::Topic& answer = response.topics.emplace_back();
    answer.name = topic.name;
    for (const DeleteRecordsRequest::Partition& p : topic.partitions) {
      answer.partitions.push_back(
          DeleteBefore(*ctx.services().logs, ctx.services().cluster, topic.name, p));
    }
  }
  ctx.responder().Answer(response, ctx.version(), EncodeDeleteRecordsResponse);
}

}  // namespace

const ApiSpec kDeleteRecordsApi = {ApiKey::kDeleteRecords, kDeleteRecordsMinVersion,
                                   kDeleteRecordsMaxVersion, kDeleteRecordsFirstFlexibleVersion,
                                   &HandleDeleteRecords};

}  // namespace ringlog
