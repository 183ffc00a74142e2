#include "net/apis/txn_error_code.h"

#include "net/codec/error_code.h"

namespace ringlog {
namespace {

// The first version of each transactional API that may carry PRODUCER_FENCED (KIP-588)
// and TRANSACTION_ABORTABLE (KIP-890), from the request schemas' version notes.
struct FirstVersions {
  int16_t producer_fenced;
  int16_t transaction_abortable;
};

FirstVersions FirstVersionsOf(ApiKey api) {
  switch (api) {
    case ApiKey::kInitProducerId:
      return {4, 5};
    case ApiKey::kAddPartitionsToTxn:
      return {2, 5};
    case ApiKey::kAddOffsetsToTxn:
    case ApiKey::kEndTxn:
      return {2, 4};
    default:
      // The admin APIs never see either error.
      return {0, 0};
  }
}

}  // namespace

int16_t TxnErrorCode(TxnError error, ApiKey api, int16_t version) {
  const FirstVersions first = FirstVersionsOf(api);
  switch (error) {
    case TxnError::kNone:
      return ToWire(ErrorCode::kNone);
    case TxnError::kInvalidRequest:
      return ToWire(ErrorCode::kInvalidRequest);
    case TxnError::kNotCoordinator:
      return ToWire(ErrorCode::kNotCoordinator);
    case TxnError::kCoordinatorLoadInProgress:
      return ToWire(ErrorCode::kCoordinatorLoadInProgress);
    case TxnError::kCoordinatorNotAvailable:
      return ToWire(ErrorCode::kCoordinatorNotAvailable);
    case TxnError::kConcurrentTransactions:
      return ToWire(ErrorCode::kConcurrentTransactions);
    case TxnError::kProducerFenced:
      return ToWire(version >= first.producer_fenced ? ErrorCode::kProducerFenced
                                                     : ErrorCode::kInvalidProducerEpoch);
    case TxnError::kInvalidProducerIdMapping:
      return ToWire(ErrorCode::kInvalidProducerIdMapping);
    case TxnError::kInvalidTxnState:
      return ToWire(ErrorCode::kInvalidTxnState);
    case TxnError::kInvalidTransactionTimeout:
      return ToWire(ErrorCode::kInvalidTransactionTimeout);
    case TxnError::kTransactionalIdNotFound:
      return ToWire(ErrorCode::kTransactionalIdNotFound);
    case TxnError::kTransactionAbortable:
      return ToWire(version >= first.transaction_abortable ? ErrorCode::kTransactionAbortable
                                                           : ErrorCode::kInvalidTxnState);
  }
  return ToWire(ErrorCode::kUnknownServerError);
}

}  // namespace ringlog
