// What a broker's Metadata (v5) says about the cluster and some topics, for suites that
// run several brokers: which brokers are registered, who is the controller, and where each
// partition's leader is.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/harness/loadgen/kafka_connection.h"
#include "engine/status.h"

namespace ringlog::bench {

struct PartitionMetadata {
  int32_t partition = 0;
  int16_t error_code = 0;  // LEADER_NOT_AVAILABLE (5) while the leader does not serve it yet
  int32_t leader_id = -1;
  std::vector<int32_t> replicas;
  std::vector<int32_t> isr;
};

struct TopicMetadata {
  std::string name;
  int16_t error_code = 0;
  std::vector<PartitionMetadata> partitions;  // in partition order
};

struct BrokerMetadata {
  int32_t node_id = 0;
  std::string host;
  int32_t port = 0;
};

struct MetadataAnswer {
  std::vector<BrokerMetadata> brokers;  // in node id order
  int32_t controller_id = -1;
  std::vector<TopicMetadata> topics;  // as asked
};

// Asks for `topics` (none: only the brokers), never creating them. `connection` must have
// nothing in flight. IOError when the connection fails; the decoder's error for bad bytes.
Result<MetadataAnswer> QueryMetadata(KafkaConnection& connection,
                                     const std::vector<std::string>& topics);

}  // namespace ringlog::bench
