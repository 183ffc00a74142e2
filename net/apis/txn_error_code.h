// The Kafka error code of each transaction-coordinator outcome (engine/txn/txn_types.h),
// as the version of the request allows it: an API gained PRODUCER_FENCED and
// TRANSACTION_ABORTABLE at some version, and older clients get the code Kafka sent them
// before (INVALID_PRODUCER_EPOCH, INVALID_TXN_STATE), which they know how to handle.
#pragma once

#include <cstdint>

#include "engine/txn/txn_types.h"
#include "net/codec/api_key.h"

namespace ringlog {

// `error` as the int16 code answered to a request of `api` at `version`.
int16_t TxnErrorCode(TxnError error, ApiKey api, int16_t version);

}  // namespace ringlog
