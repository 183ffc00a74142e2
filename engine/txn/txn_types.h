// The vocabulary of the transaction coordinator (engine/txn/transaction_coordinator.h):
// its errors, the parameters of its requests and the answers it gives, independent of the
// wire. Each TxnError stands for the Kafka error code of the same name.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/txn/txn_metadata.h"
#include "engine/types.h"

namespace ringlog {

enum class TxnError : int8_t {
  kNone = 0,
  kInvalidRequest,             // INVALID_REQUEST: empty transactional id
  kNotCoordinator,             // NOT_COORDINATOR: the id's partition is not loaded here
  kCoordinatorLoadInProgress,  // COORDINATOR_LOAD_IN_PROGRESS: it is being loaded
  kCoordinatorNotAvailable,    // COORDINATOR_NOT_AVAILABLE: the log or id allocator failed
  kConcurrentTransactions,     // CONCURRENT_TRANSACTIONS: a transition is in flight; retry
  kProducerFenced,             // PRODUCER_FENCED: a newer epoch owns the id
  kInvalidProducerIdMapping,   // INVALID_PRODUCER_ID_MAPPING: unknown id, or another pid
  kInvalidTxnState,            // INVALID_TXN_STATE: the request does not fit the state
  kInvalidTransactionTimeout,  // INVALID_TRANSACTION_TIMEOUT
  kTransactionalIdNotFound,    // TRANSACTIONAL_ID_NOT_FOUND (DescribeTransactions)
  // TRANSACTION_ABORTABLE (AddPartitionsToTxn v5): a verify-only partition that is not in
  // the transaction. Older versions answer INVALID_TXN_STATE instead, as Kafka does.
  kTransactionAbortable,
};

std::string_view TxnErrorName(TxnError error);

struct InitProducerIdParams {
  std::string transactional_id;
  int32_t transaction_timeout_ms = 60000;
  // The producer's current id and epoch (InitProducerId v3+, KIP-360), or -1/-1.
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
};

struct InitProducerIdResult {
  TxnError error = TxnError::kNone;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
};

struct AddPartitionsParams {
  std::string transactional_id;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  std::vector<PartitionId> partitions;
};

struct EndTxnParams {
  std::string transactional_id;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  bool commit = false;
};

// One transaction as ListTransactions shows it.
struct TxnListing {
  std::string transactional_id;
  int64_t producer_id = -1;
  TxnState state = TxnState::kEmpty;
};

struct TxnListFilter {
  std::vector<TxnState> states;       // empty: every state
  std::vector<int64_t> producer_ids;  // empty: every producer
  int64_t min_duration_ms = -1;       // < 0: any; else now - start >= this (v1)
};

struct TxnListResult {
  TxnError error = TxnError::kNone;  // kCoordinatorLoadInProgress while a partition loads
  std::vector<TxnListing> transactions;
};

// One transaction as DescribeTransactions shows it.
struct TxnDescription {
  TxnError error = TxnError::kNone;
  std::string transactional_id;
  TxnState state = TxnState::kEmpty;
  int32_t transaction_timeout_ms = 0;
  TimestampMs start_timestamp = -1;  // -1 outside a transaction
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  std::vector<PartitionId> partitions;  // sorted
};

}  // namespace ringlog
