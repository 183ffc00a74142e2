// What a topic may be: the one definition of the limits on a topic's name and partition
// count. Every way a topic comes into being checks them — a CreateTopics or
// CreatePartitions request, an auto-created topic's --num_partitions, and a topic record
// read back from storage at start-up — so that a damaged record cannot make the broker
// build more than a request could. Config values have their one definition in
// engine/log/topic_config.h (ApplyTopicConfigs).
#pragma once

#include <cstdint>
#include <string_view>

#include "engine/status.h"

namespace ringlog {

// Partitions one topic may have: a bound on what one request (or record) can make the
// broker build, in directories, files and memory.
inline constexpr int32_t kMaxPartitionsPerTopic = 10000;

// Kafka's rule: 1 to 249 characters of [a-zA-Z0-9._-], not "." or "..". InvalidArgument
// saying which part of the rule `name` breaks.
Status ValidateTopicName(std::string_view name);

// InvalidArgument unless 1 <= count <= kMaxPartitionsPerTopic.
Status ValidatePartitionCount(int32_t count);

}  // namespace ringlog
