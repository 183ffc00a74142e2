// The aborted transactions of a partition (Kafka's transaction index, .txnindex): what a
// read_committed consumer needs to skip the records of aborted transactions. Entries are
// added as ABORT markers are appended, so they are ordered by last_offset.
//
// Stored as a blob beside the producer state snapshot, covering the markers below the same
// end; the log after that end rebuilds the rest (PartitionLog::kAbortedTxnMetaPrefix).
//
// Blob layout, big-endian: "RLAT", version (int16, 1), end (int64), entry count (int32),
// per entry producer id, first offset, last offset and last stable offset (int64 each);
// then a CRC-32C of everything before it (uint32).
//
// Thread safety: none; PartitionLog guards it.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"
#include "engine/types.h"

namespace ringlog {

struct AbortedTxnEntry {
  int64_t producer_id = -1;
  Offset first_offset = 0;
  Offset last_offset = 0;  // the ABORT marker's offset
  // The partition's last stable offset once the marker was in: the first offset of the
  // oldest transaction still ongoing then, or last_offset + 1. Later aborts all start at
  // or above it, so a search for records below it stops here.
  Offset last_stable_offset = 0;

  bool operator==(const AbortedTxnEntry&) const = default;
};

class AbortedTxnIndex {
 public:
  // REQUIRES: entry.last_offset above every entry's held.
  void Add(const AbortedTxnEntry& entry);
  // The entries that may hold records in [from, upto): last_offset >= from and
  // first_offset < upto, oldest first.
  std::vector<AbortedTxnEntry> Collect(Offset from, Offset upto) const;
  // Forgets the entries whose marker lies below `log_start`. Returns how many went.
  size_t DropBefore(Offset log_start);
  void Clear() { entries_.clear(); }
  const std::deque<AbortedTxnEntry>& entries() const { return entries_; }

  bool operator==(const AbortedTxnIndex&) const = default;

 private:
  std::deque<AbortedTxnEntry> entries_;
};

struct AbortedTxnSnapshot {
  Offset end = 0;  // the entries of every marker below this offset
  AbortedTxnIndex index;
};

std::string EncodeAbortedTxnIndex(const AbortedTxnIndex& index, Offset end);
// Corruption naming what is wrong when the blob is torn, damaged or not an index.
Result<AbortedTxnSnapshot> DecodeAbortedTxnIndex(std::string_view blob);

}  // namespace ringlog
