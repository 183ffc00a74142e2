// `ringlog bench <suite>|all`: runs suites of the benchmark harness (suite.h), prints
// progress to stderr while they run, writes every measurement to a JSON-lines file and
// prints the table of all of them at the end. bench_flags.h turns flags into
// BenchCommandOptions; the binary's main.cc calls RunBenchCommand.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ringlog::bench {

struct BenchCommandOptions {
  std::string suite;                   // a name from SuiteNames(), or "all"
  std::string backend = "all";         // "uring", "rocksdb" or "all"
  double seconds_per_measurement = 3;  // --duration
  int repetitions = 3;
  std::string out;             // JSON-lines file; "" picks bench-<UTC time>.jsonl
  std::string data_dir;        // scratch directories go inside it
  std::string ringlog_binary;  // for suites that start `ringlog serve`: by default this one
  // The batching suite's codec: "none", "gzip", "snappy", "lz4" or "zstd".
  std::string compression = "none";
  // The replication suite's load: SuiteOptions' replication_* fields.
  int replication_producers = 4;
  int replication_partitions = 6;
  int replication_record_bytes = 1024;
  double replication_latency_rate = 10000;
  int metrics_scrape_interval_ms = 1000;  // SuiteOptions' field
  // The failover suite's: SuiteOptions' failover_* fields.
  int failover_kills = 20;
  int64_t failover_reassign_bytes = int64_t{1} << 30;
};

// The suites `ringlog bench` knows, in the order `all` runs them.
std::vector<std::string> SuiteNames();

// Runs the command; returns the process exit code: 0 when every suite succeeded, 1 when a
// suite failed (the others still run, and the table shows what was measured), 2 for bad
// options or a data_dir another process holds (with a message on stderr naming the
// problem). The data_dir is locked (backends/data_dir_lock.h) for the whole run.
int RunBenchCommand(const BenchCommandOptions& options);

}  // namespace ringlog::bench
