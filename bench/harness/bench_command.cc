#include "bench/harness/bench_command.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "backends/data_dir_lock.h"
#include "bench/harness/json_lines_sink.h"
#include "bench/harness/run_context.h"
#include "bench/harness/suite.h"
#include "bench/harness/table_sink.h"

namespace ringlog::bench {
namespace {

using SuiteFunction = Status (*)(const SuiteOptions&, MeasurementSink&);

struct SuiteEntry {
  const char* name;
  SuiteFunction run;
};

constexpr SuiteEntry kSuites[] = {
    {"seqio", RunSeqioSuite},
    {"backends", RunBackendsSuite},
    {"batching", RunBatchingSuite},
    {"zerocopy", RunZeroCopySuite},
    {"latency", RunLatencySuite},
    {"librdkafka", RunLibrdkafkaSuite},
    {"replication", RunReplicationSuite},
    {"failover", RunFailoverSuite},
    {"metrics", RunMetricsSuite},
    {"transactions", RunTransactionsSuite},
};

// Hands every measurement to both sinks, and tells the person watching.
class RunSinks final : public MeasurementSink {
 public:
  RunSinks(JsonLinesSink* json, TableSink* table) : json_(json), table_(table) {}
  void Add(const Measurement& m) override {
    json_->Add(m);
    table_->Add(m);
    std::fprintf(stderr, "%s %s: %.1f MB/s, %.0f records/s%s\n", m.suite.c_str(), m.name.c_str(),
                 m.mb_per_s, m.records_per_s,
                 m.ratio > 0 ? (", ratio " + std::to_string(m.ratio)).c_str() : "");
  }

 private:
  JsonLinesSink* const json_;
  TableSink* const table_;
};

std::string DefaultOutPath() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof(buffer), "bench-%Y%m%d-%H%M%S.jsonl", &tm);
  return buffer;
}

std::optional<CompressionType> ParseCompression(const std::string& name) {
  for (CompressionType type :
       {CompressionType::kNone, CompressionType::kGzip, CompressionType::kSnappy,
        CompressionType::kLz4, CompressionType::kZstd}) {
    if (name == CompressionName(type)) return type;
  }
  return std::nullopt;
}

// The message for bad options, or "" when they are fine.
std::string CheckOptions(const BenchCommandOptions& o) {
  bool known = o.suite == "all";
  for (const SuiteEntry& entry : kSuites) known = known || o.suite == entry.name;
  if (!known) {
    std::string names;
    for (const SuiteEntry& entry : kSuites) names += std::string(" ") + entry.name;
    return "unknown suite '" + o.suite + "'; suites:" + names + " all";
  }
  if (o.backend != "all" && o.backend != "uring" && o.backend != "rocksdb") {
    return "unknown --backend '" + o.backend + "'; use uring, rocksdb or all";
  }
  if (!(o.seconds_per_measurement > 0)) return "--duration must be a positive number of seconds";
  if (o.repetitions < 1) return "--repetitions must be at least 1";
  if (o.data_dir.empty()) return "--data_dir must name a directory";
  if (!ParseCompression(o.compression)) {
    return "unknown --compression '" + o.compression + "'; use none, gzip, snappy, lz4 or zstd";
  }
  if (o.ringlog_binary.empty()) return "--broker_binary must name a ringlog binary";
  if (o.replication_producers < 1) return "--replication_producers must be at least 1";
  if (o.metrics_scrape_interval_ms < 1) return "--metrics_scrape_interval_ms must be at least 1";
  if (o.replication_partitions < 1) return "--replication_partitions must be at least 1";
  // The latency case stamps a send time into the first 8 bytes of every value.
  if (o.replication_record_bytes < 8) return "--replication_record_bytes must be at least 8";
  if (!(o.replication_latency_rate > 0)) {
    return "--replication_latency_rate must be a positive number of records per second";
  }
  if (o.failover_kills < 1) return "--failover_kills must be at least 1";
  if (o.failover_reassign_bytes < (int64_t{1} << 20)) {
    return "--failover_reassign_bytes must be at least 1 MiB (1048576)";
  }
  return "";
}

// Creates the scratch root when missing and locks it like a broker's data directory, so
// that neither a broker nor a second run uses it while the suites write there.
Result<DataDirLock> LockScratchRoot(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("create " + dir + ": " + ec.message(), ec.value());
  return DataDirLock::Acquire(dir);
}

}  // namespace

std::vector<std::string> SuiteNames() {
  std::vector<std::string> names;
  for (const SuiteEntry& entry : kSuites) names.emplace_back(entry.name);
  return names;
}

int RunBenchCommand(const BenchCommandOptions& options) {
  if (const std::string problem = CheckOptions(options); !problem.empty()) {
    std::fprintf(stderr, "ringlog bench: %s\n", problem.c_str());
    return 2;
  }
  const Result<DataDirLock> lock = LockScratchRoot(options.data_dir);
  if (!lock.ok()) {
    std::fprintf(stderr, "ringlog bench: %s\n", lock.status().ToString().c_str());
    return 2;
  }
  SuiteOptions suite_options;
  if (options.backend != "all") suite_options.backends = {options.backend};
  suite_options.seconds_per_measurement = options.seconds_per_measurement;
  suite_options.repetitions = options.repetitions;
  suite_options.data_dir = options.data_dir;
  suite_options.ringlog_binary = options.ringlog_binary;
  suite_options.compression = *ParseCompression(options.compression);
  suite_options.replication_producers = options.replication_producers;
  suite_options.replication_partitions = options.replication_partitions;
  suite_options.replication_record_bytes = options.replication_record_bytes;
  suite_options.replication_latency_rate = options.replication_latency_rate;
  suite_options.metrics_scrape_interval_ms = options.metrics_scrape_interval_ms;
  suite_options.failover_kills = options.failover_kills;
  suite_options.failover_reassign_bytes = options.failover_reassign_bytes;

  const RunContext context = CollectRunContext(options.data_dir);
  const std::string out = options.out.empty() ? DefaultOutPath() : options.out;
  Result<std::unique_ptr<JsonLinesSink>> json = JsonLinesSink::Open(out, context);
  if (!json.ok()) {
    std::fprintf(stderr, "ringlog bench: %s\n", json.status().ToString().c_str());
    return 2;
  }
  TableSink table;
  RunSinks sinks(json->get(), &table);
  std::fprintf(stderr, "ringlog bench %s: revision %s, %s; data in %s\n", options.suite.c_str(),
               context.git_revision.c_str(), context.MachineSummary().c_str(),
               options.data_dir.c_str());

  int failed = 0;
  for (const SuiteEntry& entry : kSuites) {
    if (options.suite != "all" && options.suite != entry.name) continue;
    std::fprintf(stderr, "== %s\n", entry.name);
    const auto start = std::chrono::steady_clock::now();
    const Status status = entry.run(suite_options, sinks);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (status.ok()) {
      std::fprintf(stderr, "== %s done in %.1f s\n", entry.name, seconds);
    } else {
      ++failed;
      std::fprintf(stderr, "== %s failed after %.1f s: %s\n", entry.name, seconds,
                   status.ToString().c_str());
    }
  }
  std::printf("ringlog bench %s, revision %s, %s\n%s, data in %s\n\n", options.suite.c_str(),
              context.git_revision.c_str(), context.date.c_str(), context.MachineSummary().c_str(),
              options.data_dir.c_str());
  table.Print(stdout);
  std::printf("\nJSON lines: %s\n", out.c_str());
  return failed == 0 ? 0 : 1;
}

}  // namespace ringlog::bench
