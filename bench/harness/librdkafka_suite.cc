// Suite `librdkafka`: what users' applications see.
//
// 1. A librdkafka producer of 100 B records at full speed against ringlog (a `ringlog
//    serve` child writing to disk), and the same producer with the same configuration
//    against librdkafka's in-memory mock cluster in the same run: the client's own limit.
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
#include <vector>

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
constexpr int kSmallRecordBytes = 100;
constexpr int kAcksAllProducers = 8;
constexpr int kAcksAllRecordBytes = 1024;
constexpr int kAcksAllRecordsPerBatch = 16;
constexpr int kAcksAllInFlight = 5;
constexpr double kAcksAllTarget = 100000;

// The producer configuration used against both clusters: librdkafka's defaults except
// acks=1 (the broker stores, nobody waits for a disk flush) and a deeper queue so that
// the enqueueing loop rarely waits.
const std::map<std::string, std::string>& ProducerConfig() {
  static const std::map<std::string, std::string> config = {
      {"acks", "1"},
      {"linger.ms", "5"},
      {"queue.buffering.max.messages", "1000000"},
      {"compression.codec", "none"},
  };
  return config;
}

// Medians over the repetitions of the librdkafka producer's rate against `bootstrap`.
Result<double> MeasureRdkafka(const SuiteOptions& options, const std::string& bootstrap,
                              const std::string& label) {
  std::vector<double> rates;
  for (int rep = 0; rep < options.repetitions; ++rep) {
    RdkafkaProducerOptions r;
    r.bootstrap_servers = bootstrap;
    r.topic = kTopic;
    r.record_bytes = kSmallRecordBytes;
    r.seconds = options.seconds_per_measurement;
    r.config = ProducerConfig();
    ProgressReporter progress("librdkafka " + label);
    ASSIGN_OR_RETURN(const RdkafkaProducerResult result, RunRdkafkaProducer(r, &progress));
    rates.push_back(result.records_per_s());
  }
  return Median(rates);
}

Measurement SmallRecordMeasurement(const SuiteOptions& options, const std::string& name,
                                   const std::string& backend, double records_per_s) {
  Measurement m;
  m.suite = "librdkafka";
  m.name = name;
  m.backend = backend;
  m.params = {{"record_bytes", std::to_string(kSmallRecordBytes)}, {"client", "librdkafka"}};
  for (const auto& [key, value] : ProducerConfig()) m.params[key] = value;
  m.records_per_s = records_per_s;
  m.mb_per_s = records_per_s * kSmallRecordBytes / 1e6;
  m.repetitions = options.repetitions;
  return m;
}

Result<std::unique_ptr<BrokerProcess>> StartBroker(const SuiteOptions& options,
                                                   const std::string& data_dir,
                                                   const std::string& backend, int partitions) {
  BrokerOptions b;
  b.binary = options.ringlog_binary;
  b.data_dir = data_dir;
  b.backend = backend;
  ASSIGN_OR_RETURN(std::unique_ptr<BrokerProcess> broker, BrokerProcess::Start(b));
  ASSIGN_OR_RETURN(std::unique_ptr<KafkaConnection> admin,
                   KafkaConnection::Connect(broker->host(), broker->port()));
  RETURN_IF_ERROR(CreateTopic(*admin, kTopic, partitions));
  return broker;
}

// The client's own limit: the producer against the mock cluster.
Result<double> MeasureMock(const SuiteOptions& options, MeasurementSink& sink) {
  ASSIGN_OR_RETURN(std::unique_ptr<MockCluster> mock, MockCluster::Create(kTopic, 1));
  ASSIGN_OR_RETURN(const double rate, MeasureRdkafka(options, mock->bootstrap_servers(), "mock"));
  sink.Add(SmallRecordMeasurement(options, "librdkafka vs mock cluster", "", rate));
  return rate;
}

// Part 1 for one backend: the producer against ringlog, compared with `mock_rate`.
Status CompareWithMock(const SuiteOptions& options, const ScratchDir& scratch,
                       const std::string& backend, double mock_rate, MeasurementSink& sink) {
  double rate = 0;
  {
    ASSIGN_OR_RETURN(std::unique_ptr<BrokerProcess> broker,
                     StartBroker(options, scratch.path() + "/broker", backend, 1));
    ASSIGN_OR_RETURN(rate,
                     MeasureRdkafka(options, broker->host() + ":" + std::to_string(broker->port()),
                                    "ringlog " + backend));
    RETURN_IF_ERROR(broker->Stop());
  }
  RETURN_IF_ERROR(scratch.Clear());
  Measurement m = SmallRecordMeasurement(options, "librdkafka 100 B acks=1", backend, rate);
  m.baseline_name = "librdkafka vs mock cluster";
  m.baseline_mb_per_s = mock_rate * kSmallRecordBytes / 1e6;
  m.ratio = mock_rate > 0 ? rate / mock_rate : 0;
  sink.Add(m);
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
  ASSIGN_OR_RETURN(std::unique_ptr<BrokerProcess> broker,
                   StartBroker(options, scratch.path() + "/broker", backend, kAcksAllProducers));
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
    RETURN_IF_ERROR(CompareWithMock(options, *scratch, backend, mock_rate, sink));
    RETURN_IF_ERROR(MeasureAcksAll(options, *scratch, backend, sink));
  }
  return Status::OK();
}

}  // namespace ringlog::bench
