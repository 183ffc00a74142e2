// `ringlog groups list|describe|delete|reset-offsets`: consumer groups over the Kafka
// protocol, as kafka-consumer-groups does, through librdkafka's admin API
// (ListConsumerGroups, DescribeConsumerGroups, DeleteGroups, ListConsumerGroupOffsets,
// AlterConsumerGroupOffsets) and ListOffsets. describe shows each partition's lag (high
// watermark - committed offset); reset-offsets refuses a group with active members, as
// Kafka does, and only prints the new offsets unless --execute is given.
// Exit codes: 0 done; 1 the cluster refused or could not be reached, or the group is
// active; 2 bad usage.
#pragma once

#include <gflags/gflags.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ringlog {

struct GroupsOptions {
  std::string action;  // list, describe, delete or reset-offsets
  std::string bootstrap_server = "localhost:9092";
  std::string group;
  std::string topic;  // reset-offsets: every partition of it; empty: the group's committed ones
  bool to_earliest = false;
  bool to_latest = false;
  int64_t to_offset = -1;
  std::string to_datetime;
  bool dry_run = false;
  bool execute = false;
  int32_t request_timeout_ms = 30000;
};

GroupsOptions GroupsOptionsFromFlags(std::string action);
std::vector<gflags::CommandLineFlagInfo> GroupsFlags();
std::string GroupsUsage();

int RunGroups(const GroupsOptions& options);

}  // namespace ringlog
