// Segment append and read throughput of each backend, beside a plain-file baseline that
// moves the same bytes to the same disk with pwrite/pread:
//
//   Append/<backend>/<batch bytes>        Segment::Append, no flush (with p99 per append)
//   Append/pwrite/<batch bytes>           pwrite of the same buffers, no flush
//   GroupCommit/<backend>/<batch bytes>   4 threads: PartitionLog::Append + Flush() each
//   GroupCommit/pwrite/<batch bytes>      4 threads: pwrite under a mutex + the same
//                                         leader/follower shared fdatasync
//   Read/<backend>/<batch bytes>          Segment::Read of 1 MiB + CopyReadBytes, hot cache
//   Read/pread/<batch bytes>              pread of the same byte ranges into a new string
//
// Files go to $RINGLOG_BENCH_DIR, else $TMPDIR, else /tmp; the run's context names the
// directory and the device and file system under it. Every run starts with empty files
// and removes them afterwards.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backends/backend_factory.h"
#include "bench/harness/run_context.h"
#include "bench/harness/scratch_dir.h"
#include "engine/big_endian.h"
#include "engine/clock.h"
#include "engine/log/format.h"
#include "engine/log/partition_log.h"
#include "engine/log/record_batch.h"
#include "engine/log/record_batch_builder.h"

namespace ringlog {
namespace {

constexpr uint64_t kSegmentBytes = 1ull << 30;  // Kafka's segment.bytes default
constexpr size_t kFetchBytes = 1 << 20;         // max.partition.fetch.bytes default
constexpr uint64_t kReadDataBytes = 64ull << 20;
constexpr int kGroupThreads = 4;
const PartitionId kPartition{"bench", 0};

std::string BenchRoot() {
  for (const char* var : {"RINGLOG_BENCH_DIR", "TMPDIR"}) {
    const char* value = std::getenv(var);
    if (value != nullptr && *value != '\0') return value;
  }
  return "/tmp";
}

// A fresh directory under BenchRoot(), removed with its content when it goes.
std::unique_ptr<bench::ScratchDir> NewScratchDir() {
  Result<std::unique_ptr<bench::ScratchDir>> dir =
      bench::ScratchDir::Create(BenchRoot(), "ringlog-bench-");
  CHECK(dir.ok()) << dir.status().ToString();
  return std::move(*dir);
}

// A valid batch of at most `bytes` bytes (and close to it), of records of ~1 KiB.
std::string MakeBatch(size_t bytes) {
  const size_t value_size = std::min<size_t>(1000, bytes / 4);
  int count = static_cast<int>((bytes - kBatchHeaderSize) / (value_size + 8));
  std::string batch;
  do {
    batch = BuildUniformBatch(count--, std::string(value_size, 'x'), 1'700'000'000'000);
  } while (batch.size() > bytes && count > 0);
  return batch;
}

std::span<uint8_t> Span(std::string& s) { return {reinterpret_cast<uint8_t*>(s.data()), s.size()}; }

std::unique_ptr<StorageBackend> OpenOrSkip(benchmark::State& state, const std::string& name,
                                           const std::string& dir) {
  BackendOptions options;
  options.data_dir = dir;
  auto backend = OpenBackend(name, options);
  if (!backend.ok()) {
    state.SkipWithError(backend.status().ToString().c_str());
    return nullptr;
  }
  return std::move(*backend);
}

void SkipOnError(benchmark::State& state, const Status& status) {
  if (!status.ok()) state.SkipWithError(status.ToString().c_str());
}

// bytes/s, and items/s counted in records, as Kafka's tools count them.
void SetCounters(benchmark::State& state, const std::string& batch) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * batch.size()));
  const int64_t records = static_cast<uint32_t>(LoadBigEndian<int32_t>(
      reinterpret_cast<const uint8_t*>(batch.data()) + kBatchRecordCountPos));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * records);
}

