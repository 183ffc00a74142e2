// EndTxn: a transactional producer commits or aborts its transaction. The coordinator
// logs PrepareCommit/PrepareAbort, has the markers written and answers once Complete*
// takes effect, or after a bounded wait (engine/txn/transaction_coordinator.h); a producer
// that begins its next transaction before completion is told CONCURRENT_TRANSACTIONS and
// retries.
#include "engine/txn/transaction_coordinator.h"
#include "net/apis/apis.h"
#include "net/apis/request_context.h"
#include "net/apis/txn_error_code.h"
#include "net/codec/end_txn_codec.h"
#include "net/codec/error_code.h"

namespace ringlog {
namespace {

void HandleEndTxn(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  const int16_t version = ctx.version();
  Result<EndTxnRequest> request = DecodeEndTxnRequest(reader, version);
  if (!request.ok()) {
    ctx.responder().Close("bad EndTxn request: " + request.status().ToString());
    return;
  }
  const Responder responder = ctx.responder();
  auto answer = [responder, version](int16_t code) {
    EndTxnResponse response;
    response.error_code = code;
    responder.Answer(response, version, EncodeEndTxnResponse);
  };
  TransactionCoordinator* txns = ctx.services().txns;
  if (txns == nullptr) {
    answer(ToWire(ErrorCode::kCoordinatorNotAvailable));
    return;
  }
  EndTxnParams params;
  params.transactional_id = request->transactional_id;
  params.producer_id = request->producer_id;
  params.producer_epoch = request->producer_epoch;
  params.commit = request->committed;
  txns->EndTxn(params, [answer, version](TxnError error) {
    answer(TxnErrorCode(error, ApiKey::kEndTxn, version));
  });
}

}  // namespace

const ApiSpec kEndTxnApi = {ApiKey::kEndTxn, kEndTxnMinVersion, kEndTxnMaxVersion,
                            kEndTxnFirstFlexibleVersion, &HandleEndTxn};

}  // namespace ringlog
