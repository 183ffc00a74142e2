// Which partition of the offsets topic holds a consumer group: Kafka's rule, so that
// Kafka's tools and ringlog agree on a group's coordinator.
#pragma once

#include <cstdint>
#include <string_view>

namespace ringlog {

// Java's String.hashCode of `utf8` read as Java reads a Kafka string: the UTF-16 code
// units u[0..n) of the text, hashed as u[0]*31^(n-1) + ... + u[n-1] in int32 arithmetic
// (wrapping). Exact for ASCII and for any valid UTF-8 (characters above U+FFFF count as
// their two surrogates). A malformed UTF-8 sequence counts as one U+FFFD per maximal
// ill-formed subpart, the Unicode practice Java's decoder follows.
int32_t JavaStringHashCode(std::string_view utf8);

// Kafka's partitionFor: Utils.abs(groupId.hashCode) % partitions, where Utils.abs maps
// INT32_MIN to 0 and is Math.abs otherwise. REQUIRES: partitions > 0.
int32_t OffsetsPartitionFor(std::string_view group, int32_t partitions);

}  // namespace ringlog