// Wall-clock time of each append, for the p99 the benchmark reports beside the throughput.
class AppendLatencies {
 public:
  AppendLatencies() { nanos_.reserve(1 << 20); }
  void Start() { start_ = std::chrono::steady_clock::now(); }
  void Stop() {
    nanos_.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::steady_clock::now() - start_)
                         .count());
  }
  void Report(benchmark::State& state) {
    if (nanos_.empty()) return;
    const size_t rank = nanos_.size() * 99 / 100;
    std::nth_element(nanos_.begin(), nanos_.begin() + static_cast<ptrdiff_t>(rank), nanos_.end());
    state.counters["p99_us"] = static_cast<double>(nanos_[rank]) / 1000.0;
  }

 private:
  std::chrono::steady_clock::time_point start_;
  std::vector<int64_t> nanos_;
};

// A file written with pwrite at growing offsets, rolled at kSegmentBytes like a segment.
class PlainLog {
 public:
  explicit PlainLog(std::string dir) : dir_(std::move(dir)) { Roll(); }
  ~PlainLog() { ::close(fd_); }

  void Append(const std::string& bytes) {
    if (position_ + bytes.size() > kSegmentBytes) Roll();
    CHECK_EQ(::pwrite(fd_, bytes.data(), bytes.size(), static_cast<off_t>(position_)),
             static_cast<ssize_t>(bytes.size()));
    position_ += bytes.size();
  }
  void Sync() { CHECK_EQ(::fdatasync(fd_), 0); }

 private:
  void Roll() {
    if (fd_ >= 0) {
      Sync();  // as PartitionLog seals (and syncs) a segment when it rolls
      ::close(fd_);
    }
    const std::string path = dir_ + "/plain-" + std::to_string(files_++) + ".log";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    CHECK_GE(fd_, 0) << path;
    position_ = 0;
  }

  const std::string dir_;
  int fd_ = -1;
  int files_ = 0;
  uint64_t position_ = 0;
};

void BM_AppendSegment(benchmark::State& state, const std::string& backend_name) {
  const auto dir = NewScratchDir();
  auto backend = OpenOrSkip(state, backend_name, dir->path() + "/data");
  if (backend == nullptr) return;
  std::string batch = MakeBatch(static_cast<size_t>(state.range(0)));
  Offset next = 0;
  auto segment = backend->CreateSegment(kPartition, next, SegmentOptions());
  if (!segment.ok()) return SkipOnError(state, segment.status());
  std::unique_ptr<Segment> active = std::move(*segment);
  AppendLatencies latencies;
  for (auto _ : state) {
    if (active->size_bytes() + batch.size() > kSegmentBytes) {
      // Rolls without sealing: sealing syncs, and this run measures appends alone.
      segment = backend->CreateSegment(kPartition, next, SegmentOptions());
      if (!segment.ok()) {
        SkipOnError(state, segment.status());
        break;
      }
      active = std::move(*segment);
    }
    SetBaseOffset(Span(batch), next);
    auto view = RecordBatchView::Parse(Span(batch));
    latencies.Start();
    Status status = active->AppendAndWait(*view);
    latencies.Stop();
    if (!status.ok()) {
      SkipOnError(state, status);
      break;
    }
    next = view->header().next_offset();
  }
  SetCounters(state, batch);
  latencies.Report(state);
}

void BM_AppendPwrite(benchmark::State& state) {
  const auto dir = NewScratchDir();
  PlainLog log(dir->path());
  std::string batch = MakeBatch(static_cast<size_t>(state.range(0)));
  Offset next = 0;
  AppendLatencies latencies;
  for (auto _ : state) {
    // The same per-batch work as the segment path besides the write itself.
    SetBaseOffset(Span(batch), next);
    auto view = RecordBatchView::Parse(Span(batch));
    latencies.Start();
    log.Append(batch);
    latencies.Stop();
    next = view->header().next_offset();
  }
  SetCounters(state, batch);
  latencies.Report(state);
}

// Shared by the threads of one GroupCommit run; thread 0 sets it up before the timed loop
// (Google Benchmark starts the threads' loops together) and tears it down after.
struct GroupRun {
  std::unique_ptr<bench::ScratchDir> dir;
  std::unique_ptr<StorageBackend> backend;
  std::unique_ptr<PartitionLog> log;
};
GroupRun* g_group = nullptr;

