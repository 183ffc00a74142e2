// The engine's real append path as the engine-level suites drive it: a PartitionLog over
// a backend opened by name, appended to by one writer with the flush discipline of
// FlushMode, counted the same way as the raw disk baseline (raw_sequential_write.h):
//
//   kNone       PartitionLog::AppendAsync only (flush.messages and flush.ms never); the
//               writer goes on while the backend writes, and the run ends when every
//               write completed
//   kGroup      AppendAsync, then Flusher::FlushAsync for the batch; the Flusher's thread
//               flushes, one flush covering every batch appended before it began; the
//               writer waits while more than the window is not yet durable
//   kEachWrite  the log's flush.messages=1 policy: AppendAsync returns once the batch is
//               durable
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "bench/harness/progress_reporter.h"
#include "bench/harness/write_run.h"
#include "engine/log/log_options.h"
#include "engine/log/partition_log.h"
#include "engine/log/storage_backend.h"
#include "engine/status.h"

namespace ringlog::bench {

// A backend and one partition log on it. Destroying it without Close() leaves the data
// as a crash would (unflushed appends may be in the page cache only). The log is declared
// last so that it goes before the backend it uses; assign only to an empty BenchLog.
struct BenchLog {
  std::unique_ptr<StorageBackend> backend;
  std::shared_ptr<PartitionLog> log;  // shared: the Flusher holds it while flushing

  // Flushes and closes the backend cleanly; the BenchLog is empty afterwards.
  Status Close();
  // Drops the log and the backend without Close(), as a crash would; empty afterwards.
  void Drop();
};

// The partition every engine-level suite writes.
const PartitionId& BenchPartition();

// Opens backend `backend_name` ("uring", "rocksdb") in `dir` and the bench partition on it
// (recovering what `dir` holds). With FlushMode::kEachWrite, `options` gets flush.messages=1.
Result<BenchLog> OpenBenchLog(const std::string& backend_name, const std::string& dir,
                              LogOptions options, FlushMode flush = FlushMode::kNone);

struct EngineAppendOptions {
  // The batch appended each time; its base offset is rewritten by every append.
  std::span<uint8_t> batch;
  int records_per_batch = 1;
  FlushMode flush = FlushMode::kNone;  // must match the one the log was opened with
  double seconds = 1;
  uint64_t max_bytes = UINT64_MAX;
  uint64_t group_window_bytes = 16ull << 20;
  ProgressReporter* progress = nullptr;
};

// Appends for options.seconds (or max_bytes) and returns what it did; with kGroup the
// clock stops once the last append is durable. The first failing call's Status otherwise.
Result<WriteRun> RunEngineAppend(const std::shared_ptr<PartitionLog>& log,
                                 const EngineAppendOptions& options);

}  // namespace ringlog::bench
