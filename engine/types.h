// Small value types shared by every module: offsets, timestamps, partition names and the
// facts a segment exposes to the engine.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <string>

namespace ringlog {

// A record's position in its partition; strictly increasing, starting at 0.
using Offset = int64_t;
// Milliseconds since the Unix epoch, as Kafka timestamps are.
using TimestampMs = int64_t;

// Kafka's "no timestamp" value: an empty segment's max timestamp, a record without time.
inline constexpr TimestampMs kNoTimestamp = -1;

// One partition of one topic.
struct PartitionId {
  std::string topic;
  int32_t partition = 0;

  // "<topic>-<partition>", Kafka's directory name for the partition.
  std::string ToString() const { return topic + "-" + std::to_string(partition); }

  friend auto operator<=>(const PartitionId&, const PartitionId&) = default;
  friend bool operator==(const PartitionId&, const PartitionId&) = default;
};

// What retention and rolling need to know of a segment, without touching it.
struct SegmentInfo {
  Offset base_offset = 0;
  Offset next_offset = 0;  // one past the last offset stored; == base_offset when empty
  uint64_t size_bytes = 0;
  TimestampMs max_timestamp = kNoTimestamp;  // largest batch max timestamp, or kNoTimestamp
};

// Offsets [first_offset, end_offset) that a segment holds but cannot serve: a batch that
// recovery found damaged with good batches after it (bit rot), or a damaged end of a
// segment that is followed by another. The bounds come from the good batches around the
// damage, so they hold even when the damaged header lies. Empty (first == end) for damaged
// bytes between two batches whose offsets follow on.
struct DamagedRange {
  Offset first_offset = 0;
  Offset end_offset = 0;

  friend bool operator==(const DamagedRange&, const DamagedRange&) = default;
};

}  // namespace ringlog

template <>
struct std::hash<ringlog::PartitionId> {
  size_t operator()(const ringlog::PartitionId& p) const noexcept {
    return std::hash<std::string>()(p.topic) * 31 + std::hash<int32_t>()(p.partition);
  }
};
