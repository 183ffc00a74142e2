// OffsetCommit: stores a group's consumed positions. Each partition answers on its own:
// UNKNOWN_TOPIC_OR_PARTITION for a partition that does not exist, OFFSET_METADATA_TOO_LARGE
// for metadata above the coordinator's limit, otherwise the group's verdict on the
// committer (a member of the current generation, or generation -1 for a group without
// members) and, once accepted, the outcome of the durable write: the answer goes out only
// after the commit records are flushed. The retention time of v2-4 is ignored: offsets
// live until their group or topic is deleted. v9 calls the generation a member epoch
// (KIP-848); for the classic groups ringlog keeps it is the generation still.
#include <map>
#include <utility>

#include "engine/group/group_coordinator.h"
#include "net/apis/apis.h"
#include "net/apis/offset_commit_parts.h"
#include "net/apis/request_context.h"
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
  params.offsets = CollectCommitOffsets(
      *services.logs, *request, response, [now](const OffsetCommitRequest::Partition& p) {
        return p.commit_timestamp_ms >= 0 ? p.commit_timestamp_ms : now;
      });
  const int16_t version = ctx.version();
  const Responder responder = ctx.responder();
  auto answer = [response = std::move(response), responder,
                 version](const std::map<PartitionId, GroupError>& outcome) mutable {
    ApplyGroupOutcome(response, outcome);
    responder.Answer(response, version, EncodeOffsetCommitResponse);
  };
  if (services.groups == nullptr) {
    answer(RefuseAll(params.offsets));
    return;
  }
  services.groups->CommitOffsets(std::move(params), std::move(answer));
}

}  // namespace

const ApiSpec kOffsetCommitApi = {ApiKey::kOffsetCommit, kOffsetCommitMinVersion,
                                  kOffsetCommitMaxVersion, kOffsetCommitFirstFlexibleVersion,
                                  &HandleOffsetCommit};

}  // namespace ringlog
