// `ringlog consume --topic=T`: prints records as kafka-console-consumer does, through
// librdkafka's consumer, one line each: partition, offset, timestamp, key, headers, value.
// With --group it joins that group (and commits what it printed); without, it reads every
// partition (or --partition) on its own. From the end unless --from_beginning. Stops
// after -n records, or after --timeout_ms without a record.
// Exit codes: 0 done; 1 the cluster failed (said on stderr); 2 bad usage.
#pragma once

#include <gflags/gflags.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ringlog {

struct ConsumeOptions {
  std::string bootstrap_server = "localhost:9092";
  std::string topic;
  std::string group;  // empty: no group, no commits
  int32_t partition = -1;
  bool from_beginning = false;
  int64_t max_records = -1;  // -n; -1: no limit
  int32_t timeout_ms = -1;   // -1: wait for records forever
  int32_t request_timeout_ms = 30000;
};

ConsumeOptions ConsumeOptionsFromFlags();
std::vector<gflags::CommandLineFlagInfo> ConsumeFlags();
std::string ConsumeUsage();

int RunConsume(const ConsumeOptions& options);

}  // namespace ringlog
