// What the produce path pays to accept a batch: ValidateProducerBatch on uncompressed
// batches (CRC plus a walk over every record) and on compressed ones (CRC, decompression
// into the thread's reused buffer, and the same walk), per codec.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "engine/log/compression/compression_type.h"
#include "engine/log/record_batch.h"
#include "engine/log/record_batch_builder.h"

namespace ringlog {
namespace {

constexpr int kRecordsPerBatch = 100;
constexpr TimestampMs kTimestamp = 1700000000000;

std::span<const uint8_t> Span(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// A value that compresses about as log lines do (lz4 and zstd: 2-3 times).
std::string TextValue(size_t bytes, int record) {
  static constexpr const char* kWords[] = {"ts=",  " level=info", " topic=orders",  " user=",
                                           " ms=", " status=ok",  " path=/api/v1/", " n="};
  std::string value;
  uint64_t x = 0x9E3779B97F4A7C15ull * static_cast<uint64_t>(record + 1);
  while (value.size() < bytes) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    value += kWords[x % 8];
    value += std::to_string(x % 100000);
  }
  value.resize(bytes);
  return value;
}

void RunValidate(benchmark::State& state, const std::string& batch) {
  const RecordBatchView view = *RecordBatchView::Parse(Span(batch));
  if (!ValidateProducerBatch(view).ok()) {
    state.SkipWithError("benchmark batch does not validate");
    return;
  }
  for (auto _ : state) {
    Status s = ValidateProducerBatch(view);
    benchmark::DoNotOptimize(s);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(batch.size()));
  state.SetItemsProcessed(state.iterations() * kRecordsPerBatch);
  state.counters["batch_bytes"] = static_cast<double>(batch.size());
}

// Arg: value size in bytes.
void BM_ValidateUncompressed(benchmark::State& state) {
  const std::string value(static_cast<size_t>(state.range(0)), 'v');
  RunValidate(state, BuildUniformBatch(kRecordsPerBatch, value, kTimestamp));
}

// A batch of kRecordsPerBatch text-like values of `value_size` bytes, compressed by `codec`.
std::string CompressedBatch(CompressionType codec, size_t value_size) {
  std::vector<RecordData> records;
  for (int i = 0; i < kRecordsPerBatch; ++i) {
    records.push_back({std::nullopt, TextValue(value_size, i), kTimestamp, {}});
  }
  BatchOptions options;
  options.attributes = static_cast<int16_t>(codec);
  return BuildRecordBatch(records, options);
}

// Args: codec (CompressionType), value size in bytes. Bytes/s counts the compressed batch.
void BM_ValidateCompressed(benchmark::State& state) {
  const auto codec = static_cast<CompressionType>(state.range(0));
  state.SetLabel(std::string(CompressionName(codec)));
  RunValidate(state, CompressedBatch(codec, static_cast<size_t>(state.range(1))));
}

// The same compressed batches, CRC only: all that the broker checked of a compressed
// batch before it decompressed them, the baseline of BM_ValidateCompressed.
void BM_CrcOnlyCompressed(benchmark::State& state) {
  const auto codec = static_cast<CompressionType>(state.range(0));
  const std::string batch = CompressedBatch(codec, static_cast<size_t>(state.range(1)));
  const RecordBatchView view = *RecordBatchView::Parse(Span(batch));
  for (auto _ : state) {
    Status s = view.VerifyCrc();
    benchmark::DoNotOptimize(s);
  }
  state.SetLabel(std::string(CompressionName(codec)));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(batch.size()));
  state.SetItemsProcessed(state.iterations() * kRecordsPerBatch);
}

BENCHMARK(BM_ValidateUncompressed)->Arg(100)->Arg(1024);
BENCHMARK(BM_ValidateCompressed)->ArgsProduct({{1, 2, 3, 4}, {100, 1024}});
BENCHMARK(BM_CrcOnlyCompressed)->ArgsProduct({{1, 2, 3, 4}, {100, 1024}});

}  // namespace
}  // namespace ringlog

BENCHMARK_MAIN();
