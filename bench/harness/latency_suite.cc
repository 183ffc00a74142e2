// Suite `latency`: end-to-end produce-to-consume latency at fixed rates of 1 KiB records.
//
// A paced producer stamps each record value with its send time; a consumer long-polling
// the same partition subtracts it from the time the record arrives. Both run in this
// process against a `ringlog serve` child. Two broker setups: acks=1 with the default
// flush policy, and acks=all with a flush per message (--log_flush_interval_messages=1),
// where the broker answers and exposes a batch only after it is on disk. Percentiles are
// per repetition, and the median of each over the repetitions is reported.
#include <memory>
#include <string>
#include <vector>

#include "bench/harness/end_to_end_latency.h"
#include "bench/harness/loadgen/broker_process.h"
#include "bench/harness/loadgen/kafka_connection.h"
#include "bench/harness/loadgen/paced_producer.h"
#include "bench/harness/loadgen/topic_admin.h"
#include "bench/harness/median.h"
#include "bench/harness/scratch_dir.h"
#include "bench/harness/suite.h"

namespace ringlog::bench {
namespace {

constexpr int kRecordBytes = 1024;
constexpr double kRates[] = {1000, 10000, 50000};

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

// One repetition: a fresh topic, then the end-to-end measurement on it.
Result<EndToEndResult> RunOnce(const SuiteOptions& options, const BrokerProcess& broker,
                               const Setup& setup, double rate, const std::string& topic) {
  {
    ASSIGN_OR_RETURN(std::unique_ptr<KafkaConnection> admin,
                     KafkaConnection::Connect(broker.host(), broker.port()));
    RETURN_IF_ERROR(CreateTopic(*admin, topic, 1));
  }
  PacedProducerOptions p;
  p.host = broker.host();
  p.port = broker.port();
  p.topic = topic;
  p.records_per_second = rate;
  p.record_bytes = kRecordBytes;
  p.acks = setup.acks;
  p.seconds = options.seconds_per_measurement;
  return MeasureEndToEnd(
      p, "latency " + setup.name + " " + std::to_string(static_cast<int>(rate)) + "/s");
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
          ASSIGN_OR_RETURN(const EndToEndResult r, RunOnce(options, *broker, setup, rate, topic));
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
