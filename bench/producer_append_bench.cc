// What the idempotent producer's checks cost an append: PartitionLog::AppendAsync of
// 100-record batches of 100 B values (the shape of `ringlog bench librdkafka`), plain
// batches beside batches of 4 idempotent producers in turn, on each backend:
//
//   Append/plain/<backend>        batches without a producer id
//   Append/idempotent/<backend>   the same batches with producer ids, epochs and sequences
//   SequenceCheck                 ProducerState::Check + Record alone, per batch
//
// Both re-stamp and re-checksum every batch before its append (the idempotent one to
// advance its sequence), so that they differ only in what the log does. Writes are not
// waited for one by one (as the broker appends); the run waits for all at the end.
// Files go to $RINGLOG_BENCH_DIR, else $TMPDIR, else /tmp.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "backends/backend_factory.h"
#include "bench/harness/scratch_dir.h"
#include "engine/big_endian.h"
#include "engine/clock.h"
#include "engine/log/crc32c.h"
#include "engine/log/format.h"
#include "engine/log/partition_log.h"
#include "engine/log/record_batch_builder.h"
#include "engine/producer/producer_state.h"

namespace ringlog {
namespace {

constexpr int kRecords = 100;
constexpr size_t kValueBytes = 100;
constexpr int kProducers = 4;
constexpr TimestampMs kTimestamp = 1'700'000'000'000;

std::string BenchRoot() {
  for (const char* var : {"RINGLOG_BENCH_DIR", "TMPDIR"}) {
    const char* value = std::getenv(var);
    if (value != nullptr && *value != '\0') return value;
  }
  return "/tmp";
}

std::string MakeBatch(int64_t producer_id) {
  std::vector<RecordData> records(kRecords);
  for (RecordData& r : records) {
    r.value = std::string(kValueBytes, 'x');
    r.timestamp = kTimestamp;
  }
  BatchOptions options;
  if (producer_id >= 0) {
    options.producer_id = producer_id;
    options.producer_epoch = 0;
    options.base_sequence = 0;
  }
  return BuildRecordBatch(records, options);
}

// Sets the base sequence (a plain batch keeps its -1) and the CRC that covers it.
void Restamp(std::string& batch, int32_t sequence) {
  auto* p = reinterpret_cast<uint8_t*>(batch.data());
  if (sequence >= 0) StoreBigEndian<int32_t>(p + kBatchBaseSequencePos, sequence);
  StoreBigEndian<uint32_t>(
      p + kBatchCrcPos,
      Crc32c(std::span<const uint8_t>(p, batch.size()).subspan(kBatchAttributesPos)));
}

void BM_Append(benchmark::State& state, bool idempotent, const std::string& backend_name) {
  Result<std::unique_ptr<bench::ScratchDir>> dir =
      bench::ScratchDir::Create(BenchRoot(), "ringlog-bench-");
  CHECK(dir.ok()) << dir.status().ToString();
  BackendOptions backend_options;
  backend_options.data_dir = (*dir)->path() + "/data";
  Result<std::unique_ptr<StorageBackend>> backend = OpenBackend(backend_name, backend_options);
  if (!backend.ok()) return state.SkipWithError(backend.status().ToString().c_str());
  SystemClock clock;
  Result<std::unique_ptr<PartitionLog>> log =
      PartitionLog::Open({"bench", 0}, backend->get(), LogOptions{}, &clock);
  if (!log.ok()) return state.SkipWithError(log.status().ToString().c_str());

  std::vector<std::string> batches;
  for (int i = 0; i < kProducers; ++i) batches.push_back(MakeBatch(idempotent ? 100 + i : -1));
  std::vector<int32_t> sequences(kProducers, 0);
  std::atomic<int64_t> failed_writes = 0;
  int turn = 0;
  for (auto _ : state) {
    std::string& batch = batches[turn];
    Restamp(batch, idempotent ? sequences[turn] : -1);
    Result<AppendResult> appended =
        (*log)->AppendAsync({reinterpret_cast<uint8_t*>(batch.data()), batch.size()},
                            [&failed_writes](Status s) { failed_writes += s.ok() ? 0 : 1; });
    if (!appended.ok() || appended->duplicate) {
      state.SkipWithError(appended.ok() ? "a duplicate" : appended.status().ToString().c_str());
      break;
    }
    sequences[turn] += kRecords;
    turn = (turn + 1) % kProducers;
  }
  CHECK((*log)->Flush().ok());
  log->reset();
  if (failed_writes > 0) state.SkipWithError("a write failed");
  state.SetItemsProcessed(state.iterations() * kRecords);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(batches[0].size()));
}

void BM_SequenceCheck(benchmark::State& state) {
  ProducerState producers;
  std::vector<int32_t> sequences(kProducers, 0);
  Offset next = 0;
  int turn = 0;
  for (auto _ : state) {
    const int32_t first = sequences[turn];
    const int32_t last = first + kRecords - 1;
    const SequenceCheck check =
        producers.Check(100 + turn, 0, first, last, /*transactional=*/false);
    if (check.verdict != SequenceCheck::Verdict::kAppend) {
      state.SkipWithError("a batch in order was refused");
      break;
    }
    producers.Record(100 + turn, 0, {first, last, next, next + kRecords - 1, kTimestamp});
    next += kRecords;
    sequences[turn] = last + 1;
    turn = (turn + 1) % kProducers;
  }
  state.SetItemsProcessed(state.iterations());
}

void Register() {
  benchmark::RegisterBenchmark("SequenceCheck", BM_SequenceCheck);
  for (const char* backend : {"uring", "rocksdb"}) {
    for (const bool idempotent : {false, true}) {
      const std::string name =
          std::string("Append/") + (idempotent ? "idempotent/" : "plain/") + backend;
      benchmark::RegisterBenchmark(name.c_str(), BM_Append, idempotent, std::string(backend))
          ->UseRealTime()
          ->MinTime(1.0);
    }
  }
}

const int registered = (Register(), 0);

}  // namespace
}  // namespace ringlog

BENCHMARK_MAIN();
