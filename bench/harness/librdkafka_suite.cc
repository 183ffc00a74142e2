// Suite `librdkafka`: what users' applications see.
//
// 1. A librdkafka producer of 100 B records at full speed against ringlog (a `ringlog
//    serve` child writing to disk), and the same producer with the same configuration
//    against librdkafka's in-memory mock cluster in the same run: the client's own limit.
//    Beside it, against the same broker with the runs interleaved, the producer at
//    acks=all, with and without idempotence (which requires acks=all): what switching
//    idempotence on costs, with a target of at least 0.9 of the plain rate.
// 2. acks=all with the broker flushing before it acknowledges (group commit): 8
//    concurrent producers of the load generator, 1 KiB records in 16 KiB batches (Kafka's
//    default batch.size) with 5 requests in flight each (Kafka's default), in records/s,
//    beside the same batches written raw with group-committed fdatasync.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "bench/harness/fixed_text.h"
#include "bench/harness/loadgen/broker_process.h"
#include "bench/harness/loadgen/kafka_connection.h"
#include "bench/harness/loadgen/mock_cluster.h"
#include "bench/harness/loadgen/producer.h"
#include "bench/harness/loadgen/rdkafka_producer.h"
#include "bench/harness/loadgen/topic_admin.h"
#include "bench/harness/median.h"
#include "bench/harness/progress_reporter.h"
#include "bench/harness/raw_sequential_write.h"
#include "bench/harness/scratch_dir.h"
#include "bench/harness/suite.h"

