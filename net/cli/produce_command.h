// `ringlog produce --topic=T`: one record per line of stdin, as kafka-console-producer
// does, through librdkafka's producer: with --key_separator a line is "key<sep>value";
// --headers are added to every record; --partition picks one partition (else the
// partitioner does). Waits until every record is acknowledged.
// Exit codes: 0 every record written; 1 one or more failed (each said on stderr);
// 2 bad usage.
#pragma once

#include <gflags/gflags.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ringlog {

struct ProduceOptions {
  std::string bootstrap_server = "localhost:9092";
  std::string topic;
  std::string key_separator;  // empty: lines are values, keys null
  std::string headers;        // "key=value,..." on every record
  int32_t partition = -1;     // -1: the partitioner's choice
  std::string acks = "all";
  int32_t request_timeout_ms = 30000;
};

ProduceOptions ProduceOptionsFromFlags();
std::vector<gflags::CommandLineFlagInfo> ProduceFlags();
std::string ProduceUsage();

// Reads the records from `in`.
int RunProduce(const ProduceOptions& options, FILE* in);

}  // namespace ringlog
