#include "engine/log/unstable_txns.h"

#include <algorithm>

namespace ringlog {

void UnstableTxns::Begin(int64_t producer_id, Offset first_offset) {
  txns_[first_offset] = {producer_id, -1};
}

void UnstableTxns::End(Offset first_offset, Offset marker_offset) {
  const auto it = txns_.find(first_offset);
  if (it != txns_.end()) it->second.marker_offset = marker_offset;
}

void UnstableTxns::DropStable(Offset high_watermark) {
  std::erase_if(txns_, [high_watermark](const auto& txn) {
    return txn.second.marker_offset >= 0 && txn.second.marker_offset < high_watermark;
  });
}

Offset UnstableTxns::FirstUnstable(Offset high_watermark) const {
  for (const auto& [first, txn] : txns_) {
    if (first >= high_watermark) break;
    if (txn.marker_offset < 0 || txn.marker_offset >= high_watermark) return first;
  }
  return high_watermark;
}

}  // namespace ringlog
