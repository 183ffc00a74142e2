// Case 2 of the failover suite: SIGTERM of a partition's leader while an idempotent acks=all
// librdkafka producer (retries on, as by default) writes to every partition of the topic.
//
// Each run: the producer warms up (a record to every partition) and writes at a steady rate;
// after --duration seconds, a broker that leads a partition (not the controller when another
// leader exists) gets SIGTERM, and the clock runs until every running broker's Metadata names
// another running leader for every partition the broker led. The producer writes on for
// --duration seconds after that, flushes, and counts the deliveries that failed. Then the broker
// restarts and the next run waits until it is back in every ISR. Figures: the time until
// leadership moved (median over --repetitions), every failed delivery, and the producer's
// longest stall (no record acknowledged).
//
// Whether the broker hands its leaderships over before it stops (a controlled shutdown) or
// just stops (its ZooKeeper session closes and the controller elects new leaders) is the
// broker's business; the case says which by whether the broker serves ControlledShutdown
// (API 7).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bench/harness/failover_cases.h"
#include "bench/harness/loadgen/kafka_connection.h"
#include "bench/harness/loadgen/partition_reassignment.h"
#include "bench/harness/loadgen/rdkafka_producer.h"
#include "bench/harness/median.h"

namespace ringlog::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kTopic[] = "shutdown";
constexpr int kRecordBytes = 100;
constexpr double kRecordsPerSecond = 2000;
constexpr int16_t kControlledShutdownKey = 7;
constexpr auto kPollInterval = std::chrono::milliseconds(10);
constexpr auto kMoveTimeout = std::chrono::seconds(120);
constexpr int kTargetMoveMs = 1000;

std::map<std::string, std::string> ProducerConfig() {
  return {{"enable.idempotence", "true"},
          {"acks", "all"},
          {"linger.ms", "5"},
          {"compression.codec", "none"}};
}

// The broker to stop: a leader that is not the controller when there is one.
Result<int32_t> PickLeader(const LocalCluster& cluster, int turn) {
  ASSIGN_OR_RETURN(const MetadataAnswer answer, cluster.AskRunningBroker({kTopic}));
  if (answer.topics.size() != 1 || answer.topics[0].partitions.empty()) {
    return Status::Corruption("Metadata answered no partitions of " + std::string(kTopic));
  }
  const std::vector<PartitionMetadata>& partitions = answer.topics[0].partitions;
  const size_t n = partitions.size();
  for (size_t i = 0; i < n; ++i) {
    const int32_t leader = partitions[(static_cast<size_t>(turn) + i) % n].leader_id;
    if (leader >= 1 && leader != answer.controller_id) return leader;
  }
  return partitions[static_cast<size_t>(turn) % n].leader_id;
}

// Whether `broker` serves ControlledShutdown: "served v<min>-<max>" or "not served".
std::string ControlledShutdownServed(const BrokerProcess& broker) {
  Result<std::unique_ptr<KafkaConnection>> connection =
      KafkaConnection::Connect(broker.host(), broker.port());
  if (!connection.ok()) return "unknown: " + connection.status().ToString();
  Result<std::optional<VersionRange>> served = ServedVersions(**connection, kControlledShutdownKey);
  if (!served.ok()) return "unknown: " + served.status().ToString();
  if (!served->has_value()) return "not served";
  return "served v" + std::to_string((*served)->min_version) + "-" +
         std::to_string((*served)->max_version);
}

// Every running broker but `victim`: the Metadata of the first that answers.
Result<MetadataAnswer> AskAnotherBroker(const LocalCluster& cluster, int32_t victim) {
  Status last = Status::Busy("no other broker runs");
  for (int32_t id = 1; id <= cluster.broker_count(); ++id) {
    if (id == victim || !cluster.running(id)) continue;
    const BrokerProcess& b = cluster.broker(id);
    Result<std::unique_ptr<KafkaConnection>> connection =
        KafkaConnection::Connect(b.host(), b.port());
    if (!connection.ok()) {
      last = connection.status();
      continue;
    }
    return QueryMetadata(**connection, {kTopic});
  }
  return last;
}

// SIGTERM to `victim`, and the seconds until another broker's Metadata names a running leader
// other than it for every partition it led. Returns once the broker exited; `stopped` is how.
Result<double> SignalAndWatch(LocalCluster& cluster, int32_t victim, Status* stopped) {
  ASSIGN_OR_RETURN(const MetadataAnswer before, AskAnotherBroker(cluster, victim));
  std::vector<int32_t> led;
  if (before.topics.size() == 1) {
    for (const PartitionMetadata& p : before.topics[0].partitions) {
      if (p.leader_id == victim) led.push_back(p.partition);
    }
  }
  if (led.empty()) return Status::Busy("broker " + std::to_string(victim) + " leads nothing");
  const Clock::time_point signalled = Clock::now();
  std::thread stopping([&] { *stopped = cluster.StopBroker(victim); });
  // Polled here rather than through LocalCluster::WaitForTopic, whose 50 ms interval would
  // blur a figure whose target is 1 s.
  std::optional<double> moved;
  std::string last = "no answer";
  while (!moved.has_value() && Clock::now() - signalled < kMoveTimeout) {
    Result<MetadataAnswer> answer = AskAnotherBroker(cluster, victim);
    if (answer.ok() && answer->topics.size() == 1) {
      bool all_moved = true;
      for (const int32_t p : led) {
        const PartitionMetadata& now = answer->topics[0].partitions.at(static_cast<size_t>(p));
        if (now.leader_id < 1 || now.leader_id == victim) {
          all_moved = false;
          last = "partition " + std::to_string(p) + " leader " + std::to_string(now.leader_id);
        }
      }
      if (all_moved) moved = std::chrono::duration<double>(Clock::now() - signalled).count();
    } else if (!answer.ok()) {
      last = answer.status().ToString();
    }
    if (!moved.has_value()) std::this_thread::sleep_for(kPollInterval);
  }
  stopping.join();
  if (!moved.has_value()) {
    return Status::IOError("the leaderships of broker " + std::to_string(victim) +
                           " did not move within " + std::to_string(kMoveTimeout.count()) +
                           " s of SIGTERM (" + last + ")");
  }
  return *moved;
}

