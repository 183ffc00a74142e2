// The consumer-group calls `ringlog groups` makes through librdkafka's admin API, each
// returning plain values: a group's description (DescribeConsumerGroups), its committed
// offsets (ListConsumerGroupOffsets), setting them (AlterConsumerGroupOffsets), and the
// partitions' watermarks (ListOffsets, through query_watermark_offsets).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "engine/status.h"
#include "net/cli/rdkafka_client.h"

namespace ringlog {

using TopicPartitionKey = std::pair<std::string, int32_t>;

struct GroupMember {
  std::string consumer_id;
  std::string host;
  std::string client_id;
  std::vector<TopicPartitionKey> assignment;
};

struct GroupDescription {
  std::string state;  // librdkafka's names: Stable, Empty, Dead, PreparingRebalance, ...
  std::vector<GroupMember> members;
};

Result<GroupDescription> DescribeGroup(RdKafkaClient& client, const std::string& group);

// Every committed offset of `group`.
Result<std::map<TopicPartitionKey, int64_t>> CommittedOffsets(RdKafkaClient& client,
                                                              const std::string& group);

// Commits `offsets` for `group` (which must have no active member); IOError naming the
// first partition the cluster refused.
Status AlterOffsets(RdKafkaClient& client, const std::string& group,
                    const std::map<TopicPartitionKey, int64_t>& offsets);

struct Watermarks {
  int64_t low = 0;   // log start offset
  int64_t high = 0;  // high watermark
};
Result<Watermarks> QueryWatermarks(RdKafkaClient& client, const TopicPartitionKey& partition);

}  // namespace ringlog
