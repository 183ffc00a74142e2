#include "bench/harness/engine_append.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "backends/backend_factory.h"
#include "engine/clock.h"
#include "engine/log/flusher.h"

namespace ringlog::bench {
namespace {

using Clock = std::chrono::steady_clock;

// The appender's count of answers to its batches, and the first error: written callbacks
// of AppendAsync, or the Flusher's acknowledgements in FlushMode::kGroup.
class AckWindow {
 public:
  explicit AckWindow(uint64_t max_pending) : max_pending_(max_pending) {}

  void Ack(Status status) {
    std::lock_guard lock(mu_);
    ++acked_;
    if (!status.ok() && status_.ok()) status_ = std::move(status);
    cv_.notify_all();
  }
  Flusher::Callback Callback() {
    return [this](Status status) { Ack(std::move(status)); };
  }
  // Waits until at most `pending` of the `appended` batches are unacknowledged.
  Status WaitUntil(uint64_t appended, uint64_t pending) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !status_.ok() || appended - acked_ <= pending; });
    return status_;
  }
  uint64_t max_pending() const { return max_pending_; }

 private:
  const uint64_t max_pending_;
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t acked_ = 0;
  Status status_;
};

}  // namespace

Status BenchLog::Close() {
  log.reset();
  if (backend == nullptr) return Status::OK();
  const Status status = backend->Close();
  backend.reset();
  return status;
}

void BenchLog::Drop() {
  log.reset();
  backend.reset();
}

const PartitionId& BenchPartition() {
  static const PartitionId* const partition = new PartitionId{"bench", 0};
  return *partition;
}

Result<BenchLog> OpenBenchLog(const std::string& backend_name, const std::string& dir,
                              LogOptions options, FlushMode flush) {
  if (flush == FlushMode::kEachWrite) options.flush_interval_messages = 1;
  BenchLog bench;
  ASSIGN_OR_RETURN(bench.backend, OpenBackend(backend_name, BackendOptions{dir}));
  ASSIGN_OR_RETURN(
      std::unique_ptr<PartitionLog> log,
      PartitionLog::Open(BenchPartition(), bench.backend.get(), options, SystemClock::Get()));
  bench.log = std::move(log);
  return bench;
}

Result<WriteRun> RunEngineAppend(const std::shared_ptr<PartitionLog>& log,
                                 const EngineAppendOptions& options) {
  const uint64_t size = options.batch.size();
  // Declared before the Flusher, whose destructor still calls back into it.
  AckWindow window(std::max<uint64_t>(1, options.group_window_bytes / size));
  // Appends do not wait for their writes (the backend bounds its own queue); the run ends
  // when every write completed. Shared with the callbacks, which an early return leaves
  // running.
  auto writes = std::make_shared<AckWindow>(UINT64_MAX);
  const Segment::WrittenCallback written = [writes](Status status) {
    writes->Ack(std::move(status));
  };
  std::unique_ptr<Flusher> flusher;
  if (options.flush == FlushMode::kGroup) flusher = std::make_unique<Flusher>(1);
  WriteRun run;
  const Clock::time_point start = Clock::now();
  const Clock::time_point end = start + std::chrono::duration_cast<Clock::duration>(
                                            std::chrono::duration<double>(options.seconds));
  while (run.bytes + size <= options.max_bytes && Clock::now() < end) {
    ASSIGN_OR_RETURN(const AppendResult appended, log->AppendAsync(options.batch, written));
    ++run.writes;
    run.bytes += size;
    run.records += static_cast<uint64_t>(options.records_per_batch);
    if (flusher != nullptr) {
      flusher->FlushAsync(log, appended.last_offset, window.Callback());
      RETURN_IF_ERROR(window.WaitUntil(run.writes, window.max_pending()));
    }
    if (options.progress != nullptr) {
      options.progress->Add(size, static_cast<uint64_t>(options.records_per_batch));
    }
  }
  RETURN_IF_ERROR(writes->WaitUntil(run.writes, 0));
  if (flusher != nullptr) RETURN_IF_ERROR(window.WaitUntil(run.writes, 0));
  if (options.flush == FlushMode::kEachWrite) run.syncs = run.writes;
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return run;
}

}  // namespace ringlog::bench
