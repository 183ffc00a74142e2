// Which partition of __consumer_offsets holds a consumer group, as Kafka places it:
// abs(Java String.hashCode(group)) mod the partition count, where abs keeps the low 31
// bits. A group's coordinator is that partition's leader, so every broker (and Kafka's
// own tools) agree on it.
#pragma once

#include <cstdint>
#include <string_view>

namespace ringlog {

// Java's String.hashCode of `text` (UTF-8, read as the UTF-16 code units Java hashes; a
// byte that is not valid UTF-8 counts as one unit of its own value).
int32_t JavaStringHashCode(std::string_view text);

// REQUIRES: partitions > 0.
int32_t OffsetsPartitionFor(std::string_view group, int32_t partitions);

}  // namespace ringlog
