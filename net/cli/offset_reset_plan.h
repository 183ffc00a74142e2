// Where `ringlog groups reset-offsets` moves a group's offsets, partition by partition, as
// kafka-consumer-groups --reset-offsets computes it: the log start (--to_earliest), the
// high watermark (--to_latest), an offset clamped into [log start, high watermark]
// (--to_offset), or the first offset at or after a time (--to_datetime; the high watermark
// when no record is that recent).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/status.h"
#include "net/cli/group_admin.h"
#include "net/cli/rdkafka_client.h"

namespace ringlog {

struct OffsetResetSpec {
  enum class Kind { kEarliest, kLatest, kOffset, kDatetime };
  Kind kind = Kind::kEarliest;
  int64_t offset = 0;        // kOffset
  int64_t timestamp_ms = 0;  // kDatetime
};

// "2026-12-06T14:00:00", with optional ".mmm" and a trailing "Z" (UTC either way), or
// milliseconds since the epoch. InvalidArgument otherwise.
Result<int64_t> ParseDatetime(const std::string& text);

// The new offset of each of `partitions`.
Result<std::map<TopicPartitionKey, int64_t>> PlanOffsetReset(
    RdKafkaClient& client, const std::vector<TopicPartitionKey>& partitions,
    const OffsetResetSpec& spec);

}  // namespace ringlog
