// AddOffsetsToTxn: a transactional producer adds a consumer group's partition of
// __consumer_offsets to its transaction, before it commits the group's offsets in it
// (TxnOffsetCommit); the coordinator answers once the addition is logged.
#include "engine/txn/transaction_coordinator.h"
#include "net/apis/apis.h"
#include "net/apis/request_context.h"
#include "net/apis/txn_error_code.h"
#include "net/codec/add_offsets_to_txn_codec.h"
#include "net/codec/error_code.h"

namespace ringlog {
namespace {

void HandleAddOffsetsToTxn(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  const int16_t version = ctx.version();
  Result<AddOffsetsToTxnRequest> request = DecodeAddOffsetsToTxnRequest(reader, version);
  if (!request.ok()) {
    ctx.responder().Close("bad AddOffsetsToTxn request: " + request.status().ToString());
    return;
  }
  const Responder responder = ctx.responder();
  auto answer = [responder, version](int16_t code) {
    AddOffsetsToTxnResponse response;
    response.error_code = code;
    responder.Answer(response, version, EncodeAddOffsetsToTxnResponse);
  };
  TransactionCoordinator* txns = ctx.services().txns;
  if (txns == nullptr) {
    answer(ToWire(ErrorCode::kCoordinatorNotAvailable));
    return;
  }
  txns->AddOffsets(request->transactional_id, request->producer_id, request->producer_epoch,
                   request->group_id, [answer, version](TxnError error) {
                     answer(TxnErrorCode(error, ApiKey::kAddOffsetsToTxn, version));
                   });
}

}  // namespace

const ApiSpec kAddOffsetsToTxnApi = {ApiKey::kAddOffsetsToTxn, kAddOffsetsToTxnMinVersion,
                                     kAddOffsetsToTxnMaxVersion,
                                     kAddOffsetsToTxnFirstFlexibleVersion, &HandleAddOffsetsToTxn};

}  // namespace ringlog
