// The second client mode of `ringlog bench`: librdkafka's producer, what most users'
// applications run, driven at full speed with small records.
//
// The producer (after an optional warm-up) enqueues records in a tight loop for a fixed time
// (waiting briefly whenever librdkafka's queue is full), then flushes; the rate counts only records
// whose delivery report says they were stored.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
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
  // Before the clock starts, one record to each of partitions 0..warmup_partitions-1,
  // delivered and not counted: the client has then learnt the topic's leaders and
  // connected to them, so a short run measures producing, not the client's start.
  int warmup_partitions = 0;
};

struct RdkafkaProducerResult {
  int64_t delivered = 0;
  double seconds = 0;  // first enqueue to the end of the final flush
  double records_per_s() const { return seconds > 0 ? delivered / seconds : 0; }
};

// One librdkafka producer instance, for callers that start several and then run them
// together: Create() configures it and warms it up, Run() produces.
class RdkafkaProducer {
 public:
  // InvalidArgument for a configuration librdkafka refuses; IOError when the warm-up fails.
  static Result<std::unique_ptr<RdkafkaProducer>> Create(const RdkafkaProducerOptions& options);
  ~RdkafkaProducer();
  RdkafkaProducer(const RdkafkaProducer&) = delete;
  RdkafkaProducer& operator=(const RdkafkaProducer&) = delete;

  // Produces for options.seconds, then flushes. IOError when any delivery fails or the
  // final flush times out. `progress` may be null and must outlive the call. Once only.
  Result<RdkafkaProducerResult> Run(ProgressReporter* progress);

 private:
  struct State;
  explicit RdkafkaProducer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Create() and Run() in one.
Result<RdkafkaProducerResult> RunRdkafkaProducer(const RdkafkaProducerOptions& options,
                                                 ProgressReporter* progress);

}  // namespace ringlog::bench
