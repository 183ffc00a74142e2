// End-to-end latency of one partition, produce to consume, as the latency and replication
// suites measure it: a paced producer (loadgen/paced_producer.h) stamps each record value
// with its send time; a consumer long-polling the same partition, started first,
// subtracts the stamp from the time the record arrives. Both run in this process, on the
// steady clock, against the partition's leader. Before either starts, one record is
// produced and acknowledged, so that a fresh partition is ready (its replicas fetching):
// what is measured is the steady state, not the topic's first moments.
#pragma once

#include "bench/harness/loadgen/paced_producer.h"
#include "bench/harness/measurement.h"
#include "engine/status.h"

namespace ringlog::bench {

struct EndToEndResult {
  LatencySummary latency;
  double records_per_s = 0;  // what the producer achieved
};

// Produces as `producer` says (host, port, topic and partition name the leader and an empty
// partition) for producer.seconds while consuming; returns once the consumer has every
// acknowledged record. `progress_label` names the progress line. IOError when the
// warm-up record is refused for 10 s, the producer or the consumer fails, or the
// consumer trails the producer's end by more than 10 s.
Result<EndToEndResult> MeasureEndToEnd(const PacedProducerOptions& producer,
                                       const std::string& progress_label);

}  // namespace ringlog::bench
