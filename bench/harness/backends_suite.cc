// Suite `backends`: uring and RocksDB side by side, in process, on one large log each:
//
//   produce    PartitionLog::Append of 64 KiB batches of 1 KiB records, no flush
//              baseline: raw buffered write of the same bytes in files of segment size
//   consume    PartitionLog::Read from the start in 1 MiB reads, copied out (CopyReadBytes)
//              baseline: pread of the raw files in 1 MiB reads; both hot in the page cache
//   restart    open after a clean Close(), page cache dropped
//   recovery   open after a crash (no Close()), page cache dropped: every batch verified
//              baseline of both: cold pread of the raw files
//   retention  ApplyRetention with retention.bytes=0 (every closed segment goes), with the
//              disk space regained (du before and after)
//              baseline: unlinking the raw files
//
// The log is 2 GiB per second of --duration (8 MiB to 8 GiB), so the standard run's
// recovery reads a multi-GiB log and a smoke run a tiny one; it is cut in 16 segments.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/harness/disk_files.h"
#include "bench/harness/engine_append.h"
#include "bench/harness/median.h"
#include "bench/harness/progress_reporter.h"
#include "bench/harness/raw_sequential_write.h"
#include "bench/harness/scratch_dir.h"
#include "bench/harness/suite.h"
#include "bench/harness/uniform_batch.h"

namespace ringlog::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr uint64_t kLogBytesPerSecond = 2ull << 30;
constexpr uint64_t kMinLogBytes = 8ull << 20;
constexpr uint64_t kMaxLogBytes = 8ull << 30;
constexpr size_t kBatchBytes = 64 << 10;
constexpr size_t kReadBytes = 1 << 20;
constexpr int kSegments = 16;

enum Figure { kProduce, kConsume, kRestart, kRecovery, kRetention, kFigures };

// Name, baseline figure index in `raw` and unit of each figure.
constexpr const char* kFigureNames[kFigures] = {"produce", "consume", "restart clean",
                                                "recovery after crash", "retention delete"};
constexpr const char* kRawNames[kFigures] = {"raw write", "raw read hot", "raw read cold",
                                             "raw read cold", "raw unlink"};

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Figures per repetition of one row (raw or a backend).
struct Series {
  std::vector<double> mb_per_s[kFigures];
  std::vector<double> records_per_s[kFigures];
  std::vector<double> seconds[kFigures];
  std::vector<double> ratio[kFigures];
  std::vector<double> regained_bytes;
};

class BackendsRun {
 public:
  BackendsRun(const SuiteOptions& options, const ScratchDir& scratch)
      : options_(options),
        scratch_(scratch),
        log_bytes_(
            std::clamp<uint64_t>(static_cast<uint64_t>(options.seconds_per_measurement *
                                                       static_cast<double>(kLogBytesPerSecond)),
                                 kMinLogBytes, kMaxLogBytes)),
        segment_bytes_(log_bytes_ / kSegments),
        batch_(MakeUniformBatch(kBatchBytes)),
        backend_series_(options.backends.size()) {}

  Status Run(MeasurementSink& sink) {
    for (int rep = 0; rep < options_.repetitions; ++rep) {
      RETURN_IF_ERROR(RunRaw(rep).WithContext("backends raw"));
      for (size_t i = 0; i < options_.backends.size(); ++i) {
        RETURN_IF_ERROR(RunBackend(options_.backends[i], rep, backend_series_[i])
                            .WithContext("backends " + options_.backends[i]));
      }
    }
    Report(sink);
    return Status::OK();
  }

 private:
  std::string RunDir() const { return scratch_.path() + "/run"; }
  std::string Progress(const std::string& what, int rep) const {
    return "backends " + what + " (" + std::to_string(rep + 1) + "/" +
           std::to_string(options_.repetitions) + ")";
  }

  void Add(Series& s, Figure f, uint64_t bytes, uint64_t records, double seconds) {
    s.mb_per_s[f].push_back(static_cast<double>(bytes) / 1e6 / seconds);
    s.records_per_s[f].push_back(static_cast<double>(records) / seconds);
    s.seconds[f].push_back(seconds);
  }

