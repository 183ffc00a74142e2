// The producer state of a partition as a snapshot blob (Kafka's `.snapshot` files): the
// state after every batch below `end`, so that opening the partition replays only the
// batches from `end` on instead of the whole log.
//
// Layout, big-endian: "RLPS", version (int16, 2), end (int64), producer count (int32),
// per producer its id (int64), epoch (int16), coordinator epoch (int32), ongoing
// transaction's first offset (int64, -1 for none), last timestamp (int64), batch count
// (int8, 0..5) and per batch first and last sequence (int32 each), first and last offset
// and max timestamp (int64 each); then a CRC-32C of everything before it (uint32), so a
// torn or damaged blob is refused. Version 1, still read, had neither the coordinator
// epoch, the transaction nor the timestamp (its last batch's), and 1..5 batches.
#pragma once

#include <string>
#include <string_view>

#include "engine/producer/producer_state.h"
#include "engine/status.h"
#include "engine/types.h"

namespace ringlog {

struct ProducerSnapshot {
  Offset end = 0;  // the state covers the batches below this offset
  // Version 1 predates transactions: nothing below `end` was transactional.
  bool before_txns = false;
  ProducerState state;
};

std::string EncodeProducerSnapshot(const ProducerState& state, Offset end);

// Corruption naming what is wrong when the blob is torn, damaged or not a snapshot.
Result<ProducerSnapshot> DecodeProducerSnapshot(std::string_view blob);

}  // namespace ringlog
