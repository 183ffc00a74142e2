#include "backends/uring/segment_indexes.h"

#include <limits>
#include <utility>

namespace ringlog {

SegmentIndexes::SegmentIndexes(Offset base_offset, uint32_t index_interval_bytes)
    : interval_(index_interval_bytes),
      offsets_(base_offset),
      times_(base_offset),
      max_timestamp_offset_(base_offset) {}

SegmentIndexes::SegmentIndexes(OffsetIndex offsets, TimeIndex times, uint32_t index_interval_bytes,
                               uint64_t log_bytes)
    : interval_(index_interval_bytes),
      offsets_(std::move(offsets)),
      times_(std::move(times)),
      end_(log_bytes),
      empty_(log_bytes == 0),
      max_timestamp_(times_.last_timestamp()),
      max_timestamp_offset_(times_.entries() ? times_.all().back().offset
                                             : offsets_.base_offset()) {
  const uint64_t last_position = offsets_.entries() ? offsets_.all().back().position : 0;
  bytes_since_entry_ = log_bytes - last_position;
}

Status SegmentIndexes::Add(const BatchHeader& batch, uint64_t position) {
  constexpr uint64_t kMaxPosition = std::numeric_limits<uint32_t>::max();
  if (position + batch.size_bytes() > kMaxPosition) {
    return Status::InvalidArgument(
        "a segment holds at most 4 GiB: its index positions are "
        "32-bit");
  }
  if (batch.max_timestamp > max_timestamp_) {
    max_timestamp_ = batch.max_timestamp;
    max_timestamp_offset_ = batch.base_offset;
  }
  if (empty_ || bytes_since_entry_ >= interval_ || position != end_) {
    RETURN_IF_ERROR(offsets_.Append(batch.base_offset, static_cast<uint32_t>(position)));
    bytes_since_entry_ = 0;
    if (max_timestamp_ > times_.last_timestamp()) {
      RETURN_IF_ERROR(times_.Append(max_timestamp_, max_timestamp_offset_));
    }
  }
  empty_ = false;
  bytes_since_entry_ += batch.size_bytes();
  end_ = position + batch.size_bytes();
  return Status::OK();
}

void SegmentIndexes::FinishTimeIndex() {
  if (max_timestamp_ > times_.last_timestamp()) {
    // Cannot fail: both the timestamp and its offset are above the last entry's.
    times_.Append(max_timestamp_, max_timestamp_offset_).IgnoreError();
  }
}

void SegmentIndexes::TruncateTo(Offset next_offset, uint64_t log_bytes, TimestampMs max_timestamp,
                                Offset max_timestamp_offset) {
  offsets_.TruncateTo(next_offset);
  times_.TruncateTo(next_offset);
  empty_ = log_bytes == 0;
  end_ = log_bytes;
  const uint64_t last_position = offsets_.entries() ? offsets_.all().back().position : 0;
  bytes_since_entry_ = log_bytes - last_position;
  max_timestamp_ = max_timestamp;
  max_timestamp_offset_ = max_timestamp_offset;
}

}  // namespace ringlog
