// Suite `seqio`: the engine's append path per backend against a raw sequential write of
// the same bytes to the same disk, for batch sizes 4 KiB to 1 MiB and three flush
// disciplines (write_run.h FlushMode). Raw writes go buffered (the baseline of the
// engine, which writes through the page cache) and with O_DIRECT (for reference).
//
// Each repetition runs every row of a case back to back; the ratio reported is the median
// of the per-repetition ratios, so a drift in the disk's speed during the run hits both
// sides alike. Between runs the files are deleted and the file system synced, untimed,
// so that one run's write-back does not slow down the next.
#include <filesystem>
#include <string>
#include <vector>

#include "bench/harness/engine_append.h"
#include "bench/harness/median.h"
#include "bench/harness/progress_reporter.h"
#include "bench/harness/raw_sequential_write.h"
#include "bench/harness/scratch_dir.h"
#include "bench/harness/suite.h"
#include "bench/harness/uniform_batch.h"

namespace ringlog::bench {
namespace {

constexpr size_t kBlockSizes[] = {4 << 10, 64 << 10, 256 << 10, 1 << 20};
constexpr FlushMode kFlushModes[] = {FlushMode::kNone, FlushMode::kGroup, FlushMode::kEachWrite};
// Bounds the disk space and the page cache one run may fill, whatever the duration.
constexpr uint64_t kMaxRunBytes = 4ull << 30;
constexpr uint64_t kSegmentBytes = 1ull << 30;

std::string SizeLabel(size_t bytes) {
  return bytes >= (1 << 20) ? std::to_string(bytes >> 20) + "MiB"
                            : std::to_string(bytes >> 10) + "KiB";
}

// One row of a case: a raw baseline or a backend, with its figures per repetition.
struct Row {
  std::string name;
  std::string backend;  // "" for a raw baseline
  bool direct = false;
  std::vector<double> mb_per_s;
  std::vector<double> records_per_s;
  std::vector<double> ratio;  // to the buffered raw write of the same repetition
};

class SeqioCase {
 public:
  SeqioCase(const SuiteOptions& options, const ScratchDir& scratch, size_t block_bytes,
            FlushMode flush)
      : options_(options),
        scratch_(scratch),
        block_bytes_(block_bytes),
        flush_(flush),
        batch_(MakeUniformBatch(block_bytes)),
        label_(SizeLabel(block_bytes) + " flush=" + std::string(FlushModeName(flush))) {
    rows_.push_back({"raw buffered " + label_, "", false, {}, {}, {}});
    rows_.push_back({"raw O_DIRECT " + label_, "", true, {}, {}, {}});
    for (const std::string& backend : options.backends) {
      rows_.push_back({backend + " " + label_, backend, false, {}, {}, {}});
    }
  }

  Status Run(MeasurementSink& sink) {
    for (int rep = 0; rep < options_.repetitions; ++rep) {
      for (Row& row : rows_) {
        ProgressReporter progress("seqio " + row.name + " (" + std::to_string(rep + 1) + "/" +
                                  std::to_string(options_.repetitions) + ")");
        Result<WriteRun> run =
            row.backend.empty() ? RunRaw(row.direct, &progress) : RunEngine(row.backend, &progress);
        RETURN_IF_ERROR(Reset());
        RETURN_IF_ERROR(run.status().WithContext("seqio " + row.name));
        row.mb_per_s.push_back(run->mb_per_s());
        row.records_per_s.push_back(run->records_per_s());
      }
      for (Row& row : rows_) {
        if (!row.backend.empty())
          row.ratio.push_back(row.mb_per_s.back() / rows_[0].mb_per_s.back());
      }
    }
    for (const Row& row : rows_) sink.Add(ToMeasurement(row));
    return Status::OK();
  }

 private:
  std::string RunDir() const { return scratch_.path() + "/run"; }

  Result<WriteRun> RunRaw(bool direct, ProgressReporter* progress) {
    std::error_code ec;
    std::filesystem::create_directories(RunDir(), ec);
    if (ec) return Status::IOError("create " + RunDir() + ": " + ec.message(), ec.value());
    RawWriteOptions raw;
    raw.dir = RunDir();
    raw.block = batch_.bytes;
    raw.direct = direct;
    raw.flush = flush_;
    raw.seconds = options_.seconds_per_measurement;
    raw.max_bytes = kMaxRunBytes;
    raw.file_bytes = kSegmentBytes;
    raw.progress = progress;
    ASSIGN_OR_RETURN(WriteRun run, RunRawSequentialWrite(raw));
    run.records = run.writes * static_cast<uint64_t>(batch_.records);
    return run;
  }

  Result<WriteRun> RunEngine(const std::string& backend, ProgressReporter* progress) {
    LogOptions log_options;
    log_options.segment_bytes = kSegmentBytes;
    log_options.max_message_bytes = static_cast<uint32_t>(2 * block_bytes_);
    ASSIGN_OR_RETURN(BenchLog bench, OpenBenchLog(backend, RunDir(), log_options, flush_));
    EngineAppendOptions append;
    append.batch = batch_.span();
    append.records_per_batch = batch_.records;
    append.flush = flush_;
    append.seconds = options_.seconds_per_measurement;
    append.max_bytes = kMaxRunBytes;
    append.progress = progress;
    // Dropped without Close(): closing would flush, and the next run starts from an
    // empty directory anyway.
    return RunEngineAppend(bench.log, append);
  }

  // Deletes the run's files (dirty pages of deleted files need no write-back) and syncs
  // what is left, so that the next run starts on a quiet disk.
  Status Reset() const {
    RETURN_IF_ERROR(scratch_.Clear());
    return scratch_.SyncFileSystem();
  }

  Measurement ToMeasurement(const Row& row) const {
    Measurement m;
    m.suite = "seqio";
    m.name = row.name;
    m.backend = row.backend;
    m.params["block_bytes"] = std::to_string(block_bytes_);
    m.params["batch_bytes"] = std::to_string(batch_.bytes.size());
    m.params["records_per_batch"] = std::to_string(batch_.records);
    m.params["flush"] = std::string(FlushModeName(flush_));
    m.params["io"] = row.backend.empty() ? (row.direct ? "direct" : "buffered") : "engine";
    m.mb_per_s = Median(row.mb_per_s);
    m.records_per_s = Median(row.records_per_s);
    m.repetitions = options_.repetitions;
    if (!row.backend.empty()) {
      m.baseline_name = rows_[0].name;
      m.baseline_mb_per_s = Median(rows_[0].mb_per_s);
      m.ratio = Median(row.ratio);
    }
    return m;
  }

  const SuiteOptions& options_;
  const ScratchDir& scratch_;
  const size_t block_bytes_;
  const FlushMode flush_;
  UniformBatch batch_;
  const std::string label_;
  std::vector<Row> rows_;
};

}  // namespace

Status RunSeqioSuite(const SuiteOptions& options, MeasurementSink& sink) {
  ASSIGN_OR_RETURN(std::unique_ptr<ScratchDir> scratch,
                   ScratchDir::Create(options.data_dir, "seqio-"));
  for (const FlushMode flush : kFlushModes) {
    for (const size_t block : kBlockSizes) {
      SeqioCase seqio_case(options, *scratch, block, flush);
      RETURN_IF_ERROR(seqio_case.Run(sink));
    }
  }
  return Status::OK();
}

}  // namespace ringlog::bench