void BM_GroupCommitLog(benchmark::State& state, const std::string& backend_name) {
  if (state.thread_index() == 0) {
    g_group = new GroupRun;
    g_group->dir = NewScratchDir();
    g_group->backend = OpenOrSkip(state, backend_name, g_group->dir->path() + "/data");
    if (g_group->backend != nullptr) {
      LogOptions options;
      options.segment_bytes = kSegmentBytes;
      auto log =
          PartitionLog::Open(kPartition, g_group->backend.get(), options, SystemClock::Get());
      if (log.ok()) {
        g_group->log = std::move(*log);
      } else {
        SkipOnError(state, log.status());
      }
    }
  }
  std::string batch = MakeBatch(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    if (g_group->log == nullptr) {
      state.SkipWithError("no partition log");
      break;
    }
    auto appended = g_group->log->Append(Span(batch));
    Status status = appended.ok() ? g_group->log->Flush() : appended.status();
    if (!status.ok()) {
      SkipOnError(state, status);
      break;
    }
  }
  SetCounters(state, batch);
  if (state.thread_index() == 0) {
    g_group->log.reset();
    if (g_group->backend != nullptr) g_group->backend->Close().IgnoreError();
    delete g_group;
    g_group = nullptr;
  }
}

// PartitionLog's group commit, on a plain file: appends under a mutex; a flush waits for a
// flush in progress, and otherwise becomes the leader that syncs for everyone who appended
// before it, while appends go on (as in PartitionLog).
class GroupCommitFile {
 public:
  explicit GroupCommitFile(std::string dir) : log_(std::move(dir)) {}

  void Append(const std::string& batch) {
    std::lock_guard lock(append_mu_);
    log_.Append(batch);
    ++appended_;
  }

  void Flush() {
    uint64_t target;
    {
      std::lock_guard lock(append_mu_);
      target = appended_;
    }
    {
      std::unique_lock lock(flush_mu_);
      flush_cv_.wait(lock, [&] { return flushed_ >= target || !flush_in_progress_; });
      if (flushed_ >= target) return;
      flush_in_progress_ = true;
    }
    uint64_t end;
    {
      std::lock_guard lock(append_mu_);
      end = appended_;
    }
    log_.Sync();
    {
      std::lock_guard lock(flush_mu_);
      flushed_ = std::max(flushed_, end);
      flush_in_progress_ = false;
    }
    flush_cv_.notify_all();
  }

 private:
  std::mutex append_mu_;
  PlainLog log_;
  uint64_t appended_ = 0;
  std::mutex flush_mu_;
  std::condition_variable flush_cv_;
  bool flush_in_progress_ = false;
  uint64_t flushed_ = 0;
};

struct PlainGroupRun {
  const std::unique_ptr<bench::ScratchDir> dir = NewScratchDir();
  GroupCommitFile file{dir->path()};
};
PlainGroupRun* g_plain_group = nullptr;

void BM_GroupCommitPwrite(benchmark::State& state) {
  if (state.thread_index() == 0) g_plain_group = new PlainGroupRun;
  std::string batch = MakeBatch(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    g_plain_group->file.Append(batch);
    g_plain_group->file.Flush();
  }
  SetCounters(state, batch);
  if (state.thread_index() == 0) {
    delete g_plain_group;
    g_plain_group = nullptr;
  }
}

// Byte ranges a reader fetching kFetchBytes at a time gets from a log of `count` batches
// of `batch_bytes`: whole batches, at least one per fetch.
std::vector<std::pair<uint64_t, uint64_t>> FetchRanges(uint64_t batch_bytes, uint64_t count) {
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  const uint64_t per_fetch = std::max<uint64_t>(1, kFetchBytes / batch_bytes);
  for (uint64_t i = 0; i < count; i += per_fetch) {
    const uint64_t n = std::min(per_fetch, count - i);
    ranges.emplace_back(i * batch_bytes, n * batch_bytes);
  }
  return ranges;
}

