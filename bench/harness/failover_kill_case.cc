// Case 1 of the failover suite: kill -9 of a partition's leader, to the first acknowledged
// acks=all produce on its successor.
//
// The topic has one partition per broker, replicated on all 3. Each kill picks a partition
// whose leader is not the controller (a broker that is both is a case of its own: the
// controller's successor must be elected before it can elect the partition's), kills that
// leader and starts the clock. A prober then asks a running broker's Metadata every 10 ms for
// the partition's leader and, once it names a running broker, sends it one acks=all record;
// the clock stops at the first acknowledgement. So the figure is what a client that refreshes
// its metadata at once sees: the session timeout, the controller's election, the news reaching
// the successor, and the successor's first acks=all write with the ISR the controller left.
// Then the killed broker restarts and the next kill waits until it is back in every ISR.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/harness/failover_cases.h"
#include "bench/harness/loadgen/kafka_connection.h"
#include "bench/harness/loadgen/produce_response_check.h"
#include "bench/harness/loadgen/produce_template.h"

namespace ringlog::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kTopic[] = "failover";
constexpr int kRecordBytes = 100;
constexpr int32_t kProbeTimeoutMs = 30000;
constexpr auto kProbeInterval = std::chrono::milliseconds(10);
constexpr auto kFailoverTimeout = std::chrono::seconds(120);
constexpr double kTargetSeconds = 3;

// One attempt to have an acks=all record acknowledged on partition `partition` by the
// leader a running broker names, unless that is `victim`. OK once acknowledged.
Status ProbeOnce(const LocalCluster& cluster, ProduceTemplate& request, int32_t partition,
                 int32_t victim) {
  ASSIGN_OR_RETURN(const MetadataAnswer answer, cluster.AskRunningBroker({kTopic}));
  if (answer.topics.size() != 1 ||
      answer.topics[0].partitions.size() <= static_cast<size_t>(partition)) {
    return Status::Busy("no metadata of the partition");
  }
  const int32_t leader = answer.topics[0].partitions[static_cast<size_t>(partition)].leader_id;
  if (leader < 1 || leader == victim || leader > cluster.broker_count() ||
      !cluster.running(leader)) {
    return Status::Busy("leader " + std::to_string(leader));
  }
  const BrokerProcess& b = cluster.broker(leader);
  ASSIGN_OR_RETURN(std::unique_ptr<KafkaConnection> connection,
                   KafkaConnection::Connect(b.host(), b.port()));
  std::vector<uint8_t> body;
  RETURN_IF_ERROR(connection->Call(request.frame(), &body));
  return CheckProduceResponse(body);
}

// The partition to fault and its leader: the first partition from `turn` on whose leader is
// not the controller, or, when the controller leads them all, partition `turn`.
struct Victim {
  int32_t partition = 0;
  int32_t broker = 0;
  bool is_controller = false;
};
Result<Victim> PickVictim(const LocalCluster& cluster, int turn) {
  ASSIGN_OR_RETURN(const MetadataAnswer answer, cluster.AskRunningBroker({kTopic}));
  if (answer.topics.size() != 1 || answer.topics[0].partitions.empty()) {
    return Status::Corruption("Metadata answered no partitions of " + std::string(kTopic));
  }
  const std::vector<PartitionMetadata>& partitions = answer.topics[0].partitions;
  const size_t n = partitions.size();
  for (size_t i = 0; i < n; ++i) {
    const PartitionMetadata& p = partitions[(static_cast<size_t>(turn) + i) % n];
    if (p.leader_id >= 1 && p.leader_id != answer.controller_id) {
      return Victim{p.partition, p.leader_id, false};
    }
  }
  const PartitionMetadata& p = partitions[static_cast<size_t>(turn) % n];
  return Victim{p.partition, p.leader_id, true};
}

}  // namespace

Status MeasureLeaderKill(const FailoverContext& context) {
  LocalCluster& cluster = context.cluster;
  const int32_t partitions = cluster.broker_count();
  RETURN_IF_ERROR(
      cluster.CreateTopic(kTopic, partitions, static_cast<int16_t>(cluster.broker_count()))
          .status());
  RETURN_IF_ERROR(WaitForFullIsr(cluster, kTopic));
  std::vector<double> leader_seconds;
  std::vector<double> controller_seconds;
  for (int kill = 0; kill < context.options.failover_kills; ++kill) {
    ASSIGN_OR_RETURN(const Victim victim, PickVictim(cluster, kill));
    ProduceTemplateOptions t;
    t.topic = kTopic;
    t.partitions = {victim.partition};
    t.record_bytes = kRecordBytes;
    t.acks = -1;
    t.timeout_ms = kProbeTimeoutMs;
    ASSIGN_OR_RETURN(ProduceTemplate request, ProduceTemplate::Build(t));
    const Clock::time_point killed = Clock::now();
    cluster.KillBroker(victim.broker);
    Status probe = Status::Busy("not tried");
    while (!(probe = ProbeOnce(cluster, request, victim.partition, victim.broker)).ok()) {
      if (Clock::now() - killed > kFailoverTimeout) {
        return Status::IOError("no acks=all produce acknowledged on " + std::string(kTopic) + "-" +
                               std::to_string(victim.partition) + " within " +
                               std::to_string(kFailoverTimeout.count()) + " s of killing broker " +
                               std::to_string(victim.broker) + "; last: " + probe.ToString());
      }
      std::this_thread::sleep_for(kProbeInterval);
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - killed).count();
    (victim.is_controller ? controller_seconds : leader_seconds).push_back(seconds);
    std::fprintf(stderr, "failover %s kill %d/%d: broker %d (leader of %s-%d%s): %.3f s\n",
                 context.backend.c_str(), kill + 1, context.options.failover_kills, victim.broker,
                 kTopic, victim.partition, victim.is_controller ? ", the controller" : "", seconds);
    RETURN_IF_ERROR(cluster.RestartBroker(victim.broker));
    RETURN_IF_ERROR(WaitForFullIsr(cluster, kTopic));
  }
  const auto report = [&](const std::string& name, const std::vector<double>& seconds) {
    Measurement m = FailoverMeasurement(context, name);
    m.params["fault"] = "kill -9";
    m.params["kills"] = std::to_string(seconds.size());
    m.params["acks"] = "all";
    m.params["probe_interval_ms"] = std::to_string(kProbeInterval.count());
    m.params["failover_ms"] = MillisecondsList(seconds);
    m.params["target_ms"] = std::to_string(static_cast<int>(kTargetSeconds * 1000));
    m.latency = SecondsSummary(seconds);
    m.repetitions = static_cast<int>(seconds.size());
    context.sink.Add(m);
  };
  if (!leader_seconds.empty()) {
    report("kill -9 of a leader: first acks=all ack on its successor", leader_seconds);
  }
  if (!controller_seconds.empty()) {
    report("kill -9 of a leader that is the controller: first acks=all ack", controller_seconds);
  }
  return Status::OK();
}

}  // namespace ringlog::bench
