// Suite `zerocopy`: consume throughput of a topic hot in the page cache, with the broker
// sending file slices by splice (--zero_copy=true) and by reading them into memory first
// (--zero_copy=false), beside the kernel's own file-to-socket rate (sendfile of the same
// segment bytes to a loopback socket) measured in the same run.
//
// The topic is written once (up to 1 GiB; less for short durations), then read from the
// start over and over by one consumer with 8 MiB fetches, first with zero-copy on, then,
// after restarting the broker on the same data, with it off. Only the uring backend
// serves file slices; RocksDB always copies, so the suite measures the uring backend.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bench/harness/loadgen/broker_process.h"
#include "bench/harness/loadgen/consumer.h"
#include "bench/harness/loadgen/kafka_connection.h"
#include "bench/harness/loadgen/network_limits.h"
#include "bench/harness/loadgen/producer.h"
#include "bench/harness/loadgen/topic_admin.h"
#include "bench/harness/median.h"
#include "bench/harness/progress_reporter.h"
#include "bench/harness/scratch_dir.h"
#include "bench/harness/suite.h"

namespace ringlog::bench {
namespace {

constexpr char kTopic[] = "zerocopy";
constexpr int64_t kMaxTopicBytes = 1ll << 30;
constexpr int64_t kMinTopicBytes = 64ll << 20;
constexpr int64_t kTopicBytesPerSecond = 256ll << 20;  // of --duration
constexpr int kRecordBytes = 1024;
constexpr int kRecordsPerBatch = 1024;
constexpr int32_t kFetchBytes = 8 << 20;

int64_t TopicBytes(const SuiteOptions& options) {
  const auto scaled = static_cast<int64_t>(options.seconds_per_measurement *
                                           static_cast<double>(kTopicBytesPerSecond));
  return std::clamp(scaled, kMinTopicBytes, kMaxTopicBytes);
}

Result<std::unique_ptr<BrokerProcess>> StartBroker(const SuiteOptions& options,
                                                   const std::string& data_dir, bool zero_copy) {
  BrokerOptions b;
  b.binary = options.ringlog_binary;
  b.data_dir = data_dir;
  b.backend = "uring";
  // One segment holds the whole topic, so the raw baseline sends the same file.
  b.flags = {"--zero_copy=" + std::string(zero_copy ? "true" : "false"),
             "--log_segment_bytes=" + std::to_string(2 * kMaxTopicBytes),
             "--message_max_bytes=" + std::to_string(16 << 20)};
  return BrokerProcess::Start(b);
}

// The largest segment file under `dir`: the one the topic was written to.
Result<std::string> LargestSegmentFile(const std::string& dir) {
  std::string best;
  uintmax_t best_size = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".log" || !entry.is_regular_file()) continue;
    if (entry.file_size() > best_size) {
      best_size = entry.file_size();
      best = entry.path().string();
    }
  }
  if (ec) return Status::IOError("scan " + dir + ": " + ec.message(), ec.value());
  if (best.empty()) return Status::NotFound("no segment file under " + dir);
  return best;
}

struct ReadRate {
  double mb_per_s = 0;
  double records_per_s = 0;
};

// Reads the topic from offset 0 to `end` over and over, for `seconds` and at least
// `min_passes` whole passes.
Result<ReadRate> ReadRepeatedly(const BrokerProcess& broker, int64_t end, double seconds,
                                int min_passes, ProgressReporter& progress) {
  ConsumerOptions c;
  c.host = broker.host();
  c.port = broker.port();
  c.topic = kTopic;
  c.max_bytes = kFetchBytes;
  c.max_wait_ms = 0;
  ASSIGN_OR_RETURN(std::unique_ptr<Consumer> consumer, Consumer::Connect(c));
  const auto start = std::chrono::steady_clock::now();
  double bytes = 0;
  double records = 0;
  double elapsed = 0;
  int64_t offset = 0;
  int passes = 0;
  while (elapsed < seconds || passes < min_passes) {
    ASSIGN_OR_RETURN(const FetchedRecords fetched, consumer->Fetch(offset));
    bytes += static_cast<double>(fetched.batches.size());
    records += static_cast<double>(fetched.next_offset - offset);
    progress.Add(fetched.batches.size(), static_cast<uint64_t>(fetched.next_offset - offset));
    offset = fetched.next_offset;
    if (offset >= end) {
      offset = 0;
      ++passes;
    }
    if (fetched.batches.empty() && offset != 0) {
      return Status::IOError("fetch at offset " + std::to_string(offset) + " returned nothing");
    }
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  return ReadRate{bytes / elapsed / 1e6, records / elapsed};
}

// Medians over the repetitions of the broker's consume rate.
Result<ReadRate> MeasureConsume(const SuiteOptions& options, const BrokerProcess& broker,
                                int64_t end, const std::string& label) {
  std::vector<double> mb, records;
  for (int rep = 0; rep < options.repetitions; ++rep) {
    ProgressReporter progress("zerocopy " + label);
    ASSIGN_OR_RETURN(const ReadRate rate,
                     ReadRepeatedly(broker, end, options.seconds_per_measurement, 0, progress));
    mb.push_back(rate.mb_per_s);
    records.push_back(rate.records_per_s);
  }
  return ReadRate{Median(mb), Median(records)};
}

Measurement Make(const std::string& name, const std::string& backend, int64_t topic_bytes) {
  Measurement m;
  m.suite = "zerocopy";
  m.name = name;
  m.backend = backend;
  m.params = {{"topic_bytes", std::to_string(topic_bytes)},
              {"fetch_bytes", std::to_string(kFetchBytes)}};
  return m;
}

}  // namespace

