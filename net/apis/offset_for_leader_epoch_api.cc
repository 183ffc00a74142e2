// OffsetForLeaderEpoch: where a leader epoch ends in this broker's log (KIP-101, KIP-320).
// A follower asks it for its latest epoch and truncates what lies past the answer; a
// consumer asks it after a leader change to find out whether the log it read was cut.
// The answer is PartitionLog::EndOffsetForEpoch: the largest epoch at or below the one
// asked for, and where it ends (the next epoch's start, or the log end for the latest).
//
// In a cluster only the partition's leader answers (net/apis/partition_route.h); a
// current_leader_epoch (v2+) other than the one it leads at is fenced as in Fetch
// (net/apis/leader_epoch_check.h). The single broker answers from its local log.
#include <memory>
#include <string>

#include "engine/log/log_manager.h"
#include "net/apis/apis.h"
#include "net/apis/leader_epoch_check.h"
#include "net/apis/partition_route.h"
#include "net/apis/request_context.h"
#include "net/codec/error_code.h"
#include "net/codec/offset_for_leader_epoch_codec.h"

namespace ringlog {
namespace {

OffsetForLeaderEpochResponse::Partition EndOf(const BrokerServices& services,
                                              const std::string& topic,
                                              const OffsetForLeaderEpochRequest::Partition& asked) {
  OffsetForLeaderEpochResponse::Partition answer;
  answer.partition = asked.partition;
  const PartitionId id{topic, asked.partition};
  if (const ErrorCode route = RoutePartition(services.cluster, id); route != ErrorCode::kNone) {
    answer.error_code = ToWire(route);
    return answer;
  }
  std::shared_ptr<PartitionLog> log = services.logs->GetPartition(id);
  if (log == nullptr) {
    answer.error_code = ToWire(ErrorCode::kUnknownTopicOrPartition);
    return answer;
  }
  if (const ErrorCode fenced =
          CheckLeaderEpoch(asked.current_leader_epoch, ServedLeaderEpoch(services, *log));
      fenced != ErrorCode::kNone) {
    answer.error_code = ToWire(fenced);
    return answer;
  }
  const EpochEndOffset end = log->EndOffsetForEpoch(asked.leader_epoch);
  answer.leader_epoch = end.epoch;
  answer.end_offset = end.end_offset;
  return answer;
}

void HandleOffsetForLeaderEpoch(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<OffsetForLeaderEpochRequest> request =
      DecodeOffsetForLeaderEpochRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad OffsetForLeaderEpoch request: " + request.status().ToString());
    return;
  }
  OffsetForLeaderEpochResponse response;
  for (const OffsetForLeaderEpochRequest::Topic& topic : request->topics) {
    OffsetForLeaderEpochResponse::Topic& answer = response.topics.emplace_back();
    answer.topic = topic.topic;
    for (const OffsetForLeaderEpochRequest::Partition& p : topic.partitions) {
      answer.partitions.push_back(EndOf(ctx.services(), topic.topic, p));
    }
  }
  ctx.responder().Answer(response, ctx.version(), EncodeOffsetForLeaderEpochResponse);
}

}  // namespace

const ApiSpec kOffsetForLeaderEpochApi = {
    ApiKey::kOffsetForLeaderEpoch, kOffsetForLeaderEpochMinVersion, kOffsetForLeaderEpochMaxVersion,
    kOffsetForLeaderEpochFirstFlexibleVersion, &HandleOffsetForLeaderEpoch};

}  // namespace ringlog
