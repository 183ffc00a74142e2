// The second client mode of `ringlog bench`: librdkafka's producer, what most users'
// applications run, driven at full speed with small records.
//
// The producer enqueues records in a tight loop for a fixed time (waiting briefly
// whenever librdkafka's queue is full), then flushes; the rate counts only records whose
// delivery report says they were stored.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "bench/harness/progress_reporter.h"
#include "engine/status.h"

namespace ringlog::bench {

struct RdkafkaProducerOptions {
  std::string bootstrap_servers;
  std::string topic;
  int record_bytes = 100;
  double seconds = 3;
  // librdkafka configuration properties, e.g. {"acks", "1"}, {"linger.ms", "5"}.
  std::map<std::string, std::string> config;
};

struct RdkafkaProducerResult {
  int64_t delivered = 0;
  double seconds = 0;  // first enqueue to the end of the final flush
  double records_per_s() const { return seconds > 0 ? delivered / seconds : 0; }
};

// InvalidArgument for a configuration librdkafka refuses; IOError when any delivery
// fails or the final flush times out. `progress` may be null and must outlive the call.
Result<RdkafkaProducerResult> RunRdkafkaProducer(const RdkafkaProducerOptions& options,
                                                 ProgressReporter* progress);

}  // namespace ringlog::bench
