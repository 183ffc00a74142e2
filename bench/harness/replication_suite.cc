// Suite `replication`: what keeping every partition on three brokers costs (issue 15).
//
// One cluster on this machine, started by the suite: a private ZooKeeper and 3 `ringlog
// serve` children (loadgen/local_cluster.h) with their default flags, on the backend under
// test. Two topics of --replication_partitions partitions: one with replication factor 3,
// one with 1.
//
// 1. Throughput: --replication_producers librdkafka producers at once, each a client of its
//    own, warmed up (connected to every leader), enqueue --replication_record_bytes records
//    (1 KiB) at full speed for --duration seconds. Three cases take turns over the repetitions
//    (each repetition starting one case later, so that the drift of a shared machine falls on all
//    alike); medians: RF=3 acks=all, compared with RF=1 acks=1 (target: at least 0.5 of it; the
//    three brokers share the machine's cores, so this is a floor); and RF=1 acks=all, compared with
//    RF=1 acks=1: the part of the cost that is the leader's own flush (--flush_on_acks_all is on by
//    default), not replication. The RF=3 figure carries the ISR of its partitions after the runs,
//    so that a reader sees how many replicas acks=all waited for.
// 2. End-to-end latency at a fixed --replication_latency_rate (10,000 records/s) with RF=3
//    and acks=all: the paced producer and the consumer of end_to_end_latency.h on the
//    leader of a fresh one-partition RF=3 topic per repetition. The consumer reads below the
//    high watermark, so a record counts once every in-sync replica has it. Target p99:
//    5 ms. Beside it, taking turns, the same case at RF=1: the same machine at the same
//    moment without replication. Percentiles per repetition; medians reported.
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/harness/end_to_end_latency.h"
#include "bench/harness/fixed_text.h"
#include "bench/harness/loadgen/local_cluster.h"
#include "bench/harness/loadgen/paced_producer.h"
#include "bench/harness/loadgen/rdkafka_producer.h"
#include "bench/harness/median.h"
#include "bench/harness/progress_reporter.h"
#include "bench/harness/scratch_dir.h"
#include "bench/harness/suite.h"

namespace ringlog::bench {
namespace {

constexpr int kBrokers = 3;
constexpr char kReplicatedTopic[] = "replicated";
constexpr char kSingleTopic[] = "single";
constexpr double kThroughputTarget = 0.5;
constexpr double kLatencyTargetP99Us = 5000;
// Records each producer may hold unacknowledged: enough to keep its connections busy, few
// enough that the final flush of a run takes a fraction of a second at these rates.
constexpr int kQueuedRecordsPerProducer = 20000;

struct ThroughputCase {
  std::string name;
  std::string topic;
  int replication_factor;
  std::string acks;
  std::string baseline;  // the case it is compared with; "" for none
};

std::vector<ThroughputCase> ThroughputCases(const SuiteOptions& options) {
  const std::string shape = std::to_string(options.replication_producers) + " producers " +
                            std::to_string(options.replication_record_bytes) + " B";
  const std::string rf1_acks1 = "RF=1 acks=1 " + shape;
  return {
      {"RF=3 acks=all " + shape, kReplicatedTopic, 3, "all", rf1_acks1},
      {rf1_acks1, kSingleTopic, 1, "1", ""},
      {"RF=1 acks=all " + shape, kSingleTopic, 1, "all", rf1_acks1},
  };
}

// librdkafka's defaults except acks, a short linger, no compression and a bounded queue.
std::map<std::string, std::string> ProducerConfig(const std::string& acks) {
  return {
      {"acks", acks},
      {"linger.ms", "5"},
      {"queue.buffering.max.messages", std::to_string(kQueuedRecordsPerProducer)},
      {"compression.codec", "none"},
  };
}

// One run of every producer at once: the records delivered per second, over the slowest
// producer's time.
Result<double> RunProducersOnce(const SuiteOptions& options, const LocalCluster& cluster,
                                const ThroughputCase& c, const std::string& backend) {
  RdkafkaProducerOptions r;
  r.bootstrap_servers = cluster.bootstrap_servers();
  r.topic = c.topic;
  r.record_bytes = options.replication_record_bytes;
  r.seconds = options.seconds_per_measurement;
  r.config = ProducerConfig(c.acks);
  r.warmup_partitions = options.replication_partitions;
  // Every producer connected first, so that they produce over the same seconds.
  std::vector<std::unique_ptr<RdkafkaProducer>> producers;
  for (int i = 0; i < options.replication_producers; ++i) {
    ASSIGN_OR_RETURN(std::unique_ptr<RdkafkaProducer> producer, RdkafkaProducer::Create(r));
    producers.push_back(std::move(producer));
  }
  ProgressReporter progress("replication " + c.name + " " + backend);
  std::vector<Result<RdkafkaProducerResult>> results(producers.size(), Status::Busy("not run"));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < producers.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = producers[i]->Run(&progress); });
  }
  for (std::thread& t : threads) t.join();
  int64_t delivered = 0;
  double seconds = 0;
  for (const Result<RdkafkaProducerResult>& result : results) {
    RETURN_IF_ERROR(result.status());
    delivered += result->delivered;
    seconds = std::max(seconds, result->seconds);
  }
  return seconds > 0 ? delivered / seconds : 0;
}

