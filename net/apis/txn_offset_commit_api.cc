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
#include "engine/log/log_manager.h"
#include "net/apis/apis.h"
#include "net/apis/group_error_code.h"
#include "net/apis/request_context.h"
#include "net/codec/error_code.h"
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
  for (const TxnOffsetCommitRequest::Topic& topic : request->topics) {
    TxnOffsetCommitResponse::Topic& topic_answer = response.topics.emplace_back();
    topic_answer.name = topic.name;
    for (const TxnOffsetCommitRequest::Partition& p : topic.partitions) {
      TxnOffsetCommitResponse::Partition& answer = topic_answer.partitions.emplace_back();
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
      offset.commit_time = now;
      params.offsets.insert_or_assign(id, std::move(offset));
    }
  }
  const Responder responder = ctx.responder();
  auto answer = [response = std::move(response), responder,
                 version](const std::map<PartitionId, GroupError>& outcome) mutable {
    for (TxnOffsetCommitResponse::Topic& topic : response.topics) {
      for (TxnOffsetCommitResponse::Partition& p : topic.partitions) {
        auto it = outcome.find(PartitionId{topic.name, p.partition_index});
        if (it != outcome.end()) p.error_code = GroupErrorCode(it->second);
      }
    }
    responder.Respond(
        [&](WireWriter& writer) { EncodeTxnOffsetCommitResponse(writer, response, version); });
  };
  if (services.groups == nullptr || params.offsets.empty()) {
    std::map<PartitionId, GroupError> refused;
    for (const auto& [id, offset] : params.offsets) {
      refused.emplace(id, GroupError::kCoordinatorNotAvailable);
    }
    answer(refused);
    return;
  }
  services.groups->CommitTxnOffsets(std::move(params), std::move(answer));
}

}  // namespace

const ApiSpec kTxnOffsetCommitApi = {ApiKey::kTxnOffsetCommit, kTxnOffsetCommitMinVersion,
                                     kTxnOffsetCommitMaxVersion,
                                     kTxnOffsetCommitFirstFlexibleVersion, &HandleTxnOffsetCommit};

}  // namespace ringlog
