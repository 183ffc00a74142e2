// Suite `failover`: what a fault costs a ringlog cluster (issue 16).
//
// One cluster on this machine per backend, started by the suite: a private ZooKeeper and 3
// `ringlog serve` children (loadgen/local_cluster.h) with --zookeeper_session_timeout_ms=2000
// and --min_insync_replicas=2, so that a crashed broker is noticed within about 2 s and an
// acks=all write is on at least two replicas. The cases (failover_cases.h), in turn:
//
// 1. Failover time: a partition's leader killed with kill -9, to the first acks=all produce
//    its successor acknowledges, over --failover_kills kills (20); median and p99 (target
//    <= 3 s; Kafka's ZooKeeper mode defaults to an 18 s session).
// 2. Controlled shutdown: SIGTERM of a leader under an idempotent acks=all librdkafka
//    producer with retries: failed deliveries (target 0) and the time until leadership
//    moved (target <= 1 s), over --repetitions runs.
// 3. Reassignment: a 4th broker joins; a --failover_reassign_bytes (1 GiB) partition moves
//    onto it through AlterPartitionReassignments (API 45) while a producer writes to it: the
//    time of the move, and the producer's throughput during it against before it.
#include <chrono>
#include <cmath>
#include <memory>
#include <string>

#include "bench/harness/failover_cases.h"
#include "bench/harness/median.h"
#include "bench/harness/scratch_dir.h"

namespace ringlog::bench {
namespace {

constexpr int kBrokers = 3;
constexpr int kMinInsyncReplicas = 2;
constexpr auto kFullIsrTimeout = std::chrono::minutes(5);

}  // namespace

Measurement FailoverMeasurement(const FailoverContext& context, const std::string& name) {
  Measurement m;
  m.suite = "failover";
  m.name = name;
  m.backend = context.backend;
  m.params = {{"brokers", std::to_string(kBrokers)},
              {"zookeeper_session_timeout_ms", std::to_string(kFailoverSessionTimeoutMs)},
              {"min_insync_replicas", std::to_string(kMinInsyncReplicas)}};
  return m;
}

LatencySummary SecondsSummary(const std::vector<double>& seconds) {
  return LatencySummary{Median(seconds) * 1e6, Percentile(seconds, 0.99) * 1e6,
                        Percentile(seconds, 0.999) * 1e6};
}

std::string MillisecondsList(const std::vector<double>& seconds) {
  std::string list;
  for (const double s : seconds) {
    if (!list.empty()) list += ",";
    list += std::to_string(std::lround(s * 1000));
  }
  return list;
}

Status WaitForFullIsr(const LocalCluster& cluster, const std::string& topic) {
  const LocalCluster::TopicCheck whole = [&](const TopicMetadata& t) -> std::string {
    if (t.error_code != 0) return "topic error " + std::to_string(t.error_code);
    for (const PartitionMetadata& p : t.partitions) {
      if (p.error_code != 0 || p.leader_id < 1 || p.leader_id > cluster.broker_count() ||
          !cluster.running(p.leader_id) || p.isr.size() != p.replicas.size()) {
        return "partition " + std::to_string(p.partition) + ": error " +
               std::to_string(p.error_code) + ", leader " + std::to_string(p.leader_id) + ", " +
               std::to_string(p.isr.size()) + " of " + std::to_string(p.replicas.size()) +
               " replicas in sync";
      }
    }
    return t.partitions.empty() ? "no partitions" : "";
  };
  return cluster.WaitForTopic(topic, whole, kFullIsrTimeout).status();
}

Status RunFailoverSuite(const SuiteOptions& options, MeasurementSink& sink) {
  ASSIGN_OR_RETURN(std::unique_ptr<ScratchDir> scratch,
                   ScratchDir::Create(options.data_dir, "failover-"));
  for (const std::string& backend : options.backends) {
    {
      LocalClusterOptions c;
      c.binary = options.ringlog_binary;
      c.dir = scratch->path();
      c.backend = backend;
      c.brokers = kBrokers;
      c.flags = {"--zookeeper_session_timeout_ms=" + std::to_string(kFailoverSessionTimeoutMs),
                 "--min_insync_replicas=" + std::to_string(kMinInsyncReplicas)};
      ASSIGN_OR_RETURN(std::unique_ptr<LocalCluster> cluster, LocalCluster::Start(c));
      const FailoverContext context{options, *cluster, backend, sink};
      RETURN_IF_ERROR(MeasureLeaderKill(context));
      RETURN_IF_ERROR(MeasureControlledShutdown(context));
      RETURN_IF_ERROR(MeasureReassignment(context));
      RETURN_IF_ERROR(cluster->Stop());
    }
    RETURN_IF_ERROR(scratch->Clear());
  }
  return Status::OK();
}

}  // namespace ringlog::bench
