// LeaderEpochHistory: which leader epoch wrote which offsets of one partition's log, as a
// list of (epoch, first offset) entries, both strictly increasing. Kafka's
// LeaderEpochFileCache is the model: a replica that follows a new leader asks it where its
// own latest epoch ended there (EndOffsetFor) and truncates what the leader does not have.
//
// Example: epochs {0 -> 0, 3 -> 120, 5 -> 300} in a log ending at 450:
//   EndOffsetFor(5) == {5, 450}   the latest epoch runs to the log end
//   EndOffsetFor(3) == {3, 300}   an older epoch ends where the next one starts
//   EndOffsetFor(4) == {3, 300}   an unknown epoch answers the largest known one below it
//   EndOffsetFor(6) == {-1, -1}   newer than every known epoch
//
// Stored as a small versioned text blob (Encode/Decode):
//   "ringlog-leader-epochs 1\n" "count <n>\n" then n lines "<epoch> <start offset>\n".
//
// Pure logic, no I/O. Thread safety: none; PartitionLog guards it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"
#include "engine/types.h"

namespace ringlog {

// Where a leader epoch ends in a log (Kafka's OffsetsForLeaderEpoch answer); see
// LeaderEpochHistory::EndOffsetFor. {-1, -1} is Kafka's "undefined".
struct EpochEndOffset {
  int32_t epoch = -1;
  Offset end_offset = -1;

  friend bool operator==(const EpochEndOffset&, const EpochEndOffset&) = default;
};

// One entry of a log's leader-epoch history: the epoch's first offset.
struct EpochStart {
  int32_t epoch = 0;
  Offset start_offset = 0;

  friend bool operator==(const EpochStart&, const EpochStart&) = default;
};

class LeaderEpochHistory {
 public:
  // Records that `epoch` starts at `start_offset`. A no-op (false) when `epoch` is the
  // latest and starts at or below `start_offset` already. Otherwise every entry whose
  // epoch is >= `epoch` or whose start is >= `start_offset` goes first (they conflict with
  // the new one), and the entry is added: true. REQUIRES: epoch >= 0, start_offset >= 0.
  bool Assign(int32_t epoch, Offset start_offset);

  // -1 when empty.
  int32_t latest_epoch() const { return entries_.empty() ? -1 : entries_.back().epoch; }
  bool empty() const { return entries_.empty(); }
  const std::vector<EpochStart>& entries() const { return entries_; }

  // Kafka's endOffsetFor, for a log ending at `log_end` (see the example above): {epoch,
  // log_end} for the latest epoch; for an older one, {the largest known epoch <= `epoch`,
  // the start of the next larger known epoch}, or {`epoch`, the first entry's start} when
  // `epoch` is older than every known one; {-1, -1} for -1, for an epoch newer than every
  // known one and for an empty history.
  EpochEndOffset EndOffsetFor(int32_t epoch, Offset log_end) const;

  // The log was cut at `end_offset`: drops the entries that start at or above it. Returns
  // whether anything changed.
  bool TruncateFromEnd(Offset end_offset);
  // The log now starts at `start_offset`: drops the entries that start at or below it
  // except the last of them, which is moved to start at `start_offset` (its epoch still
  // wrote the offsets from there). Returns whether anything changed.
  bool TruncateFromStart(Offset start_offset);
  void Clear() { entries_.clear(); }

  std::string Encode() const;
  // Corruption naming what is wrong when `blob` is not a history this version wrote
  // (another version, a bad line, entries out of order).
  static Result<LeaderEpochHistory> Decode(std::string_view blob);

 private:
  std::vector<EpochStart> entries_;
};

}  // namespace ringlog
