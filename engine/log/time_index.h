// TimeIndex: the sparse timestamp -> offset index of one segment, kept beside the
// OffsetIndex. An entry (T, offset) records that the segment's running maximum timestamp
// first reached T at the batch starting at `offset`, so every earlier batch has a max
// timestamp below T. Pure in memory; derived data like OffsetIndex.
//
// Thread-compatible: the owning segment synchronises access.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"
#include "engine/types.h"

namespace ringlog {

struct TimeIndexEntry {
  TimestampMs timestamp = kNoTimestamp;
  Offset offset = 0;
  friend bool operator==(const TimeIndexEntry&, const TimeIndexEntry&) = default;
};

class TimeIndex final {
 public:
  explicit TimeIndex(Offset base_offset) : base_offset_(base_offset) {}

  // Adds an entry. InvalidArgument unless both `timestamp` and `offset` are above the last
  // entry's, and the offset's distance from base_offset fits 32 bits.
  Status Append(TimestampMs timestamp, Offset offset);
  // Where to start scanning for the first batch with max timestamp >= target: the offset
  // of the last entry whose timestamp is below target, or base_offset when none is.
  Offset Lookup(TimestampMs target) const;
  // Drops every entry with offset >= `offset`.
  void TruncateTo(Offset offset);

  Offset base_offset() const { return base_offset_; }
  size_t entries() const { return entries_.size(); }
  const std::vector<TimeIndexEntry>& all() const { return entries_; }
  // Timestamp of the last entry, or kNoTimestamp.
  TimestampMs last_timestamp() const;

  // The file image (header + entries) for a .log of `log_bytes` bytes.
  std::string Encode(uint64_t log_bytes) const;
  // Parses a file image; Corruption on the same faults as OffsetIndex::Decode.
  static Result<TimeIndex> Decode(Offset base_offset, std::string_view bytes, uint64_t log_bytes);

 private:
  Offset base_offset_;
  std::vector<TimeIndexEntry> entries_;
};

}  // namespace ringlog
