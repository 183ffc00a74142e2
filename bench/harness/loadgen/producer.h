// Producer: the load generator's full-speed producer. Several connections, each its own
// thread with a pre-encoded Produce request (bench/harness/loadgen/produce_template.h),
// keep up to `max_in_flight` requests outstanding for a fixed time.
//
// Connection c produces to partitions c, c + connections, ... (or c % partitions when
// there are fewer partitions than connections). With acks=0 nothing is answered, so the
// run ends with one acks=1 request per connection: the broker answers a connection in
// order, so its answer means everything before it was stored.
//
// The producer measures its own CPU time (the threads' CPU clocks around the send loop),
// so that a suite can show that the client costs far less than the broker.
//
// Thread-compatible: one Run() at a time.
#pragma once

#include <cstdint>
#include <string>

#include "bench/harness/progress_reporter.h"
#include "engine/log/compression/compression_type.h"
#include "engine/status.h"

namespace ringlog::bench {

struct ProducerOptions {
  std::string host = "127.0.0.1";
  int port = 9092;
  std::string topic;
  int32_t partitions = 1;  // of the topic, 0..partitions-1
  int connections = 1;
  int records_per_batch = 1;
  int record_bytes = 100;
  CompressionType compression = CompressionType::kNone;  // ProduceTemplateOptions
  int16_t acks = 1;                                      // 0, 1 or -1
  int max_in_flight = 5;
  double seconds = 3;
  // Stops earlier, once this many record-batch bytes were sent (split evenly among the
  // connections); 0: no limit.
  int64_t max_batch_bytes = 0;
};

struct ProducerResult {
  int64_t records = 0;      // acknowledged (acks=0: sent and then confirmed by the barrier)
  int64_t batch_bytes = 0;  // record-batch bytes of those records
  int64_t wire_bytes = 0;   // request frame bytes sent
  double seconds = 0;       // first send to last answer
  double client_cpu_seconds = 0;

  double records_per_s() const { return seconds > 0 ? records / seconds : 0; }
  double mb_per_s() const { return seconds > 0 ? batch_bytes / seconds / 1e6 : 0; }
};

// Runs for options.seconds (or up to max_batch_bytes) and returns the totals; `progress` (may be
// null; must outlive the call) is told about every acknowledged request. IOError when a connection
// fails, or when the broker answers any partition with an error (the first error ends the run).
Result<ProducerResult> RunProducer(const ProducerOptions& options, ProgressReporter* progress);

}  // namespace ringlog::bench
