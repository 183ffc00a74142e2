// The records of __transaction_state: one Kafka record per state change of a
// transactional id, keyed by the id. The newest record of a key wins; a record with a
// null value (a tombstone) removes the id. The layout is Kafka's TransactionLogKey and
// TransactionLogValue at version 0, so Kafka's tools read the topic as they read Kafka's.
//
// Layout (big-endian; strings are an int16 length and the bytes):
//
//   key:   int16 version (0) | string transactional_id
//   value: int16 version (0) | int64 producer_id | int16 producer_epoch
//          | int32 transaction_timeout_ms | int8 state (TxnState's id)
//          | int32 topic count (-1: null, written for no partitions)
//            { string topic | int32 count | int32 partition ... } ...
//          | int64 last_update_timestamp_ms | int64 start_timestamp_ms
//
// A reader refuses a version it does not know (NotSupported) rather than guess.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/status.h"
#include "engine/txn/txn_metadata.h"

namespace ringlog {

inline constexpr int16_t kTxnRecordKeyVersion = 0;
inline constexpr int16_t kTxnRecordValueVersion = 0;

// REQUIRES: the id and topic names shorter than 32768 bytes (Kafka strings are).
std::string EncodeTxnKey(std::string_view transactional_id);
std::string EncodeTxnValue(const TxnLogEntry& entry);

// Corruption for truncated or trailing bytes and unknown states, NotSupported for an
// unknown version.
Result<std::string> DecodeTxnKey(std::string_view bytes);
Result<TxnLogEntry> DecodeTxnValue(std::string_view bytes);

}  // namespace ringlog
