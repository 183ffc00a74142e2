// OffsetCommit: stores a group's consumed positions. Each partition answers on its own:
// UNKNOWN_TOPIC_OR_PARTITION for a partition that does not exist, OFFSET_METADATA_TOO_LARGE
// for metadata above the coordinator's limit, otherwise the group's verdict on the
// committer (a member of the current generation, or generation -1 for a group without
// members) and, once accepted, the outcome of the durable write: the answer goes out only
// after the commit records are flushed. The retention time of v2-4 is ignored: offsets
// live until their group or topic is deleted. v9 calls the generation a member epoch
// (KIP-848); for the classic groups ringlog keeps it is the generation still.
#include <map>
#include <memory>
#include <utility>

#include "engine/group/group_coordinator.h"
#include "engine/log/log_manager.h"
#include "net/apis/apis.h"
#include "net/apis/group_error_code.h"
#include "net/apis/request_context.h"
#include "net/codec/error_code.h"
#include "net/codec/offset_commit_codec.h"

namespace ringlog {
namespace {

void HandleOffsetCommit(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<OffsetCommitRequest> request = DecodeOffsetCommitRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad OffsetCommit request: " + request.status().ToString());
    return;
  }
  const BrokerServices& services = ctx.services();
  const TimestampMs now = services.clock->NowMs();
  OffsetCommitParams params;
  params.group_id = request->group_id;
  params.generation_id = request->generation_id;
  params.member = MemberRef{request->member_id, request->group_instance_id};
  OffsetCommitResponse response;
  for (const OffsetCommitRequest::Topic& topic : request->topics) {
    OffsetCommitResponse::Topic& topic_answer = response.topics.emplace_back();
    topic_answer.name = topic.name;
    for (const OffsetCommitRequest::Partition& p : topic.partitions) {
      OffsetCommitResponse::Partition& answer = topic_answer.partitions.emplace_back();
      answer.partition_index = p.partition_index;
      const PartitionId id{topic.name, p.partition_index};
      if (services.logs->GetPartition(id) == nullptr) {
        answer.error_code = ToWire(ErrorCode::kUnknownTopicOrPartition);
        continue;
      }
      CommittedOffset offset;
      offset.offset = p.committed_offset;
      offset.leader_epoch = p.committed_leader_epoch;
      offset.metadata = p.committed_metadata;
      offset.commit_time = p.commit_timestamp_ms >= 0 ? p.commit_timestamp_ms : now;
      params.offsets.insert_or_assign(id, std::move(offset));
    }
  }
  const int16_t version = ctx.version();
  const Responder responder = ctx.responder();
  auto answer = [response = std::move(response), responder,
                 version](const std::map<PartitionId, GroupError>& outcome) mutable {
    for (OffsetCommitResponse::Topic& topic : response.topics) {
      for (OffsetCommitResponse::Partition& p : topic.partitions) {
        auto it = outcome.find(PartitionId{topic.name, p.partition_index});
        if (it != outcome.end()) p.error_code = GroupErrorCode(it->second);
      }
    }
    responder.Respond(
        [&](WireWriter& writer) { EncodeOffsetCommitResponse(writer, response, version); });
  };
  if (services.groups == nullptr) {
    std::map<PartitionId, GroupError> refused;
    for (const auto& [id, offset] : params.offsets) {
      refused.emplace(id, GroupError::kCoordinatorNotAvailable);
    }
    answer(refused);
    return;
  }
  services.groups->CommitOffsets(std::move(params), std::move(answer));
}

}  // namespace

const ApiSpec kOffsetCommitApi = {ApiKey::kOffsetCommit, kOffsetCommitMinVersion,
                                  kOffsetCommitMaxVersion, kOffsetCommitFirstFlexibleVersion,
                                  &HandleOffsetCommit};

}  // namespace ringlog
