// The producer state of a partition as a snapshot blob (Kafka's `.snapshot` files): the
// state after every batch below `end`, so that opening the partition replays only the
// batches from `end` on instead of the whole log.
//
// Layout, big-endian: "RLPS", version (int16, 1), end (int64), producer count (int32),
// per producer its id (int64), epoch (int16), batch count (int8, 1..5) and per batch first
// and last sequence (int32 each), first and last offset and max timestamp (int64 each);
// then a CRC-32C of everything before it (uint32), so a torn or damaged blob is refused.
#pragma once

#include <string>
#include <string_view>

#include "engine/producer/producer_state.h"
#include "engine/status.h"
#include "engine/types.h"

namespace ringlog {

struct ProducerSnapshot {
  Offset end = 0;  // the state covers the batches below this offset
  ProducerState state;
};

std::string EncodeProducerSnapshot(const ProducerState& state, Offset end);

// Corruption naming what is wrong when the blob is torn, damaged or not a snapshot.
Result<ProducerSnapshot> DecodeProducerSnapshot(std::string_view blob);

}  // namespace ringlog
