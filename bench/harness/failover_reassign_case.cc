// Case 3 of the failover suite: a partition of --failover_reassign_bytes (1 GiB) moves onto a
// broker that does not hold it, while a producer writes to it.
//
// A one-partition topic replicated on the 3 brokers is filled (acks=all, 512 KiB batches), and
// a 4th broker joins the cluster. Each repetition: an acks=all librdkafka producer writes to
// the partition at full speed for --duration seconds (the throughput before the move); then a
// fresh one writes while the partition's leader is replaced by the broker outside its replica
// set, through AlterPartitionReassignments (API 45) as kafka-reassign-partitions sends it; the
// clock runs until every running broker's Metadata shows the new replica set, all of it in the
// ISR, led by one of its members. Figures: the time of the move, and the producer's
// throughput during it against before it (medians over --repetitions).
//
// The producer during the move stops after a quarter of the partition's size: on two shared
// cores a full-speed producer can outrun the new replica, and the move would then never end
// while the disk fills (a 1 GiB move under such a producer had written 18 GB per broker after
// 4 minutes). Its rate is over its own run, which lies within the move; the move's time
// includes copying what it wrote.
//
// A cluster that does not serve API 45 gets one measurement without figures whose
// "outcome" says so: the refusal is the result, not a figure.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bench/harness/failover_cases.h"
#include "bench/harness/loadgen/kafka_connection.h"
#include "bench/harness/loadgen/partition_reassignment.h"
#include "bench/harness/loadgen/producer.h"
#include "bench/harness/loadgen/rdkafka_producer.h"
#include "bench/harness/median.h"

namespace ringlog::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kTopic[] = "reassign";
constexpr int kFillRecordBytes = 16384;
constexpr int kFillRecordsPerBatch = 32;  // 512 KiB batches, below --message_max_bytes
constexpr int kRecordBytes = 1024;
constexpr auto kMoveTimeout = std::chrono::minutes(30);
constexpr double kFillSeconds = 3600;
// What the producer during a move may add to the partition, as a fraction of its size.
constexpr int64_t kDuringShare = 4;  // a quarter
// Free space the case wants on the data directory, in partition sizes: 4 brokers' replicas
// with what the producers add, and room for the backends' own overheads.
constexpr int64_t kFreeSpaceShare = 12;

std::map<std::string, std::string> ProducerConfig() {
  return {{"acks", "all"}, {"linger.ms", "5"}, {"compression.codec", "none"}};
}

// Writes `bytes` of record batches to the partition's leader with acks=all.
Status Fill(const LocalCluster& cluster, int32_t leader, int64_t bytes) {
  ProducerOptions p;
  p.host = cluster.broker(leader).host();
  p.port = cluster.broker(leader).port();
  p.topic = kTopic;
  p.records_per_batch = kFillRecordsPerBatch;
  p.record_bytes = kFillRecordBytes;
  p.acks = -1;
  p.seconds = kFillSeconds;
  p.max_batch_bytes = bytes;
  ProgressReporter progress("failover fill " + std::string(kTopic));
  return RunProducer(p, &progress).status();
}

// IOError when the file system of `dir` has less than `needed` bytes free.
Status CheckFreeSpace(const std::string& dir, int64_t needed) {
  std::error_code ec;
  const std::filesystem::space_info space = std::filesystem::space(dir, ec);
  if (ec) return Status::IOError("free space of " + dir + ": " + ec.message(), ec.value());
  if (space.available < static_cast<uintmax_t>(needed)) {
    return Status::IOError("the reassignment case wants " + std::to_string(needed >> 20) +
                           " MiB free in " + dir + ", which has " +
                           std::to_string(space.available >> 20) +
                           " MiB: lower --failover_reassign_bytes");
  }
  return Status::OK();
}

// The reassignment's target: `replicas` with the leader's place taken by the broker of the
// cluster outside them.
std::vector<int32_t> MoveLeaderAway(const LocalCluster& cluster, const PartitionMetadata& p) {
  std::vector<int32_t> target = p.replicas;
  int32_t outside = -1;
  for (int32_t id = 1; id <= cluster.broker_count(); ++id) {
    if (std::ranges::find(target, id) == target.end()) outside = id;
  }
  std::ranges::replace(target, p.leader_id, outside);
  return target;
}