  Status RunRaw(int rep) {
    std::error_code ec;
    std::filesystem::create_directories(RunDir(), ec);
    if (ec) return Status::IOError("create " + RunDir() + ": " + ec.message(), ec.value());
    const uint64_t records = log_bytes_ / batch_.bytes.size() * batch_.records;
    {
      ProgressReporter progress(Progress("raw write", rep));
      RawWriteOptions raw;
      raw.dir = RunDir();
      raw.block = batch_.bytes;
      raw.seconds = 1e9;  // bounded by max_bytes
      raw.max_bytes = log_bytes_;
      raw.file_bytes = segment_bytes_;
      raw.progress = &progress;
      ASSIGN_OR_RETURN(const WriteRun run, RunRawSequentialWrite(raw));
      Add(raw_, kProduce, run.bytes, records, run.seconds);
    }
    Clock::time_point start = Clock::now();
    ASSIGN_OR_RETURN(uint64_t bytes, ReadAllFiles(RunDir()));
    Add(raw_, kConsume, bytes, records, Seconds(start));
    RETURN_IF_ERROR(scratch_.SyncFileSystem());
    RETURN_IF_ERROR(DropPageCache(RunDir()));
    start = Clock::now();
    ASSIGN_OR_RETURN(bytes, ReadAllFiles(RunDir()));
    const double cold = Seconds(start);
    Add(raw_, kRestart, bytes, records, cold);
    Add(raw_, kRecovery, bytes, records, cold);
    start = Clock::now();
    ASSIGN_OR_RETURN(bytes, UnlinkAllFiles(RunDir()));
    Add(raw_, kRetention, bytes, records, Seconds(start));
    RETURN_IF_ERROR(scratch_.Clear());
    return scratch_.SyncFileSystem();
  }

  Status RunBackend(const std::string& backend, int rep, Series& s) {
    LogOptions log_options;
    log_options.segment_bytes = segment_bytes_;
    ASSIGN_OR_RETURN(BenchLog bench, OpenBenchLog(backend, RunDir(), log_options));
    {
      ProgressReporter progress(Progress(backend + " produce", rep));
      EngineAppendOptions append;
      append.batch = batch_.span();
      append.records_per_batch = batch_.records;
      append.seconds = 1e9;  // bounded by max_bytes
      append.max_bytes = log_bytes_;
      append.progress = &progress;
      ASSIGN_OR_RETURN(const WriteRun run, RunEngineAppend(bench.log, append));
      Add(s, kProduce, run.bytes, run.records, run.seconds);
    }
    RETURN_IF_ERROR(Consume(backend, rep, *bench.log, s));
    const uint64_t log_size = bench.log->size_bytes();
    const uint64_t records = static_cast<uint64_t>(bench.log->next_offset());

    // Clean restart, then a crash (the reopened log is dropped without Close()).
    RETURN_IF_ERROR(bench.Close());
    RETURN_IF_ERROR(ColdOpen(backend, log_options, &bench, s, kRestart, log_size, records));
    bench.Drop();
    RETURN_IF_ERROR(ColdOpen(backend, log_options, &bench, s, kRecovery, log_size, records));

    ASSIGN_OR_RETURN(const uint64_t disk_before, DiskBytesUsed(RunDir()));
    log_options.retention_bytes = 0;
    RETURN_IF_ERROR(bench.log->SetOptions(log_options));
    const Clock::time_point start = Clock::now();
    RETURN_IF_ERROR(bench.log->ApplyRetention().status());
    const double seconds = Seconds(start);
    const uint64_t deleted = log_size - bench.log->size_bytes();
    Add(s, kRetention, deleted, static_cast<uint64_t>(bench.log->log_start_offset()), seconds);
    ASSIGN_OR_RETURN(const uint64_t disk_after, DiskBytesUsed(RunDir()));
    s.regained_bytes.push_back(
        static_cast<double>(disk_before - std::min(disk_before, disk_after)));

    RETURN_IF_ERROR(bench.Close());
    for (int f = 0; f < kFigures; ++f) {
      s.ratio[f].push_back(s.mb_per_s[f].back() / raw_.mb_per_s[f].back());
    }
    RETURN_IF_ERROR(scratch_.Clear());
    return scratch_.SyncFileSystem();
  }

