// Suite `latency`: end-to-end produce-to-consume latency at fixed rates of 1 KiB records.
//
// A paced producer stamps each record value with its send time; a consumer long-polling
// the same partition subtracts it from the time the record arrives. Both run in this
// process against a `ringlog serve` child. Two broker setups: acks=1 with the default
// flush policy, and acks=all with a flush per message (--log_flush_interval_messages=1),
// where the broker answers and exposes a batch only after it is on disk. Percentiles are
// per repetition, and the median of each over the repetitions is reported.
#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/harness/latency_recorder.h"
#include "bench/harness/loadgen/broker_process.h"
#include "bench/harness/loadgen/consumer.h"
#include "bench/harness/loadgen/kafka_connection.h"
#include "bench/harness/loadgen/paced_producer.h"
#include "bench/harness/loadgen/topic_admin.h"
#include "bench/harness/median.h"
#include "bench/harness/progress_reporter.h"
#include "bench/harness/scratch_dir.h"
#include "bench/harness/suite.h"
#include "engine/big_endian.h"
#include "engine/log/record_batch.h"

namespace ringlog::bench {
namespace {

constexpr int kRecordBytes = 1024;
constexpr double kRates[] = {1000, 10000, 50000};
// How long the consumer may trail the producer's end before the run counts as failed.
constexpr auto kDrainTimeout = std::chrono::seconds(10);

struct Setup {
  std::string name;
  int16_t acks;
  std::vector<std::string> broker_flags;
};

const std::vector<Setup>& Setups() {
  static const std::vector<Setup> setups = {
      {"acks=1", 1, {}},
      {"acks=all flush per message", -1, {"--log_flush_interval_messages=1"}},
  };
  return setups;
}

// Consumes `topic` from offset 0 until `stop` is set and `*expected` records (once known,
// >= 0) arrived, recording receive time minus the stamped send time of each.
Status ConsumeLatencies(const BrokerProcess& broker, const std::string& topic,
                        const std::atomic<int64_t>& expected, LatencyRecorder& recorder) {
  ConsumerOptions c;
  c.host = broker.host();
  c.port = broker.port();
  c.topic = topic;
  c.max_bytes = 1 << 20;
  c.max_wait_ms = 100;
  ASSIGN_OR_RETURN(std::unique_ptr<Consumer> consumer, Consumer::Connect(c));
  Offset offset = 0;
  std::chrono::steady_clock::time_point give_up = std::chrono::steady_clock::time_point::max();
  while (true) {
    const int64_t want = expected.load();
    if (want >= 0) {
      if (offset >= want) return Status::OK();
      if (give_up == std::chrono::steady_clock::time_point::max()) {
        give_up = std::chrono::steady_clock::now() + kDrainTimeout;
      } else if (std::chrono::steady_clock::now() > give_up) {
        return Status::IOError("consumer stuck at offset " + std::to_string(offset) + " of " +
                               std::to_string(want));
      }
    }
    ASSIGN_OR_RETURN(const FetchedRecords fetched, consumer->Fetch(offset));
    const int64_t now = SendTimeNow();
    BatchIterator batches(fetched.batches);
    while (std::optional<RecordBatchView> batch = batches.Next()) {
      ASSIGN_OR_RETURN(const std::vector<Record> records, DecodeRecords(*batch));
      for (const Record& r : records) {
        if (r.offset < offset || !r.value || r.value->size() < sizeof(int64_t)) continue;
        recorder.Record(now - LoadBigEndian<int64_t>(r.value->data()));
      }
    }
    RETURN_IF_ERROR(batches.status());
    offset = fetched.next_offset;
  }
}

struct RunResult {
  LatencySummary latency;
  double records_per_s = 0;
};

// One repetition: a fresh topic, the consumer started first, then the paced producer.
Result<RunResult> RunOnce(const SuiteOptions& options, const BrokerProcess& broker,
                          const Setup& setup, double rate, const std::string& topic) {
  {
    ASSIGN_OR_RETURN(std::unique_ptr<KafkaConnection> admin,
                     KafkaConnection::Connect(broker.host(), broker.port()));
    RETURN_IF_ERROR(CreateTopic(*admin, topic, 1));
  }
  LatencyRecorder recorder;
  std::atomic<int64_t> expected{-1};
  Status consumed;
  std::thread consumer([&] { consumed = ConsumeLatencies(broker, topic, expected, recorder); });
  PacedProducerOptions p;
  p.host = broker.host();
  p.port = broker.port();
  p.topic = topic;
  p.records_per_second = rate;
  p.record_bytes = kRecordBytes;
  p.acks = setup.acks;
  p.seconds = options.seconds_per_measurement;
  Result<PacedProducerResult> produced = Status::Busy("not run");
  {
    ProgressReporter progress("latency " + setup.name + " " +
                              std::to_string(static_cast<int>(rate)) + "/s");
    produced = RunPacedProducer(p, &progress);
  }
  // On a producer failure the consumer stops at whatever arrived.
  expected = produced.ok() ? produced->records : 0;
  consumer.join();
  RETURN_IF_ERROR(produced.status());
  RETURN_IF_ERROR(consumed);
  RunResult result;
  result.latency = recorder.Summary();
  result.records_per_s = produced->seconds > 0 ? produced->records / produced->seconds : 0;
  return result;
}

}  // namespace

Status RunLatencySuite(const SuiteOptions& options, MeasurementSink& sink) {
  ASSIGN_OR_RETURN(std::unique_ptr<ScratchDir> scratch,
                   ScratchDir::Create(options.data_dir, "latency-"));
  for (const std::string& backend : options.backends) {
    for (const Setup& setup : Setups()) {
      BrokerOptions b;
      b.binary = options.ringlog_binary;
      b.data_dir = scratch->path() + "/broker";
      b.backend = backend;
      b.flags = setup.broker_flags;
      ASSIGN_OR_RETURN(std::unique_ptr<BrokerProcess> broker, BrokerProcess::Start(b));
      int topic_number = 0;
      for (double rate : kRates) {
        std::vector<double> p50, p99, p999, achieved;
        for (int rep = 0; rep < options.repetitions; ++rep) {
          const std::string topic = "latency-" + std::to_string(topic_number++);
          ASSIGN_OR_RETURN(const RunResult r, RunOnce(options, *broker, setup, rate, topic));
          p50.push_back(r.latency.p50_us);
          p99.push_back(r.latency.p99_us);
          p999.push_back(r.latency.p999_us);
          achieved.push_back(r.records_per_s);
        }
        Measurement m;
        m.suite = "latency";
        m.name = setup.name + " " + std::to_string(static_cast<int>(rate)) + " records/s";
        m.backend = backend;
        m.params = {{"acks", setup.acks == 1 ? "1" : "all"},
                    {"flush_per_message", setup.acks == 1 ? "false" : "true"},
                    {"target_records_per_s", std::to_string(static_cast<int>(rate))},
                    {"record_bytes", std::to_string(kRecordBytes)}};
        m.records_per_s = Median(achieved);
        m.mb_per_s = m.records_per_s * kRecordBytes / 1e6;
        m.latency = LatencySummary{Median(p50), Median(p99), Median(p999)};
        m.repetitions = options.repetitions;
        sink.Add(m);
      }
      RETURN_IF_ERROR(broker->Stop());
      RETURN_IF_ERROR(scratch->Clear());
    }
  }
  return Status::OK();
}

}  // namespace ringlog::bench