// "3,3,3": the ISR size of each partition of `topic`, or why it is unknown.
std::string IsrSizes(const LocalCluster& cluster, const std::string& topic) {
  Result<TopicMetadata> t = cluster.DescribeTopic(topic);
  if (!t.ok()) return "unknown: " + t.status().ToString();
  std::string sizes;
  for (const PartitionMetadata& p : t->partitions) {
    if (!sizes.empty()) sizes += ",";
    sizes += std::to_string(p.isr.size());
  }
  return sizes;
}

Status MeasureThroughput(const SuiteOptions& options, const LocalCluster& cluster,
                         const std::string& backend, MeasurementSink& sink) {
  const std::vector<ThroughputCase> cases = ThroughputCases(options);
  std::vector<std::vector<double>> rates(cases.size());
  for (int rep = 0; rep < options.repetitions; ++rep) {
    for (size_t turn = 0; turn < cases.size(); ++turn) {
      const size_t i = (turn + static_cast<size_t>(rep)) % cases.size();
      ASSIGN_OR_RETURN(const double rate, RunProducersOnce(options, cluster, cases[i], backend));
      rates[i].push_back(rate);
    }
  }
  const std::string isr_after = IsrSizes(cluster, kReplicatedTopic);
  std::map<std::string, double> mb_per_s_of;
  std::vector<Measurement> measurements;
  for (size_t i = 0; i < cases.size(); ++i) {
    const ThroughputCase& c = cases[i];
    Measurement m;
    m.suite = "replication";
    m.name = c.name;
    m.backend = backend;
    m.params = {{"client", "librdkafka"},
                {"brokers", std::to_string(kBrokers)},
                {"replication_factor", std::to_string(c.replication_factor)},
                {"acks", c.acks},
                {"topic", c.topic},
                {"partitions", std::to_string(options.replication_partitions)},
                {"producers", std::to_string(options.replication_producers)},
                {"record_bytes", std::to_string(options.replication_record_bytes)}};
    for (const auto& [key, value] : ProducerConfig(c.acks)) m.params[key] = value;
    if (c.replication_factor > 1) {
      m.params["isr_sizes_after"] = isr_after;
      m.params["target_ratio"] = Fixed(kThroughputTarget, 2);
    }
    m.records_per_s = Median(rates[i]);
    m.mb_per_s = m.records_per_s * options.replication_record_bytes / 1e6;
    m.repetitions = options.repetitions;
    mb_per_s_of[c.name] = m.mb_per_s;
    measurements.push_back(std::move(m));
  }
  for (size_t i = 0; i < cases.size(); ++i) {
    if (!cases[i].baseline.empty()) {
      measurements[i].CompareWith(cases[i].baseline, mb_per_s_of.at(cases[i].baseline));
    }
  }
  // The baseline first, as the table reads best.
  std::stable_partition(measurements.begin(), measurements.end(),
                        [](const Measurement& m) { return m.baseline_name.empty(); });
  for (const Measurement& m : measurements) sink.Add(m);
  return Status::OK();
}

// The per-repetition figures of one latency case.
struct LatencyRuns {
  std::vector<double> p50, p99, p999, achieved;
  std::string isr_sizes;  // of each repetition's topic after its run
};

