// One transactional id's state as the coordinator keeps it (Kafka's TransactionMetadata),
// and the state machine its transitions follow (IsValidTxnTransition):
//
//   Empty, CompleteCommit, CompleteAbort ──AddPartitions──▶ Ongoing (and Ongoing ▶ Ongoing)
//   Ongoing ──EndTxn(commit)──▶ PrepareCommit ──markers written──▶ CompleteCommit
//   Ongoing ──EndTxn(abort)───▶ PrepareAbort ──markers written──▶ CompleteAbort
//   Ongoing ──InitProducerId or timeout──▶ (PrepareEpochFence) ──▶ PrepareAbort
//   Empty, CompleteCommit, CompleteAbort ──InitProducerId──▶ Empty (a new epoch or id)
//   Empty, CompleteCommit, CompleteAbort ──transactional.id.expiration.ms──▶ Dead
//
// Neither PrepareEpochFence nor Dead is ever logged or held: the fence bumps the epoch in
// memory on its way to PrepareAbort, and Dead is logged as a tombstone that removes the id.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "engine/types.h"

namespace ringlog {

// The values are Kafka's TransactionState ids, as the log record stores them.
enum class TxnState : int8_t {
  kEmpty = 0,
  kOngoing = 1,
  kPrepareCommit = 2,
  kPrepareAbort = 3,
  kCompleteCommit = 4,
  kCompleteAbort = 5,
  kDead = 6,
  kPrepareEpochFence = 7,
};

// Kafka's names ("Empty", "Ongoing", ..., "PrepareEpochFence"), as ListTransactions and
// DescribeTransactions show them.
std::string_view TxnStateName(TxnState state);
std::optional<TxnState> ParseTxnStateName(std::string_view name);
// The state with Kafka's id `id`, nullopt for an unknown one.
std::optional<TxnState> TxnStateFromId(int8_t id);
// True when Kafka allows `from` → `to` (TransactionState.validPreviousStates).
bool IsValidTxnTransition(TxnState from, TxnState to);

inline constexpr int16_t kNoProducerEpoch = -1;
inline constexpr int64_t kNoProducerId = -1;

// An epoch at which the producer id must be rotated rather than bumped
// (Kafka's isEpochExhausted: Short.MaxValue - 1 and above).
bool IsProducerEpochExhausted(int16_t epoch);

// The durable part of a transactional id's state: what one record of __transaction_state
// holds (engine/txn/txn_record.h).
struct TxnLogEntry {
  int64_t producer_id = kNoProducerId;
  int16_t producer_epoch = kNoProducerEpoch;
  int32_t transaction_timeout_ms = 0;
  TxnState state = TxnState::kEmpty;
  std::set<PartitionId> partitions;
  TimestampMs last_update_timestamp = -1;
  TimestampMs start_timestamp = -1;

  bool operator==(const TxnLogEntry&) const = default;
};

// The in-memory state: the logged entry plus what Kafka keeps only in memory.
struct TxnMetadata {
  TxnLogEntry entry;
  // The id and epoch before the last InitProducerId (KIP-360: a producer retrying an
  // InitProducerId whose answer it lost gets the same answer). kNo* when none.
  int64_t last_producer_id = kNoProducerId;
  int16_t last_producer_epoch = kNoProducerEpoch;
  // A transition being logged (or, for Complete*, whose markers are being written); every
  // other request meanwhile is answered kConcurrentTransactions.
  std::optional<TxnState> pending;
  // An epoch fence whose log write failed: the next fence reuses the bumped epoch.
  bool failed_epoch_fence = false;
};

}  // namespace ringlog