// "" once `t` shows the partition on exactly `target`, all of it in sync, led by one of it.
std::string Settled(const TopicMetadata& t, const std::vector<int32_t>& target) {
  if (t.partitions.size() != 1) return "no partition";
  const PartitionMetadata& p = t.partitions[0];
  std::vector<int32_t> replicas = p.replicas, isr = p.isr, want = target;
  std::ranges::sort(replicas);
  std::ranges::sort(isr);
  std::ranges::sort(want);
  if (replicas != want || isr != want || std::ranges::find(want, p.leader_id) == want.end()) {
    return "replicas " + std::to_string(p.replicas.size()) + ", " + std::to_string(p.isr.size()) +
           " in sync, leader " + std::to_string(p.leader_id);
  }
  return "";
}

Result<double> ProduceFor(const LocalCluster& cluster, double seconds) {
  RdkafkaProducerOptions r;
  r.bootstrap_servers = cluster.bootstrap_servers();
  r.topic = kTopic;
  r.record_bytes = kRecordBytes;
  r.seconds = seconds;
  r.config = ProducerConfig();
  r.warmup_partitions = 1;
  ASSIGN_OR_RETURN(const RdkafkaProducerResult result, RunRdkafkaProducer(r, nullptr));
  return result.records_per_s();
}

struct MoveFigures {
  std::string refused;  // the cluster's error when it refused the move; then no figures
  double seconds = 0;
  double records_per_s = 0;     // of the producer during the move
  double producer_seconds = 0;  // how long it ran: the move's first seconds, or all of it
};

// One move of the partition's leader replica onto the broker outside its replica set.
Result<MoveFigures> MoveOnce(const FailoverContext& context, KafkaConnection& admin) {
  LocalCluster& cluster = context.cluster;
  ASSIGN_OR_RETURN(const TopicMetadata before, cluster.DescribeTopic(kTopic));
  if (before.partitions.size() != 1) return Status::Corruption("no partition to move");
  const std::vector<int32_t> target = MoveLeaderAway(cluster, before.partitions[0]);
  std::atomic<bool> stop{false};
  RdkafkaProducerOptions r;
  r.bootstrap_servers = cluster.bootstrap_servers();
  r.topic = kTopic;
  r.record_bytes = kRecordBytes;
  r.seconds = std::chrono::duration<double>(kMoveTimeout).count();
  r.config = ProducerConfig();
  r.warmup_partitions = 1;
  r.stop = &stop;
  r.max_records = context.options.failover_reassign_bytes / kDuringShare / kRecordBytes;
  ASSIGN_OR_RETURN(std::unique_ptr<RdkafkaProducer> producer, RdkafkaProducer::Create(r));
  Result<RdkafkaProducerResult> produced = Status::Busy("not run");
  std::thread producing([&] { produced = producer->Run(nullptr); });
  const Clock::time_point start = Clock::now();
  const Result<ReassignmentAnswer> answer = RequestReassignment(admin, kTopic, 0, target);
  Status moved = answer.status();
  if (answer.ok() && answer->error_code == 0) {
    moved =
        cluster
            .WaitForTopic(
                kTopic, [&](const TopicMetadata& t) { return Settled(t, target); }, kMoveTimeout)
            .status();
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  stop = true;
  producing.join();
  RETURN_IF_ERROR(moved);
  if (answer->error_code != 0) return MoveFigures{answer->error, 0, 0, 0};
  RETURN_IF_ERROR(produced.status());
  return MoveFigures{"", seconds, produced->records_per_s(), produced->seconds};
}

}  // namespace

