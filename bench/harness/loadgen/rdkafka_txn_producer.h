// The transactional form of the librdkafka producer (bench/harness/loadgen/rdkafka_producer.h):
// what a Kafka Streams or Flink exactly-once sink does to the broker, through librdkafka's
// transactional C API.
//
// After init_transactions and one warm-up transaction (not counted: the client has then
// found its coordinator, learnt the topic's leaders and connected to them), it runs
// transactions of a fixed number of records back to back for a fixed time: begin, enqueue
// the records (to the partitioner's choice, waiting briefly whenever librdkafka's queue is
// full), commit. The run ends with the first transaction committed after the time is up;
// the rate counts only records of committed transactions.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "bench/harness/progress_reporter.h"
#include "engine/status.h"

namespace ringlog::bench {

struct RdkafkaTxnProducerOptions {
  std::string bootstrap_servers;
  std::string topic;
  std::string transactional_id;
  int record_bytes = 100;
  int records_per_transaction = 1000;
  double seconds = 3;
  // librdkafka configuration properties besides bootstrap.servers and transactional.id.
  std::map<std::string, std::string> config;
  // The warm-up transaction writes one record to each of partitions 0..warmup_partitions-1.
  int warmup_partitions = 1;
};

struct RdkafkaTxnProducerResult {
  int64_t committed_records = 0;
  int64_t transactions = 0;
  double seconds = 0;         // the first begin to the end of the last commit
  double commit_seconds = 0;  // of that, the time spent in commit_transaction
  double records_per_s() const { return seconds > 0 ? committed_records / seconds : 0; }
};

// IOError when a transaction call or a delivery fails (librdkafka's message in the text);
// InvalidArgument for a configuration librdkafka refuses. `progress` may be null.
Result<RdkafkaTxnProducerResult> RunRdkafkaTxnProducer(const RdkafkaTxnProducerOptions& options,
                                                       ProgressReporter* progress);

}  // namespace ringlog::bench
