// Transaction markers as Kafka stores them: a control batch (attributes transactional |
// control) of one record whose key names the marker type and whose value carries the
// transaction coordinator's epoch. Written by AppendMarker and read back by whatever
// rebuilds transaction state from the log.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "engine/status.h"
#include "engine/types.h"

namespace ringlog {

enum class ControlType : int16_t { kAbort = 0, kCommit = 1 };

struct ControlMarker {
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  ControlType type = ControlType::kAbort;
  int32_t coordinator_epoch = 0;

  bool operator==(const ControlMarker&) const = default;
};

// One control batch as Kafka writes it: attributes transactional|control, base_sequence
// -1, one record with key {int16 version 0, int16 type} and value {int16 version 0,
// int32 coordinator_epoch}; base offset 0 (PartitionLog assigns it).
std::string BuildControlBatch(const ControlMarker& marker, TimestampMs timestamp);

// The marker of a control batch (its header and its one record); InvalidArgument
// (Corruption for bad bytes) when `batch` is not a transaction-marker control batch.
Result<ControlMarker> ParseControlBatch(std::span<const uint8_t> batch);

}  // namespace ringlog
