#include "bench/harness/bench_flags.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <utility>

DEFINE_double(duration, 3, "seconds per measurement");
DEFINE_int32(repetitions, 3, "runs per measurement; the median is reported");
DEFINE_string(out, "", "JSON-lines result file; default bench-<UTC time>.jsonl");
DEFINE_string(compression, "none",
              "codec of the batching suite's batches: none, gzip, snappy, lz4, zstd");
DEFINE_int32(replication_producers, 4,
             "replication suite: librdkafka producers running at once in its throughput cases");
DEFINE_int32(replication_partitions, 6, "replication suite: partitions of its topics");
DEFINE_int32(replication_record_bytes, 1024, "replication suite: bytes of each record value");
DEFINE_double(replication_latency_rate, 10000,
              "replication suite: records/s of its end-to-end latency case");
DEFINE_int32(metrics_scrape_interval_ms, 1000,
             "metrics suite: how often its scraper fetches /metrics (1000, the target's case; "
             "shorter magnifies what a scrape costs)");
DEFINE_int32(failover_kills, 20,
             "failover suite: leaders killed with kill -9 for its failover-time figure");
DEFINE_int64(failover_reassign_bytes, int64_t{1} << 30,
             "failover suite: bytes in the partition its reassignment case moves");
DEFINE_string(broker_binary, "",
              "the ringlog binary that suites start as the broker; default this one "
              "(another build, measured under the same load generator)");

// Shared with `ringlog serve`, whose defaults ("uring", "./data") suit a broker, not a
// benchmark run: unset, bench measures every backend in a scratch directory of its own.
DECLARE_string(backend);
DECLARE_string(data_dir);

namespace ringlog::bench {
namespace {

constexpr char kDefaultBackend[] = "all";
constexpr char kDefaultDataDir[] = "./ringlog-bench";

bool IsDefault(const char* flag) { return gflags::GetCommandLineFlagInfoOrDie(flag).is_default; }

}  // namespace

BenchCommandOptions BenchOptionsFromFlags(const std::string& suite, const char* argv0) {
  BenchCommandOptions o;
  o.suite = suite;
  o.backend = IsDefault("backend") ? kDefaultBackend : FLAGS_backend;
  o.seconds_per_measurement = FLAGS_duration;
  o.repetitions = FLAGS_repetitions;
  o.out = FLAGS_out;
  o.data_dir = IsDefault("data_dir") ? kDefaultDataDir : FLAGS_data_dir;
  o.compression = FLAGS_compression;
  o.replication_producers = FLAGS_replication_producers;
  o.replication_partitions = FLAGS_replication_partitions;
  o.replication_record_bytes = FLAGS_replication_record_bytes;
  o.replication_latency_rate = FLAGS_replication_latency_rate;
  o.metrics_scrape_interval_ms = FLAGS_metrics_scrape_interval_ms;
  o.failover_kills = FLAGS_failover_kills;
  o.failover_reassign_bytes = FLAGS_failover_reassign_bytes;
  std::error_code ec;
  o.ringlog_binary = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  if (ec) o.ringlog_binary = argv0;
  if (!FLAGS_broker_binary.empty()) o.ringlog_binary = FLAGS_broker_binary;
  return o;
}

std::vector<gflags::CommandLineFlagInfo> BenchFlags() {
  std::vector<gflags::CommandLineFlagInfo> all;
  gflags::GetAllFlags(&all);
  std::vector<gflags::CommandLineFlagInfo> mine;
  for (gflags::CommandLineFlagInfo& flag : all) {
    if (flag.name == "backend") {
      if (flag.is_default) flag.current_value = kDefaultBackend;
      flag.default_value = kDefaultBackend;
      flag.description = "storage backend to measure: uring, rocksdb or all";
    } else if (flag.name == "data_dir") {
      if (flag.is_default) flag.current_value = kDefaultDataDir;
      flag.default_value = kDefaultDataDir;
      flag.description = "directory holding the suites' scratch directories";
    } else if (flag.filename != __FILE__) {
      continue;
    }
    mine.push_back(std::move(flag));
  }
  // GetAllFlags orders by defining file first.
  std::ranges::sort(mine, {}, &gflags::CommandLineFlagInfo::name);
  return mine;
}

}  // namespace ringlog::bench
