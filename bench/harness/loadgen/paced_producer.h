// PacedProducer: produces at a fixed rate over one connection and stamps every record
// with the time it was sent, for end-to-end latency measurement (a consumer subtracts
// the stamp from the time it receives the record; both run in this process, on the
// steady clock).
//
// Records are sent as they fall due: whatever accumulated since the last send goes out
// as one batch (at most `max_batch_records`), as a producer with linger 0 does. Up to
// `max_in_flight` requests stay outstanding; answers are read while waiting for the next
// record to fall due.
//
// Thread-compatible: one Run() at a time.
#pragma once

#include <cstdint>
#include <string>

#include "bench/harness/progress_reporter.h"
#include "engine/status.h"

namespace ringlog::bench {

struct PacedProducerOptions {
  std::string host = "127.0.0.1";
  int port = 9092;
  std::string topic;
  int32_t partition = 0;
  double records_per_second = 1000;
  int record_bytes = 1024;
  int16_t acks = 1;  // 1 or -1: the producer checks every answer
  int max_in_flight = 5;
  int max_batch_records = 64;
  double seconds = 3;
};

struct PacedProducerResult {
  int64_t records = 0;  // sent and acknowledged
  double seconds = 0;
};

// The send time stamped in the first 8 bytes of a record value: steady-clock ns.
int64_t SendTimeNow();

// Runs for options.seconds. IOError when the connection fails or the broker refuses a
// batch. `progress` may be null; it must outlive the call.
Result<PacedProducerResult> RunPacedProducer(const PacedProducerOptions& options,
                                             ProgressReporter* progress);

}  // namespace ringlog::bench