Status RunZeroCopySuite(const SuiteOptions& options, MeasurementSink& sink) {
  if (std::find(options.backends.begin(), options.backends.end(), "uring") ==
      options.backends.end()) {
    std::fprintf(stderr, "zerocopy: skipped, only the uring backend serves file slices\n");
    return Status::OK();
  }
  ASSIGN_OR_RETURN(std::unique_ptr<ScratchDir> scratch,
                   ScratchDir::Create(options.data_dir, "zerocopy-"));
  const std::string data_dir = scratch->path() + "/broker";
  const int64_t topic_bytes = TopicBytes(options);

  // Write the topic, then read it once so that every page is cached.
  ASSIGN_OR_RETURN(std::unique_ptr<BrokerProcess> broker,
                   StartBroker(options, data_dir, /*zero_copy=*/true));
  {
    ASSIGN_OR_RETURN(std::unique_ptr<KafkaConnection> admin,
                     KafkaConnection::Connect(broker->host(), broker->port()));
    RETURN_IF_ERROR(CreateTopic(*admin, kTopic, 1));
  }
  std::fprintf(stderr, "zerocopy: writing %.0f MiB\n",
               static_cast<double>(topic_bytes) / (1 << 20));
  ProducerOptions p;
  p.host = broker->host();
  p.port = broker->port();
  p.topic = kTopic;
  p.record_bytes = kRecordBytes;
  p.records_per_batch = kRecordsPerBatch;
  p.seconds = 600;
  p.max_batch_bytes = topic_bytes;
  ProducerResult written;
  {
    ProgressReporter progress("zerocopy write");
    ASSIGN_OR_RETURN(written, RunProducer(p, &progress));
  }
  const int64_t end = written.records;
  {
    ProgressReporter progress("zerocopy warm-up read");
    RETURN_IF_ERROR(ReadRepeatedly(*broker, end, 0, 1, progress).status());
  }
  ASSIGN_OR_RETURN(const ReadRate zero_copy,
                   MeasureConsume(options, *broker, end, "zero_copy=true"));
  RETURN_IF_ERROR(broker->Stop());

  ASSIGN_OR_RETURN(const std::string segment, LargestSegmentFile(data_dir));
  std::vector<double> raw_rates;
  for (int rep = 0; rep < options.repetitions; ++rep) {
    std::fprintf(stderr, "zerocopy: raw sendfile of %s\n", segment.c_str());
    ASSIGN_OR_RETURN(const TransferRate rate,
                     MeasureFileToSocket(segment, options.seconds_per_measurement));
    raw_rates.push_back(rate.mb_per_s());
  }
  const double raw = Median(raw_rates);

  ASSIGN_OR_RETURN(broker, StartBroker(options, data_dir, /*zero_copy=*/false));
  ASSIGN_OR_RETURN(const ReadRate copy, MeasureConsume(options, *broker, end, "zero_copy=false"));
  RETURN_IF_ERROR(broker->Stop());

  Measurement m = Make("raw sendfile", "", topic_bytes);
  m.mb_per_s = raw;
  m.repetitions = options.repetitions;
  sink.Add(m);
  for (const auto& [name, rate] :
       {std::pair<std::string, ReadRate>{"zero_copy=true", zero_copy}, {"zero_copy=false", copy}}) {
    m = Make(name, "uring", topic_bytes);
    m.params["zero_copy"] = name == "zero_copy=true" ? "true" : "false";
    m.mb_per_s = rate.mb_per_s;
    m.records_per_s = rate.records_per_s;
    m.repetitions = options.repetitions;
    m.CompareWith("raw sendfile", raw);
    sink.Add(m);
  }
  m = Make("zero-copy vs copy", "uring", topic_bytes);
  m.mb_per_s = zero_copy.mb_per_s;
  m.records_per_s = zero_copy.records_per_s;
  m.repetitions = options.repetitions;
  m.CompareWith("zero_copy=false", copy.mb_per_s);
  sink.Add(m);
  return Status::OK();
}

}  // namespace ringlog::bench
