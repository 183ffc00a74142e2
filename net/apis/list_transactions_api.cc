// ListTransactions: the transactions this broker coordinates (the loaded partitions of
// __transaction_state), filtered by state names, producer ids and (v1) by how long they
// have run. As Kafka: state names it does not know come back in unknown_state_filters,
// and when every name given is unknown nothing matches.
#include <optional>
#include <string>
#include <vector>

#include "engine/txn/transaction_coordinator.h"
#include "net/apis/apis.h"
#include "net/apis/request_context.h"
#include "net/apis/txn_error_code.h"
#include "net/codec/error_code.h"
#include "net/codec/list_transactions_codec.h"

namespace ringlog {
namespace {

ListTransactionsResponse List(const TransactionCoordinator& txns,
                              const ListTransactionsRequest& request, int16_t version) {
  ListTransactionsResponse response;
  TxnListFilter filter;
  for (const std::string& name : request.state_filters) {
    if (std::optional<TxnState> state = ParseTxnStateName(name); state.has_value()) {
      filter.states.push_back(*state);
    } else {
      response.unknown_state_filters.push_back(name);
    }
  }
  if (!request.state_filters.empty() && filter.states.empty()) return response;
  filter.producer_ids = request.producer_id_filters;
  filter.min_duration_ms = request.duration_filter;
  TxnListResult listed = txns.ListTransactions(filter);
  response.error_code = TxnErrorCode(listed.error, ApiKey::kListTransactions, version);
  for (const TxnListing& txn : listed.transactions) {
    ListTransactionsResponse::TransactionState& shown = response.transaction_states.emplace_back();
    shown.transactional_id = txn.transactional_id;
    shown.producer_id = txn.producer_id;
    shown.transaction_state = std::string(TxnStateName(txn.state));
  }
  return response;
}

void HandleListTransactions(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  const int16_t version = ctx.version();
  Result<ListTransactionsRequest> request = DecodeListTransactionsRequest(reader, version);
  if (!request.ok()) {
    ctx.responder().Close("bad ListTransactions request: " + request.status().ToString());
    return;
  }
  ListTransactionsResponse response;
  if (ctx.services().txns == nullptr) {
    response.error_code = ToWire(ErrorCode::kCoordinatorNotAvailable);
  } else {
    response = List(*ctx.services().txns, *request, version);
  }
  ctx.responder().Answer(response, version, EncodeListTransactionsResponse);
}

}  // namespace

const ApiSpec kListTransactionsApi = {
    ApiKey::kListTransactions, kListTransactionsMinVersion, kListTransactionsMaxVersion,
    kListTransactionsFirstFlexibleVersion, &HandleListTransactions};

}  // namespace ringlog
