// The suites of `ringlog bench <suite>` and the options every suite takes.
//
// A suite measures one question (sequential I/O, batching, zero-copy, ...) and reports each
// figure to the sink, beside its same-run baseline. A suite prints a progress line at least
// every second while it runs; the table at the end is the driver's job.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/harness/measurement.h"
#include "engine/log/compression/compression_type.h"
#include "engine/status.h"

namespace ringlog::bench {

struct SuiteOptions {
  std::vector<std::string> backends = {"uring", "rocksdb"};
  double seconds_per_measurement = 3;  // --duration
  int repetitions = 3;                 // the median of this many runs is reported
  std::string data_dir;                // scratch space on the disk under test
  std::string ringlog_binary;          // for suites that start `ringlog serve` as a child
  // The codec of the batches the batching suite produces (--compression).
  CompressionType compression = CompressionType::kNone;
  // The shape of the replication suite's load (--replication_*).
  int replication_producers = 4;
  int replication_partitions = 6;
  int replication_record_bytes = 1024;
  double replication_latency_rate = 10000;  // records/s of its end-to-end latency case
  // How often the metrics suite's scraper fetches /metrics (--metrics_scrape_interval_ms).
  int metrics_scrape_interval_ms = 1000;
  // The failover suite's kill -9 count (--failover_kills) and the size of the partition its
  // reassignment moves (--failover_reassign_bytes).
  int failover_kills = 20;
  int64_t failover_reassign_bytes = int64_t{1} << 30;
};

Status RunSeqioSuite(const SuiteOptions& options, MeasurementSink& sink);
Status RunBackendsSuite(const SuiteOptions& options, MeasurementSink& sink);
Status RunBatchingSuite(const SuiteOptions& options, MeasurementSink& sink);
Status RunZeroCopySuite(const SuiteOptions& options, MeasurementSink& sink);
Status RunLatencySuite(const SuiteOptions& options, MeasurementSink& sink);
Status RunLibrdkafkaSuite(const SuiteOptions& options, MeasurementSink& sink);
Status RunReplicationSuite(const SuiteOptions& options, MeasurementSink& sink);
Status RunFailoverSuite(const SuiteOptions& options, MeasurementSink& sink);
Status RunMetricsSuite(const SuiteOptions& options, MeasurementSink& sink);
Status RunTransactionsSuite(const SuiteOptions& options, MeasurementSink& sink);

}  // namespace ringlog::bench
