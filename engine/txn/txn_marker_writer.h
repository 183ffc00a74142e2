// TxnMarkerWriter: the seam through which the transaction coordinator
// (engine/txn/transaction_coordinator.h) has COMMIT or ABORT markers written to the
// partitions of a transaction, as Kafka's TransactionMarkerChannelManager does. The engine
// only declares it; the implementation lives in net/ (it talks to other brokers).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "engine/log/control_batch.h"
#include "engine/types.h"

namespace ringlog {

struct TxnMarkerRequest {
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  ControlType type = ControlType::kAbort;
  int32_t coordinator_epoch = 0;
  std::vector<PartitionId> partitions;
};

// Delivers transaction markers (Kafka's TransactionMarkerChannelManager).
//
// Thread safety: implementations are thread-safe.
class TxnMarkerWriter {
 public:
  virtual ~TxnMarkerWriter() = default;
  // Writes the marker to each partition's current leader (this broker or another),
  // retrying each partition until its leader appended it; a partition whose topic no
  // longer exists counts as done. `done` runs once, on any thread, when every partition
  // has it. Never blocks the caller.
  virtual void WriteMarkers(TxnMarkerRequest request, std::function<void()> done) = 0;
};

}  // namespace ringlog