// One repetition of the latency case at `replication_factor`: a fresh one-partition topic,
// produced to and consumed from its leader.
Status RunLatencyOnce(const SuiteOptions& options, const LocalCluster& cluster,
                      int replication_factor, const std::string& topic, const std::string& backend,
                      LatencyRuns& runs) {
  ASSIGN_OR_RETURN(const std::vector<PartitionMetadata> partitions,
                   cluster.CreateTopic(topic, 1, static_cast<int16_t>(replication_factor)));
  const BrokerProcess& leader = cluster.broker(partitions[0].leader_id);
  PacedProducerOptions p;
  p.host = leader.host();
  p.port = leader.port();
  p.topic = topic;
  p.records_per_second = options.replication_latency_rate;
  p.record_bytes = options.replication_record_bytes;
  p.acks = -1;
  p.seconds = options.seconds_per_measurement;
  ASSIGN_OR_RETURN(
      const EndToEndResult r,
      MeasureEndToEnd(p, "replication RF=" + std::to_string(replication_factor) + " acks=all " +
                             std::to_string(static_cast<int>(p.records_per_second)) + "/s " +
                             backend));
  runs.p50.push_back(r.latency.p50_us);
  runs.p99.push_back(r.latency.p99_us);
  runs.p999.push_back(r.latency.p999_us);
  runs.achieved.push_back(r.records_per_s);
  if (!runs.isr_sizes.empty()) runs.isr_sizes += ",";
  runs.isr_sizes += IsrSizes(cluster, topic);
  return Status::OK();
}

// RF=3 acks=all end to end, and beside it, taking turns, the same at RF=1: what the
// same machine at the same moment gives without replication.
Status MeasureLatency(const SuiteOptions& options, const LocalCluster& cluster,
                      const std::string& backend, MeasurementSink& sink) {
  const int rate = static_cast<int>(options.replication_latency_rate);
  const int factors[] = {kBrokers, 1};
  LatencyRuns runs[2];
  for (int rep = 0; rep < options.repetitions; ++rep) {
    for (int turn = 0; turn < 2; ++turn) {
      const int i = (turn + rep) % 2;
      const std::string topic =
          "latency-rf" + std::to_string(factors[i]) + "-" + std::to_string(rep);
      RETURN_IF_ERROR(RunLatencyOnce(options, cluster, factors[i], topic, backend, runs[i]));
    }
  }
  for (int i = 0; i < 2; ++i) {
    Measurement m;
    m.suite = "replication";
    m.name = "RF=" + std::to_string(factors[i]) + " acks=all " + std::to_string(rate) +
             " records/s end to end";
    m.backend = backend;
    m.params = {{"client", "loadgen"},
                {"brokers", std::to_string(kBrokers)},
                {"replication_factor", std::to_string(factors[i])},
                {"acks", "all"},
                {"target_records_per_s", std::to_string(rate)},
                {"record_bytes", std::to_string(options.replication_record_bytes)}};
    if (factors[i] > 1) {
      m.params["target_p99_us"] = std::to_string(static_cast<int>(kLatencyTargetP99Us));
      m.params["isr_sizes_after"] = runs[i].isr_sizes;
    }
    m.records_per_s = Median(runs[i].achieved);
    m.mb_per_s = m.records_per_s * options.replication_record_bytes / 1e6;
    m.latency = LatencySummary{Median(runs[i].p50), Median(runs[i].p99), Median(runs[i].p999)};
    m.repetitions = options.repetitions;
    sink.Add(m);
  }
  return Status::OK();
}

}  // namespace

Status RunReplicationSuite(const SuiteOptions& options, MeasurementSink& sink) {
  ASSIGN_OR_RETURN(std::unique_ptr<ScratchDir> scratch,
                   ScratchDir::Create(options.data_dir, "replication-"));
  for (const std::string& backend : options.backends) {
    {
      LocalClusterOptions c;
      c.binary = options.ringlog_binary;
      c.dir = scratch->path();
      c.backend = backend;
      c.brokers = kBrokers;
      ASSIGN_OR_RETURN(std::unique_ptr<LocalCluster> cluster, LocalCluster::Start(c));
      RETURN_IF_ERROR(
          cluster->CreateTopic(kReplicatedTopic, options.replication_partitions, kBrokers)
              .status());
      RETURN_IF_ERROR(
          cluster->CreateTopic(kSingleTopic, options.replication_partitions, 1).status());
      RETURN_IF_ERROR(MeasureThroughput(options, *cluster, backend, sink));
      RETURN_IF_ERROR(MeasureLatency(options, *cluster, backend, sink));
      RETURN_IF_ERROR(cluster->Stop());
    }
    RETURN_IF_ERROR(scratch->Clear());
  }
  return Status::OK();
}

}  // namespace ringlog::bench
