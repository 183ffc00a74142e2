// SegmentIndexes: the offset index and time index of one segment, and the running state
// that decides when each gets an entry. Pure in memory; UringSegment feeds it every batch
// it appends or scans, and persists what it encodes.
//
// Entry rules (Kafka's): the first batch always gets an offset entry, and a later batch
// gets one once index_interval_bytes were written since the previous entry. So does a
// batch that does not start where the previous one ended (damaged bytes lie between), so
// that no lookup of an offset after damage lands before it. Whenever an
// offset entry is added and the running maximum timestamp rose since the last time entry,
// a time entry (running max, offset of the batch that first reached it) is added too.
//
// Thread-compatible: the owning segment synchronises access.
#pragma once

#include <cstdint>

#include "engine/log/offset_index.h"
#include "engine/log/record_batch.h"
#include "engine/log/time_index.h"
#include "engine/status.h"
#include "engine/types.h"

namespace ringlog {

class SegmentIndexes final {
 public:
  SegmentIndexes(Offset base_offset, uint32_t index_interval_bytes);
  // Adopts indexes read from disk for a log of `log_bytes` bytes. The running maximum is
  // the time index's last entry, which FinishTimeIndex made exact before it was written.
  SegmentIndexes(OffsetIndex offsets, TimeIndex times, uint32_t index_interval_bytes,
                 uint64_t log_bytes);

  // Accounts for `batch`, which starts at `position`: right after the batch added before,
  // or further on when damaged bytes lie between them.
  // InvalidArgument when the batch does not fit the 32-bit relative offsets and positions.
  Status Add(const BatchHeader& batch, uint64_t position);

  // Adds a time entry for the running maximum when the sparse entries missed it, so that
  // a persisted time index ends at max_timestamp(). Called before persisting.
  void FinishTimeIndex();

  // Drops the entries of batches at or above `next_offset`, for a log now `log_bytes`
  // long. The running maximum is reset to `max_timestamp` first reached at
  // `max_timestamp_offset` (the caller rescans for them).
  void TruncateTo(Offset next_offset, uint64_t log_bytes, TimestampMs max_timestamp,
                  Offset max_timestamp_offset);

  const OffsetIndex& offsets() const { return offsets_; }
  const TimeIndex& times() const { return times_; }
  TimestampMs max_timestamp() const { return max_timestamp_; }

 private:
  uint32_t interval_;
  OffsetIndex offsets_;
  TimeIndex times_;
  // Bytes from the start of the batch of the last offset entry to the end of the log.
  uint64_t bytes_since_entry_ = 0;
  // Where the last batch added ends.
  uint64_t end_ = 0;
  bool empty_ = true;
  TimestampMs max_timestamp_ = kNoTimestamp;
  Offset max_timestamp_offset_;
};

}  // namespace ringlog
