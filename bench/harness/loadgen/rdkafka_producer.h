// The second client mode of `ringlog bench`: librdkafka's producer, what most users'
// applications run, driven at full speed with small records.
//
// The producer (after an optional warm-up) enqueues records in a tight loop for a fixed time
// (waiting briefly whenever librdkafka's queue is full), or at a fixed rate, then flushes; the
// rate counts only records whose delivery report says they were stored.
#pragma once

#include <atomic>
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
  // Records enqueued per second, evenly spaced; 0: as fast as librdkafka's queue takes them.
  double records_per_second = 0;
  // Ends the run before `seconds` once it reads true (checked between records); may be null,
  // else must outlive Run().
  const std::atomic<bool>* stop = nullptr;
  // Ends the run before `seconds` once this many records were enqueued; 0: no limit.
  int64_t max_records = 0;
  // Failed deliveries are counted in the result instead of failing the run, for the runs
  // whose question is how many fail.
  bool count_failures = false;
};

struct RdkafkaProducerResult {
  int64_t delivered = 0;
  double seconds = 0;       // first enqueue to the end of the final flush
  int64_t failed = 0;       // only with count_failures; else a failure fails the run
  std::string first_error;  // of the first failed delivery
  // The longest time without a delivery report of a stored record, from the first enqueue
  // to the last report: how long the producer was stalled at worst.
  double longest_gap_seconds = 0;
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

  // Produces for options.seconds (or until options.stop or options.max_records), then
  // flushes. IOError when the
  // final flush times out, or when a delivery fails and options.count_failures is off. `progress`
  // may be null and must outlive the call. Once only.
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