void BM_ReadSegment(benchmark::State& state, const std::string& backend_name) {
  const auto dir = NewScratchDir();
  auto backend = OpenOrSkip(state, backend_name, dir->path() + "/data");
  if (backend == nullptr) return;
  std::string batch = MakeBatch(static_cast<size_t>(state.range(0)));
  auto created = backend->CreateSegment(kPartition, 0, SegmentOptions());
  if (!created.ok()) return SkipOnError(state, created.status());
  std::unique_ptr<Segment> segment = std::move(*created);
  const uint64_t count = kReadDataBytes / batch.size();
  for (uint64_t i = 0; i < count; ++i) {
    SetBaseOffset(Span(batch), segment->next_offset());
    Status status = segment->AppendAndWait(*RecordBatchView::Parse(Span(batch)));
    if (!status.ok()) return SkipOnError(state, status);
  }
  uint64_t bytes = 0;
  Offset offset = 0;
  for (auto _ : state) {
    auto read = segment->Read(offset, kFetchBytes);
    auto copy = read.ok() ? CopyReadBytes(*read) : Result<std::string>(read.status());
    if (!copy.ok()) {
      SkipOnError(state, copy.status());
      break;
    }
    bytes += copy->size();
    offset = read->next_offset == segment->next_offset() ? 0 : read->next_offset;
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(state.iterations());
}

void BM_ReadPread(benchmark::State& state) {
  const auto dir = NewScratchDir();
  std::string batch = MakeBatch(static_cast<size_t>(state.range(0)));
  const uint64_t count = kReadDataBytes / batch.size();
  const std::string path = dir->path() + "/plain.log";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  CHECK_GE(fd, 0) << path;
  for (uint64_t i = 0; i < count; ++i) {
    SetBaseOffset(Span(batch), static_cast<Offset>(i * 100));
    CHECK_EQ(::pwrite(fd, batch.data(), batch.size(), static_cast<off_t>(i * batch.size())),
             static_cast<ssize_t>(batch.size()));
  }
  const auto ranges = FetchRanges(batch.size(), count);
  uint64_t bytes = 0;
  size_t next = 0;
  for (auto _ : state) {
    const auto [position, length] = ranges[next];
    std::string out(length, '\0');
    CHECK_EQ(::pread(fd, out.data(), length, static_cast<off_t>(position)),
             static_cast<ssize_t>(length));
    benchmark::DoNotOptimize(out.data());
    bytes += out.size();
    next = next + 1 == ranges.size() ? 0 : next + 1;
  }
  ::close(fd);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(state.iterations());
}

// Wall-clock time throughout: io_uring may run a write on a kernel worker thread, whose
// CPU time the calling thread's clock would not see.
void Sizes(benchmark::internal::Benchmark* b) {
  b->Arg(4 << 10)->Arg(64 << 10)->Arg(1 << 20)->UseRealTime();
}

void RegisterAll() {
  const std::vector<std::string> backends = {"uring", "rocksdb"};
  for (const std::string& name : backends) {
    benchmark::RegisterBenchmark(("Append/" + name).c_str(), BM_AppendSegment, name)->Apply(Sizes);
  }
  benchmark::RegisterBenchmark("Append/pwrite", BM_AppendPwrite)->Apply(Sizes);
  for (const std::string& name : backends) {
    benchmark::RegisterBenchmark(("GroupCommit/" + name).c_str(), BM_GroupCommitLog, name)
        ->Apply(Sizes)
        ->Threads(kGroupThreads);
  }
  benchmark::RegisterBenchmark("GroupCommit/pwrite", BM_GroupCommitPwrite)
      ->Apply(Sizes)
      ->Threads(kGroupThreads);
  for (const std::string& name : backends) {
    benchmark::RegisterBenchmark(("Read/" + name).c_str(), BM_ReadSegment, name)->Apply(Sizes);
  }
  benchmark::RegisterBenchmark("Read/pread", BM_ReadPread)->Apply(Sizes);
}

}  // namespace
}  // namespace ringlog

int main(int argc, char** argv) {
  google::InitGoogleLogging(argv[0]);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const std::string root = ringlog::BenchRoot();
  benchmark::AddCustomContext("data_dir", root);
  const ringlog::bench::MountInfo mount = ringlog::bench::FindMount(root);
  benchmark::AddCustomContext(
      "data_disk", mount.device + " (" + mount.filesystem + ") mounted on " + mount.mount_point);
  ringlog::RegisterAll();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