struct RunFigures {
  double move_seconds = 0;
  RdkafkaProducerResult producer;
  bool clean_exit = false;
};

// One SIGTERM of `victim` under the producer.
Result<RunFigures> RunOnce(const FailoverContext& context, int32_t victim) {
  LocalCluster& cluster = context.cluster;
  const std::chrono::duration<double> steady(context.options.seconds_per_measurement);
  std::atomic<bool> stop{false};
  RdkafkaProducerOptions r;
  r.bootstrap_servers = cluster.bootstrap_servers();
  r.topic = kTopic;
  r.record_bytes = kRecordBytes;
  r.seconds = std::chrono::duration<double>(kMoveTimeout).count() + 2 * steady.count();
  r.config = ProducerConfig();
  r.warmup_partitions = cluster.broker_count();
  r.records_per_second = kRecordsPerSecond;
  r.stop = &stop;
  r.count_failures = true;
  ASSIGN_OR_RETURN(std::unique_ptr<RdkafkaProducer> producer, RdkafkaProducer::Create(r));
  Result<RdkafkaProducerResult> produced = Status::Busy("not run");
  std::thread producing([&] { produced = producer->Run(nullptr); });
  std::this_thread::sleep_for(steady);
  Status stopped = Status::Busy("not signalled");
  const Result<double> moved = SignalAndWatch(cluster, victim, &stopped);
  if (moved.ok()) std::this_thread::sleep_for(steady);
  stop = true;
  producing.join();
  RETURN_IF_ERROR(moved.status());
  RETURN_IF_ERROR(produced.status());
  if (!stopped.ok()) std::fprintf(stderr, "failover: %s\n", stopped.ToString().c_str());
  return RunFigures{*moved, *produced, stopped.ok()};
}

}  // namespace

Status MeasureControlledShutdown(const FailoverContext& context) {
  LocalCluster& cluster = context.cluster;
  RETURN_IF_ERROR(
      cluster
          .CreateTopic(kTopic, cluster.broker_count(), static_cast<int16_t>(cluster.broker_count()))
          .status());
  RETURN_IF_ERROR(WaitForFullIsr(cluster, kTopic));
  const std::string api = ControlledShutdownServed(cluster.broker(1));
  std::vector<double> move_seconds, rates, gaps;
  int64_t delivered = 0, failed = 0;
  int clean_exits = 0;
  std::string first_error;
  for (int rep = 0; rep < context.options.repetitions; ++rep) {
    ASSIGN_OR_RETURN(const int32_t victim, PickLeader(cluster, rep));
    ASSIGN_OR_RETURN(const RunFigures run, RunOnce(context, victim));
    move_seconds.push_back(run.move_seconds);
    rates.push_back(run.producer.records_per_s());
    gaps.push_back(run.producer.longest_gap_seconds);
    delivered += run.producer.delivered;
    failed += run.producer.failed;
    if (first_error.empty()) first_error = run.producer.first_error;
    clean_exits += run.clean_exit ? 1 : 0;
    std::fprintf(stderr,
                 "failover %s SIGTERM %d/%d: broker %d, leadership moved in %.3f s, %lld of %lld "
                 "deliveries failed, longest stall %.3f s\n",
                 context.backend.c_str(), rep + 1, context.options.repetitions, victim,
                 run.move_seconds, static_cast<long long>(run.producer.failed),
                 static_cast<long long>(run.producer.failed + run.producer.delivered),
                 run.producer.longest_gap_seconds);
    RETURN_IF_ERROR(cluster.RestartBroker(victim));
    RETURN_IF_ERROR(WaitForFullIsr(cluster, kTopic));
  }
  Measurement m = FailoverMeasurement(
      context, "SIGTERM of a leader under an idempotent acks=all producer: leadership moved");
  m.params["fault"] = "SIGTERM";
  m.params["controlled_shutdown_api"] = api;
  m.params["client"] = "librdkafka";
  for (const auto& [key, value] : ProducerConfig()) m.params[key] = value;
  m.params["target_records_per_s"] = std::to_string(static_cast<int>(kRecordsPerSecond));
  m.params["record_bytes"] = std::to_string(kRecordBytes);
  m.params["deliveries"] = std::to_string(delivered + failed);
  m.params["failed_deliveries"] = std::to_string(failed);
  if (!first_error.empty()) m.params["first_delivery_error"] = first_error;
  m.params["target_failed_deliveries"] = "0";
  m.params["move_ms"] = MillisecondsList(move_seconds);
  m.params["target_move_ms"] = std::to_string(kTargetMoveMs);
  m.params["longest_stall_ms"] = MillisecondsList(gaps);
  m.params["clean_exits"] = std::to_string(clean_exits);
  m.records_per_s = Median(rates);
  m.mb_per_s = m.records_per_s * kRecordBytes / 1e6;
  m.latency = SecondsSummary(move_seconds);
  m.repetitions = context.options.repetitions;
  context.sink.Add(m);
  return Status::OK();
}

}  // namespace ringlog::bench
