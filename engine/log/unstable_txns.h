// The transactions that hold a partition's last stable offset down (Kafka's ongoingTxns
// and unreplicatedTxns): those still ongoing, and those whose marker is not yet below the
// high watermark, so that read_committed consumers never read past a transaction whose
// outcome they cannot read yet.
//
// Thread safety: none; PartitionLog guards it.
#pragma once

#include <cstdint>
#include <map>

#include "engine/types.h"

namespace ringlog {

class UnstableTxns {
 public:
  // `producer_id`'s transaction starts at `first_offset`.
  void Begin(int64_t producer_id, Offset first_offset);
  // The transaction starting at `first_offset` ended with a marker at `marker_offset`.
  void End(Offset first_offset, Offset marker_offset);
  // Takes back a Begin whose batch was not appended.
  void Forget(Offset first_offset) { txns_.erase(first_offset); }
  // Forgets the ended transactions whose marker lies below `high_watermark`.
  void DropStable(Offset high_watermark);
  // Forgets the ongoing transactions that `keep` says no longer exist.
  template <typename Keep>
  void Retain(Keep keep) {
    std::erase_if(txns_, [&](const auto& txn) {
      return txn.second.marker_offset < 0 && !keep(txn.second.producer_id, txn.first);
    });
  }
  // The first offset of the oldest transaction still unstable at `high_watermark`, or
  // `high_watermark` when it is lower or none is.
  Offset FirstUnstable(Offset high_watermark) const;
  void Clear() { txns_.clear(); }

 private:
  struct Txn {
    int64_t producer_id = -1;
    Offset marker_offset = -1;  // -1 while ongoing
  };
  std::map<Offset, Txn> txns_;  // by first offset
};

}  // namespace ringlog