  Status Consume(const std::string& backend, int rep, const PartitionLog& log, Series& s) {
    ProgressReporter progress(Progress(backend + " consume", rep));
    const Clock::time_point start = Clock::now();
    uint64_t bytes = 0;
    Offset offset = log.log_start_offset();
    while (offset < log.next_offset()) {
      ASSIGN_OR_RETURN(const ReadResult read, log.Read(offset, kReadBytes));
      ASSIGN_OR_RETURN(const std::string copy, CopyReadBytes(read));
      bytes += copy.size();
      progress.Add(copy.size(), static_cast<uint64_t>(read.next_offset - offset));
      offset = read.next_offset;
    }
    Add(s, kConsume, bytes, static_cast<uint64_t>(offset - log.log_start_offset()), Seconds(start));
    return Status::OK();
  }

  // Syncs and evicts the log's files, then times opening it.
  Status ColdOpen(const std::string& backend, const LogOptions& log_options, BenchLog* bench,
                  Series& s, Figure figure, uint64_t log_size, uint64_t records) {
    RETURN_IF_ERROR(scratch_.SyncFileSystem());
    RETURN_IF_ERROR(DropPageCache(RunDir()));
    const Clock::time_point start = Clock::now();
    ASSIGN_OR_RETURN(*bench, OpenBenchLog(backend, RunDir(), log_options));
    Add(s, figure, log_size, records, Seconds(start));
    return Status::OK();
  }

  Measurement Make(const std::string& name, const std::string& backend, const Series& series,
                   Figure f) const {
    Measurement m;
    m.suite = "backends";
    m.name = name;
    m.backend = backend;
    m.params["figure"] = kFigureNames[f];
    m.params["log_bytes"] = std::to_string(log_bytes_);
    m.params["segment_bytes"] = std::to_string(segment_bytes_);
    m.params["batch_bytes"] = std::to_string(batch_.bytes.size());
    m.params["seconds"] = std::to_string(Median(series.seconds[f]));
    m.mb_per_s = Median(series.mb_per_s[f]);
    m.records_per_s = Median(series.records_per_s[f]);
    m.repetitions = options_.repetitions;
    return m;
  }

  void Report(MeasurementSink& sink) const {
    for (int f = 0; f < kFigures; ++f) {
      const Figure figure = static_cast<Figure>(f);
      if (figure != kRecovery) sink.Add(Make(kRawNames[f], "", raw_, figure));
      for (size_t i = 0; i < options_.backends.size(); ++i) {
        const Series& series = backend_series_[i];
        Measurement m = Make(options_.backends[i] + " " + kFigureNames[f], options_.backends[i],
                             series, figure);
        m.baseline_name = kRawNames[f];
        m.baseline_mb_per_s = Median(raw_.mb_per_s[f]);
        m.ratio = Median(series.ratio[f]);
        if (figure == kRetention) {
          m.params["disk_bytes_regained"] =
              std::to_string(static_cast<uint64_t>(Median(series.regained_bytes)));
        }
        sink.Add(m);
      }
    }
  }

  const SuiteOptions& options_;
  const ScratchDir& scratch_;
  const uint64_t log_bytes_;
  const uint64_t segment_bytes_;
  UniformBatch batch_;
  Series raw_;
  std::vector<Series> backend_series_;
};

}  // namespace

Status RunBackendsSuite(const SuiteOptions& options, MeasurementSink& sink) {
  ASSIGN_OR_RETURN(std::unique_ptr<ScratchDir> scratch,
                   ScratchDir::Create(options.data_dir, "backends-"));
  BackendsRun run(options, *scratch);
  return run.Run(sink);
}

}  // namespace ringlog::bench