Status MeasureReassignment(const FailoverContext& context) {
  LocalCluster& cluster = context.cluster;
  const int64_t bytes = context.options.failover_reassign_bytes;
  ASSIGN_OR_RETURN(const std::vector<PartitionMetadata> partitions,
                   cluster.CreateTopic(kTopic, 1, static_cast<int16_t>(cluster.broker_count())));
  ASSIGN_OR_RETURN(const int32_t added, cluster.AddBroker());
  const std::string name = "reassignment of a " + std::to_string(bytes >> 20) +
                           " MiB partition onto a new broker: producer acks=all during the move";
  const auto base = [&](const std::string& case_name) {
    Measurement m = FailoverMeasurement(context, case_name);
    m.params["brokers"] = std::to_string(cluster.broker_count());
    m.params["new_broker"] = std::to_string(added);
    m.params["partition_bytes"] = std::to_string(bytes);
    m.params["api"] = "AlterPartitionReassignments v0";
    m.params["client"] = "librdkafka";
    m.params["record_bytes"] = std::to_string(kRecordBytes);
    m.params["producer_max_bytes_during"] = std::to_string(bytes / kDuringShare);
    for (const auto& [key, value] : ProducerConfig()) m.params[key] = value;
    m.repetitions = context.options.repetitions;
    return m;
  };
  ASSIGN_OR_RETURN(std::unique_ptr<KafkaConnection> admin,
                   KafkaConnection::Connect(cluster.broker(1).host(), cluster.broker(1).port()));
  ASSIGN_OR_RETURN(const std::optional<VersionRange> served,
                   ServedVersions(*admin, kAlterPartitionReassignmentsKey));
  if (!served.has_value()) {
    Measurement m = base(name);
    m.params["outcome"] =
        "refused: the broker does not serve AlterPartitionReassignments (API 45; ApiVersions "
        "lists no such API), so nothing was moved";
    std::fprintf(stderr, "failover %s reassignment: %s\n", context.backend.c_str(),
                 m.params["outcome"].c_str());
    context.sink.Add(m);
    return Status::OK();
  }
  RETURN_IF_ERROR(CheckFreeSpace(context.options.data_dir, bytes * kFreeSpaceShare));
  RETURN_IF_ERROR(Fill(cluster, partitions[0].leader_id, bytes));
  RETURN_IF_ERROR(WaitForFullIsr(cluster, kTopic));
  std::vector<double> before, during, move_seconds, producer_seconds;
  for (int rep = 0; rep < context.options.repetitions; ++rep) {
    ASSIGN_OR_RETURN(const double rate,
                     ProduceFor(cluster, context.options.seconds_per_measurement));
    before.push_back(rate);
    ASSIGN_OR_RETURN(const MoveFigures move, MoveOnce(context, *admin));
    if (!move.refused.empty()) {
      Measurement m = base(name);
      m.params["outcome"] = "refused: AlterPartitionReassignments " + move.refused;
      std::fprintf(stderr, "failover %s reassignment: %s\n", context.backend.c_str(),
                   m.params["outcome"].c_str());
      context.sink.Add(m);
      return Status::OK();
    }
    during.push_back(move.records_per_s);
    move_seconds.push_back(move.seconds);
    producer_seconds.push_back(move.producer_seconds);
    std::fprintf(stderr,
                 "failover %s reassignment %d/%d: %.1f s, producer %.0f records/s during, %.0f "
                 "before\n",
                 context.backend.c_str(), rep + 1, context.options.repetitions, move.seconds,
                 move.records_per_s, rate);
  }
  const std::string before_name = "producer acks=all to a " + std::to_string(bytes >> 20) +
                                  " MiB partition before its reassignment";
  Measurement b = base(before_name);
  b.records_per_s = Median(before);
  b.mb_per_s = b.records_per_s * kRecordBytes / 1e6;
  context.sink.Add(b);
  Measurement m = base(name);
  m.params["outcome"] = "moved";
  m.params["move_ms"] = MillisecondsList(move_seconds);
  m.params["producer_during_ms"] = MillisecondsList(producer_seconds);
  m.records_per_s = Median(during);
  m.mb_per_s = m.records_per_s * kRecordBytes / 1e6;
  m.latency = SecondsSummary(move_seconds);
  m.CompareWith(before_name, b.mb_per_s);
  context.sink.Add(m);
  return Status::OK();
}

}  // namespace ringlog::bench
