// What the produce path pays to accept a batch: ValidateProducerBatch on uncompressed
// batches (CRC plus a walk over every record) and on a compressed one (CRC only).
#include <benchmark/benchmark.h>

#include <string>

#include "engine/big_endian.h"
#include "engine/crc32c.h"
#include "engine/format.h"
#include "engine/record_batch.h"
#include "engine/record_batch_builder.h"

namespace ringlog {
namespace {

constexpr int kRecordsPerBatch = 100;

std::span<const uint8_t> Span(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
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
}

// Arg: value size in bytes.
void BM_ValidateUncompressed(benchmark::State& state) {
  const std::string value(static_cast<size_t>(state.range(0)), 'v');
  RunValidate(state, BuildUniformBatch(kRecordsPerBatch, value, 1700000000000));
}

// A batch flagged zstd: the records section is opaque to the broker, so only its CRC is
// computed. Same byte size as the uncompressed batch of the same arg.
void BM_ValidateCompressedFlag(benchmark::State& state) {
  const std::string value(static_cast<size_t>(state.range(0)), 'v');
  std::string batch = BuildUniformBatch(kRecordsPerBatch, value, 1700000000000);
  auto* p = reinterpret_cast<uint8_t*>(batch.data());
  StoreBigEndian<int16_t>(p + kBatchAttributesPos, static_cast<int16_t>(CompressionType::kZstd));
  StoreBigEndian<uint32_t>(p + kBatchCrcPos, Crc32c(Span(batch).subspan(kBatchAttributesPos)));
  RunValidate(state, batch);
}

BENCHMARK(BM_ValidateUncompressed)->Arg(100)->Arg(1024);
BENCHMARK(BM_ValidateCompressedFlag)->Arg(100)->Arg(1024);

}  // namespace
}  // namespace ringlog

BENCHMARK_MAIN();
