// TxnOffsetCommit: a transactional producer commits a group's offsets inside its
// transaction. The group coordinator stores them as the producer's pending offsets
// (engine/group/group_coordinator.h); the transaction's COMMIT marker makes them the
// group's committed offsets and its ABORT drops them. Each partition answers on its own:
// UNKNOWN_TOPIC_OR_PARTITION for a partition that does not exist, else the coordinator's
// verdict (the membership checks of v3+ when a generation is given, a fenced producer
// epoch) once the pending offsets are durable.
#include <map>
#include <utility>

#include "engine/group/group_coordinator.h"
#include "net/apis/apis.h"
#include "net/apis/offset_commit_parts.h"
#include "net/apis/request_context.h"
#include "net/codec/txn_offset_commit_codec.h"

namespace ringlog {
namespace {

void HandleTxnOffsetCommit(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  const int16_t version = ctx.version();
  Result<TxnOffsetCommitRequest> request = DecodeTxnOffsetCommitRequest(reader, version);
  if (!request.ok()) {
    ctx.responder().Close("bad TxnOffsetCommit request: " + request.status().ToString());
    return;
  }
  const BrokerServices& services = ctx.services();
  const TimestampMs now = services.clock->NowMs();
  TxnOffsetCommitParams params;
  params.group_id = request->group_id;
  params.producer_id = request->producer_id;
  params.producer_epoch = request->producer_epoch;
  params.generation_id = request->generation_id;
  params.member = MemberRef{request->member_id, request->group_instance_id};
  TxnOffsetCommitResponse response;
  params.offsets =
      CollectCommitOffsets(*services.logs, *request, response,
                           [now](const TxnOffsetCommitRequest::Partition&) { return now; });
  const Responder responder = ctx.responder();
  auto answer = [response = std::move(response), responder,
                 version](const std::map<PartitionId, GroupError>& outcome) mutable {
    ApplyGroupOutcome(response, outcome);
    responder.Answer(response, version, EncodeTxnOffsetCommitResponse);
  };
  if (services.groups == nullptr || params.offsets.empty()) {
    answer(RefuseAll(params.offsets));
    return;
  }
  services.groups->CommitTxnOffsets(std::move(params), std::move(answer));
}

}  // namespace

const ApiSpec kTxnOffsetCommitApi = {ApiKey::kTxnOffsetCommit, kTxnOffsetCommitMinVersion,
                                     kTxnOffsetCommitMaxVersion,
                                     kTxnOffsetCommitFirstFlexibleVersion, &HandleTxnOffsetCommit};

}  // namespace ringlog
