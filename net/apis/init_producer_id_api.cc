// InitProducerId: gives a producer its producer id and epoch. Without a transactional id
// (an idempotent producer) and without a producer id (-1, -1) the answer is a new id from
// the durable allocator with epoch 0. With the id and epoch it holds (v3+, KIP-360: a
// producer that lost track of its sequences asks for a bump) the answer is the same id
// with the next epoch, or a new id when the epoch is used up or the id is not one this
// broker handed out. With a transactional id the transaction coordinator answers
// (engine/txn/transaction_coordinator.h): it fences older epochs and ends what an older
// incarnation left open; a broker without one refuses the id.
#include <glog/logging.h>

#include <cstdint>
#include <limits>
#include <string>

#include "engine/producer/producer_id_allocator.h"
#include "engine/txn/transaction_coordinator.h"
#include "net/apis/apis.h"
#include "net/apis/request_context.h"
#include "net/apis/txn_error_code.h"
#include "net/codec/error_code.h"
#include "net/codec/init_producer_id_codec.h"
#include "net/server/peer_log.h"

namespace ringlog {
namespace {

// Kafka gives a new id rather than let the epoch reach the int16 maximum.
constexpr int16_t kLastUsableEpoch = std::numeric_limits<int16_t>::max() - 1;

InitProducerIdResponse Refuse(ErrorCode error) {
  InitProducerIdResponse response;
  response.error_code = ToWire(error);
  return response;
}

// A new id with epoch 0, or KAFKA_STORAGE_ERROR when its block could not be stored: a
// retriable code, so librdkafka and the Java client ask again (librdkafka retries every
// non-fatal InitProducerId error; Java's KafkaStorageException is retriable). The block's
// meta write runs here on the event loop, once per block of 1000 ids, as DeleteRecords
// stores its start offset: too rare to be worth a hand-off to the admin worker.
InitProducerIdResponse NewProducerId(ProducerIdAllocator& allocator) {
  Result<int64_t> id = allocator.Next();
  if (!id.ok()) {
    LOG(ERROR) << "no producer id for InitProducerId: " << id.status().ToString();
    return Refuse(ErrorCode::kKafkaStorageError);
  }
  InitProducerIdResponse response;
  response.producer_id = *id;
  response.producer_epoch = 0;
  return response;
}

InitProducerIdResponse Grant(const InitProducerIdRequest& request, ProducerIdAllocator& allocator) {
  if (request.producer_id == kNoProducerId) return NewProducerId(allocator);
  // An id this broker never handed out may still come from Next later, to another
  // producer; bumping it would let two producers share one id's state in the partitions.
  // The producer is given an id of its own instead.
  if (!allocator.Issued(request.producer_id)) return NewProducerId(allocator);
  if (request.producer_epoch >= kLastUsableEpoch) return NewProducerId(allocator);
  InitProducerIdResponse response;
  response.producer_id = request.producer_id;
  response.producer_epoch = static_cast<int16_t>(request.producer_epoch + 1);
  return response;
}

// Hands a transactional id to the coordinator, which answers once its state is logged.
void InitTransactional(RequestContext& ctx, const InitProducerIdRequest& request) {
  InitProducerIdParams params;
  params.transactional_id = *request.transactional_id;
  params.transaction_timeout_ms = request.transaction_timeout_ms;
  params.producer_id = request.producer_id;
  params.producer_epoch = request.producer_epoch;
  const int16_t version = ctx.version();
  const Responder responder = ctx.responder();
  ctx.services().txns->InitProducerId(params, [responder, version](const InitProducerIdResult& r) {
    InitProducerIdResponse response;
    response.error_code = TxnErrorCode(r.error, ApiKey::kInitProducerId, version);
    if (r.error == TxnError::kNone) {
      response.producer_id = r.producer_id;
      response.producer_epoch = r.producer_epoch;
    }
    responder.Answer(response, version, EncodeInitProducerIdResponse);
  });
}

void HandleInitProducerId(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<InitProducerIdRequest> request = DecodeInitProducerIdRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad InitProducerId request: " + request.status().ToString());
    return;
  }
  ProducerIdAllocator* allocator = ctx.services().producer_ids;
  const bool transactional = request->transactional_id.has_value();
  InitProducerIdResponse response;
  // As Kafka: the id and the epoch come together or not at all.
  if ((request->producer_id != kNoProducerId) != (request->producer_epoch != kNoProducerEpoch) ||
      request->producer_epoch < kNoProducerEpoch) {
    response = Refuse(ErrorCode::kInvalidRequest);
  } else if (transactional && ctx.services().txns != nullptr) {
    InitTransactional(ctx, *request);
    return;
  } else if (transactional) {
    // Kafka has no code for "transactions unsupported"; INVALID_REQUEST is the nearest
    // true one (its text: a request sent to an incompatible broker, see the broker log)
    // and no client retries it, unlike COORDINATOR_NOT_AVAILABLE, which would have the
    // producer wait until it times out.
    LogPeerWarning(ctx.connection().peer, "InitProducerId for transactional id '" +
                                              *request->transactional_id +
                                              "' refused: this broker does not serve transactions");
    response = Refuse(ErrorCode::kInvalidRequest);
  } else if (allocator == nullptr) {
    response = Refuse(ErrorCode::kCoordinatorNotAvailable);
  } else {
    response = Grant(*request, *allocator);
  }
  ctx.responder().Answer(response, ctx.version(), EncodeInitProducerIdResponse);
}

}  // namespace

const ApiSpec kInitProducerIdApi = {ApiKey::kInitProducerId, kInitProducerIdMinVersion,
                                    kInitProducerIdMaxVersion, kInitProducerIdFirstFlexibleVersion,
                                    &HandleInitProducerId};

}  // namespace ringlog