namespace ringlog::bench {
namespace {

constexpr char kTopic[] = "librdkafka";
// The acks=all cases of part 1 write to a topic of several partitions: librdkafka's
// idempotent producer keeps one request in flight per partition (it holds the messages in
// flight, not the requests, against its window of 5), so that on one partition it would
// measure the round trip of a single request rather than the broker's idempotence.
constexpr char kAcksAllCasesTopic[] = "librdkafka-acks-all";
constexpr int kAcksAllCasesPartitions = 4;
constexpr int kSmallRecordBytes = 100;
constexpr int kAcksAllProducers = 8;
constexpr int kAcksAllRecordBytes = 1024;
constexpr int kAcksAllRecordsPerBatch = 16;
constexpr int kAcksAllInFlight = 5;
constexpr double kAcksAllTarget = 100000;

constexpr int kRdkafkaInFlight = 1000000;
constexpr int kIdempotentInFlight = 5;
constexpr double kIdempotentTarget = 0.9;

// The producer configurations of part 1.
struct SmallRecordCase {
  std::string name;
  std::string topic;
  std::string baseline;  // the case it is compared with
  std::map<std::string, std::string> config;
};

// librdkafka's defaults except `acks`, the requests in flight per connection (librdkafka's
// default is 1000000; an idempotent producer may have at most 5, Kafka's default) and a
// deeper queue so that the enqueueing loop rarely waits.
std::map<std::string, std::string> ProducerConfig(const std::string& acks, int in_flight,
                                                  bool idempotent) {
  return {
      {"acks", acks},
      {"max.in.flight", std::to_string(in_flight)},
      {"enable.idempotence", idempotent ? "true" : "false"},
      {"linger.ms", "5"},
      {"queue.buffering.max.messages", "1000000"},
      {"compression.codec", "none"},
  };
}

// Against both clusters: acks=1, the broker stores and nobody waits for a disk flush.
const SmallRecordCase& PlainCase() {
  static const SmallRecordCase plain{"librdkafka 100 B acks=1", kTopic,
                                     "librdkafka vs mock cluster",
                                     ProducerConfig("1", kRdkafkaInFlight, false)};
  return plain;
}

// Against ringlog only, interleaved with PlainCase: the producer at acks=all; the same
// limited to the 5 requests in flight of an idempotent producer; and idempotent, compared
// with the plain producer at acks=all, what switching idempotence on changes.
const std::vector<SmallRecordCase>& AcksAllCases() {
  static const std::vector<SmallRecordCase> cases = {
      {"librdkafka 100 B acks=all", kAcksAllCasesTopic, "librdkafka 100 B acks=1",
       ProducerConfig("all", kRdkafkaInFlight, false)},
      {"librdkafka 100 B acks=all 5 in flight", kAcksAllCasesTopic, "librdkafka 100 B acks=all",
       ProducerConfig("all", kIdempotentInFlight, false)},
      {"librdkafka 100 B idempotent", kAcksAllCasesTopic, "librdkafka 100 B acks=all",
       ProducerConfig("all", kIdempotentInFlight, true)},
  };
  return cases;
}

// One run of the librdkafka producer of `c` against `bootstrap`: its rate in records/s.
Result<double> RunRdkafkaOnce(const SuiteOptions& options, const std::string& bootstrap,
                              const SmallRecordCase& c, const std::string& label) {
  RdkafkaProducerOptions r;
  r.bootstrap_servers = bootstrap;
  r.topic = c.topic;
  r.record_bytes = kSmallRecordBytes;
  r.seconds = options.seconds_per_measurement;
  r.config = c.config;
  ProgressReporter progress(c.name + " " + label);
  ASSIGN_OR_RETURN(const RdkafkaProducerResult result, RunRdkafkaProducer(r, &progress));
  return result.records_per_s();
}

// The median rate of each of `cases` over the repetitions, the cases taking turns (each
// repetition starting one case later) so that drift of a shared, noisy machine falls on
// all of them alike.
Result<std::vector<double>> MeasureRdkafka(const SuiteOptions& options,
                                           const std::string& bootstrap,
                                           const std::vector<SmallRecordCase>& cases,
                                           const std::string& label) {
  std::vector<std::vector<double>> rates(cases.size());
  for (int rep = 0; rep < options.repetitions; ++rep) {
    for (size_t turn = 0; turn < cases.size(); ++turn) {
      const size_t i = (turn + static_cast<size_t>(rep)) % cases.size();
      ASSIGN_OR_RETURN(const double rate, RunRdkafkaOnce(options, bootstrap, cases[i], label));
      rates[i].push_back(rate);
    }
  }
  std::vector<double> medians;
  for (const std::vector<double>& r : rates) medians.push_back(Median(r));
  return medians;
}

Measurement SmallRecordMeasurement(const SuiteOptions& options, const SmallRecordCase& c,
                                   const std::string& name, const std::string& backend,
                                   double records_per_s) {
  Measurement m;
  m.suite = "librdkafka";
  m.name = name;
  m.backend = backend;
  m.params = {{"record_bytes", std::to_string(kSmallRecordBytes)},
              {"client", "librdkafka"},
              {"topic", c.topic}};
  for (const auto& [key, value] : c.config) m.params[key] = value;
  m.records_per_s = records_per_s;
  m.mb_per_s = records_per_s * kSmallRecordBytes / 1e6;
  m.repetitions = options.repetitions;
  return m;
}

// A broker with `topics` (name, partitions) created.
Result<std::unique_ptr<BrokerProcess>> StartBroker(
    const SuiteOptions& options, const std::string& data_dir, const std::string& backend,
    const std::vector<std::pair<std::string, int>>& topics) {
  BrokerOptions b;
  b.binary = options.ringlog_binary;
  b.data_dir = data_dir;
  b.backend = backend;
  ASSIGN_OR_RETURN(std::unique_ptr<BrokerProcess> broker, BrokerProcess::Start(b));
  ASSIGN_OR_RETURN(std::unique_ptr<KafkaConnection> admin,
                   KafkaConnection::Connect(broker->host(), broker->port()));
  for (const auto& [topic, partitions] : topics) {
    RETURN_IF_ERROR(CreateTopic(*admin, topic, partitions));
  }
  return broker;
}

// The client's own limit: the producer against the mock cluster.
Result<double> MeasureMock(const SuiteOptions& options, MeasurementSink& sink) {
  ASSIGN_OR_RETURN(std::unique_ptr<MockCluster> mock, MockCluster::Create(kTopic, 1));
  ASSIGN_OR_RETURN(const std::vector<double> rates,
                   MeasureRdkafka(options, mock->bootstrap_servers(), {PlainCase()}, "mock"));
  sink.Add(
      SmallRecordMeasurement(options, PlainCase(), "librdkafka vs mock cluster", "", rates[0]));
  return rates[0];
}

// Part 1 for one backend: the producer against ringlog, compared with `mock_rate`, and
// the acks=all cases, each compared with its baseline.
Status CompareSmallRecords(const SuiteOptions& options, const ScratchDir& scratch,
                           const std::string& backend, double mock_rate, MeasurementSink& sink) {
  std::vector<SmallRecordCase> cases = AcksAllCases();
  cases.insert(cases.begin(), PlainCase());
  std::vector<double> rates;
  {
    ASSIGN_OR_RETURN(std::unique_ptr<BrokerProcess> broker,
                     StartBroker(options, scratch.path() + "/broker", backend,
                                 {{kTopic, 1}, {kAcksAllCasesTopic, kAcksAllCasesPartitions}}));
    ASSIGN_OR_RETURN(
        rates, MeasureRdkafka(options, broker->host() + ":" + std::to_string(broker->port()), cases,
                              "ringlog " + backend));
    RETURN_IF_ERROR(broker->Stop());
  }
  RETURN_IF_ERROR(scratch.Clear());
  std::map<std::string, double> rate_of = {{PlainCase().baseline, mock_rate}};
  for (size_t i = 0; i < cases.size(); ++i) rate_of[cases[i].name] = rates[i];
  for (size_t i = 0; i < cases.size(); ++i) {
    Measurement m = SmallRecordMeasurement(options, cases[i], cases[i].name, backend, rates[i]);
    m.CompareWith(cases[i].baseline, rate_of.at(cases[i].baseline) * kSmallRecordBytes / 1e6);
    if (cases[i].config.at("enable.idempotence") == "true") {
      m.params["target_ratio"] = Fixed(kIdempotentTarget, 2);
    }
    sink.Add(m);
  }
  return Status::OK();
}

// The same-run limit of part 2: the same batches written raw to the same disk, with
// group-committed fdatasync and as many bytes waiting for a sync as the producers keep
// in flight.
Result<WriteRun> GroupCommitLimit(const SuiteOptions& options, const ScratchDir& scratch) {
  const std::string dir = scratch.path() + "/raw";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("create " + dir + ": " + ec.message(), ec.value());
  const std::string block(static_cast<size_t>(kAcksAllRecordBytes) * kAcksAllRecordsPerBatch, 'g');
  RawWriteOptions raw;
  raw.dir = dir;
  raw.block = block;
  raw.flush = FlushMode::kGroup;
  raw.seconds = options.seconds_per_measurement;
  raw.group_window_bytes =
      static_cast<uint64_t>(block.size()) * kAcksAllProducers * kAcksAllInFlight;
  std::vector<WriteRun> runs;
  for (int rep = 0; rep < options.repetitions; ++rep) {
    std::fprintf(stderr, "librdkafka: raw group-committed write of %zu B blocks\n", block.size());
    ASSIGN_OR_RETURN(WriteRun run, RunRawSequentialWrite(raw));
    runs.push_back(run);
    RETURN_IF_ERROR(scratch.Clear());
    std::filesystem::create_directories(dir, ec);
    if (ec) return Status::IOError("create " + dir + ": " + ec.message(), ec.value());
  }
  // The median run by throughput.
  std::sort(runs.begin(), runs.end(),
            [](const WriteRun& a, const WriteRun& b) { return a.mb_per_s() < b.mb_per_s(); });
  return runs[runs.size() / 2];
}

// Part 2 for one backend: 8 producers, acks=all, flush before acknowledging.
Status MeasureAcksAll(const SuiteOptions& options, const ScratchDir& scratch,
                      const std::string& backend, MeasurementSink& sink) {
  ASSIGN_OR_RETURN(
      std::unique_ptr<BrokerProcess> broker,
      StartBroker(options, scratch.path() + "/broker", backend, {{kTopic, kAcksAllProducers}}));
  std::vector<double> rates, mb_rates;
  for (int rep = 0; rep < options.repetitions; ++rep) {
    ProducerOptions p;
    p.host = broker->host();
    p.port = broker->port();
    p.topic = kTopic;
    p.partitions = kAcksAllProducers;
    p.connections = kAcksAllProducers;
    p.records_per_batch = kAcksAllRecordsPerBatch;
    p.record_bytes = kAcksAllRecordBytes;
    p.acks = -1;
    p.max_in_flight = kAcksAllInFlight;
    p.seconds = options.seconds_per_measurement;
    ProgressReporter progress("librdkafka acks=all 8 producers " + backend);
    ASSIGN_OR_RETURN(const ProducerResult result, RunProducer(p, &progress));
    rates.push_back(result.records_per_s());
    mb_rates.push_back(result.mb_per_s());
  }
  RETURN_IF_ERROR(broker->Stop());
  RETURN_IF_ERROR(scratch.Clear());
  ASSIGN_OR_RETURN(const WriteRun raw, GroupCommitLimit(options, scratch));
  Measurement m;
  m.suite = "librdkafka";
  m.name = "acks=all flush 8 producers 1 KiB";
  m.backend = backend;
  m.params = {{"client", "loadgen"},
              {"producers", std::to_string(kAcksAllProducers)},
              {"record_bytes", std::to_string(kAcksAllRecordBytes)},
              {"records_per_batch", std::to_string(kAcksAllRecordsPerBatch)},
              {"max_in_flight", std::to_string(kAcksAllInFlight)},
              {"acks", "all"},
              {"flush_on_acks_all", "true"},
              {"target_records_per_s", std::to_string(static_cast<int>(kAcksAllTarget))},
              {"raw_syncs_per_s", std::to_string(raw.syncs / std::max(raw.seconds, 1e-9))}};
  m.records_per_s = Median(rates);
  m.mb_per_s = Median(mb_rates);
  m.repetitions = options.repetitions;
  m.CompareWith("raw group-committed write", raw.mb_per_s());
  sink.Add(m);
  return Status::OK();
}

}  // namespace

Status RunLibrdkafkaSuite(const SuiteOptions& options, MeasurementSink& sink) {
  ASSIGN_OR_RETURN(std::unique_ptr<ScratchDir> scratch,
                   ScratchDir::Create(options.data_dir, "librdkafka-"));
  ASSIGN_OR_RETURN(const double mock_rate, MeasureMock(options, sink));
  for (const std::string& backend : options.backends) {
    RETURN_IF_ERROR(CompareSmallRecords(options, *scratch, backend, mock_rate, sink));
    RETURN_IF_ERROR(MeasureAcksAll(options, *scratch, backend, sink));
  }
  return Status::OK();
}

}  // namespace ringlog::bench
