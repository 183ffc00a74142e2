#include "engine/txn/txn_types.h"

namespace ringlog {

std::string_view TxnErrorName(TxnError error) {
  switch (error) {
    case TxnError::kNone:
      return "NONE";
    case TxnError::kInvalidRequest:
      return "INVALID_REQUEST";
    case TxnError::kNotCoordinator:
      return "NOT_COORDINATOR";
    case TxnError::kCoordinatorLoadInProgress:
      return "COORDINATOR_LOAD_IN_PROGRESS";
    case TxnError::kCoordinatorNotAvailable:
      return "COORDINATOR_NOT_AVAILABLE";
    case TxnError::kConcurrentTransactions:
      return "CONCURRENT_TRANSACTIONS";
    case TxnError::kProducerFenced:
      return "PRODUCER_FENCED";
    case TxnError::kInvalidProducerIdMapping:
      return "INVALID_PRODUCER_ID_MAPPING";
    case TxnError::kInvalidTxnState:
      return "INVALID_TXN_STATE";
    case TxnError::kInvalidTransactionTimeout:
      return "INVALID_TRANSACTION_TIMEOUT";
    case TxnError::kTransactionalIdNotFound:
      return "TRANSACTIONAL_ID_NOT_FOUND";
    case TxnError::kTransactionAbortable:
      return "TRANSACTION_ABORTABLE";
  }
  return "UNKNOWN";
}

}  // namespace ringlog
