// `ringlog topics list|describe|create|delete|alter`: topics over the Kafka protocol, as
// kafka-topics and kafka-configs do, through librdkafka's admin API (CreateTopics,
// DeleteTopics, CreatePartitions, DescribeConfigs, AlterConfigs) and metadata.
// Exit codes: 0 done; 1 the cluster refused or could not be reached (said on stderr);
// 2 bad usage.
#pragma once

#include <gflags/gflags.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ringlog {

struct TopicsOptions {
  std::string action;  // list, describe, create, delete or alter
  std::string bootstrap_server = "localhost:9092";
  std::string topic;
  int32_t partitions = -1;          // create: -1 the broker's default; alter: the new count
  int32_t replication_factor = -1;  // create: -1 the broker's default
  std::string configs;              // create, alter: "key=value,..."
  std::string delete_configs;       // alter: "key,..." back to their defaults
  int32_t request_timeout_ms = 30000;
};

TopicsOptions TopicsOptionsFromFlags(std::string action);
std::vector<gflags::CommandLineFlagInfo> TopicsFlags();
std::string TopicsUsage();

int RunTopics(const TopicsOptions& options);

}  // namespace ringlog
