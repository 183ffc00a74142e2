// The cases of `ringlog bench failover` (failover_suite.cc), each in a file of its own. A case
// runs on the suite's cluster, leaves it whole (every broker it took down is back and every
// partition of its topic has its full ISR), and reports its figures to the sink.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/harness/loadgen/local_cluster.h"
#include "bench/harness/measurement.h"
#include "bench/harness/suite.h"
#include "engine/status.h"

namespace ringlog::bench {

// What every case gets.
struct FailoverContext {
  const SuiteOptions& options;
  LocalCluster& cluster;
  const std::string& backend;
  MeasurementSink& sink;
};

// The ZooKeeper session of the suite's brokers: how long a killed broker stays registered.
inline constexpr int kFailoverSessionTimeoutMs = 2000;

// 1. kill -9 of a partition leader (not the controller) -> the first acknowledged acks=all
//    produce on its successor, options.failover_kills times, the broker restarted between.
Status MeasureLeaderKill(const FailoverContext& context);
// 2. SIGTERM of a partition leader under an idempotent acks=all producer -> its failed
//    deliveries and the time until every partition it led has another leader.
Status MeasureControlledShutdown(const FailoverContext& context);
// 3. Reassignment of an options.failover_reassign_bytes partition onto a broker that does not
//    hold it (a 4th broker started for it), under a producer: the time, and the producer's
//    throughput during the move against before it. Reports the refusal when the cluster does
//    not serve AlterPartitionReassignments.
Status MeasureReassignment(const FailoverContext& context);

// A measurement of the suite with the parameters every case shares.
Measurement FailoverMeasurement(const FailoverContext& context, const std::string& name);

// Percentiles of durations in seconds, as the latency columns show them (microseconds):
// the median, p99 and p99.9 (nearest rank, so with few samples both are the largest).
LatencySummary SecondsSummary(const std::vector<double>& seconds);

// "2.104,1.998,...": durations in seconds as milliseconds, for the JSON line's params.
std::string MillisecondsList(const std::vector<double>& seconds);

// Waits until every partition of `topic` has a running leader and an ISR as long as its
// replica list (as after a restarted broker caught up), so that the next fault starts from
// a whole cluster. IOError after a few minutes.
Status WaitForFullIsr(const LocalCluster& cluster, const std::string& topic);

}  // namespace ringlog::bench
