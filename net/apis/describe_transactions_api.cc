// DescribeTransactions: the state of transactional ids this broker coordinates — state,
// timeout, start time, producer id and epoch, and the partitions of the transaction,
// grouped by topic. Each id answers on its own: NOT_COORDINATOR for an id of a partition
// not loaded here, TRANSACTIONAL_ID_NOT_FOUND for an unknown one, with the other fields
// left at their defaults, as Kafka does.
#include <string>
#include <utility>

#include "engine/txn/transaction_coordinator.h"
#include "net/apis/apis.h"
#include "net/apis/request_context.h"
#include "net/apis/txn_error_code.h"
#include "net/codec/describe_transactions_codec.h"
#include "net/codec/error_code.h"

namespace ringlog {
namespace {

using Shown = DescribeTransactionsResponse::TransactionState;

Shown Describe(const TransactionCoordinator* txns, const std::string& id, int16_t version) {
  Shown shown;
  shown.transactional_id = id;
  if (txns == nullptr) {
    shown.error_code = ToWire(ErrorCode::kCoordinatorNotAvailable);
    return shown;
  }
  TxnDescription txn = txns->DescribeTransaction(id);
  shown.error_code = TxnErrorCode(txn.error, ApiKey::kDescribeTransactions, version);
  if (txn.error != TxnError::kNone) return shown;
  shown.transaction_state = std::string(TxnStateName(txn.state));
  shown.transaction_timeout_ms = txn.transaction_timeout_ms;
  shown.transaction_start_time_ms = txn.start_timestamp;
  shown.producer_id = txn.producer_id;
  shown.producer_epoch = txn.producer_epoch;
  // The partitions come sorted, so each topic's are adjacent.
  for (PartitionId& partition : txn.partitions) {
    if (shown.topics.empty() || shown.topics.back().topic != partition.topic) {
      shown.topics.emplace_back().topic = std::move(partition.topic);
    }
    shown.topics.back().partitions.push_back(partition.partition);
  }
  return shown;
}

void HandleDescribeTransactions(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  const int16_t version = ctx.version();
  Result<DescribeTransactionsRequest> request = DecodeDescribeTransactionsRequest(reader, version);
  if (!request.ok()) {
    ctx.responder().Close("bad DescribeTransactions request: " + request.status().ToString());
    return;
  }
  DescribeTransactionsResponse response;
  for (const std::string& id : request->transactional_ids) {
    response.transaction_states.push_back(Describe(ctx.services().txns, id, version));
  }
  ctx.responder().Answer(response, version, EncodeDescribeTransactionsResponse);
}

}  // namespace

const ApiSpec kDescribeTransactionsApi = {
    ApiKey::kDescribeTransactions, kDescribeTransactionsMinVersion, kDescribeTransactionsMaxVersion,
    kDescribeTransactionsFirstFlexibleVersion, &HandleDescribeTransactions};

}  // namespace ringlog
