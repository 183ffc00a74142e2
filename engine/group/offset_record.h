// The records of the committed-offsets log (the internal topic "__consumer_offsets"): one
// Kafka record per committed partition, keyed by (group, topic, partition). The newest
// record of a key wins; a record with a null value (a tombstone) deletes the key.
//
// Layout (big-endian; strings are an int16 length and the bytes; the metadata string is
// an int32 length, -1 for null):
//
//   key:   int16 version (1) | string group | string topic | int32 partition
//   value: int16 version (1) | int64 offset | int32 leader epoch | int64 commit time (ms)
//          | int32 metadata length (-1: null) | metadata bytes
//
// A reader refuses a version it does not know (NotSupported) rather than guess.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/status.h"
#include "engine/types.h"

namespace ringlog {

inline constexpr int16_t kOffsetRecordKeyVersion = 1;
inline constexpr int16_t kOffsetRecordValueVersion = 1;

// What a group committed for one partition.
struct CommittedOffset {
  Offset offset = 0;
  int32_t leader_epoch = -1;
  std::optional<std::string> metadata;
  TimestampMs commit_time = 0;

  bool operator==(const CommittedOffset&) const = default;
};

struct OffsetKey {
  std::string group;
  PartitionId partition;

  friend auto operator<=>(const OffsetKey&, const OffsetKey&) = default;
  friend bool operator==(const OffsetKey&, const OffsetKey&) = default;
};

// REQUIRES: group and topic shorter than 32768 bytes (Kafka strings are).
std::string EncodeOffsetKey(const OffsetKey& key);
std::string EncodeOffsetValue(const CommittedOffset& value);

// Corruption for truncated or trailing bytes, NotSupported for an unknown version.
Result<OffsetKey> DecodeOffsetKey(std::string_view bytes);
Result<CommittedOffset> DecodeOffsetValue(std::string_view bytes);

}  // namespace ringlog
