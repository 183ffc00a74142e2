// CRC-32C throughput, hardware instruction vs the portable table path, over buffer sizes
// from one small record (64 B) to a large batch (1 MiB).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "engine/log/crc32c.h"

namespace ringlog {
namespace {

std::vector<uint8_t> RandomBytes(size_t n) {
  std::mt19937 rng(42);
  std::vector<uint8_t> out(n);
  for (uint8_t& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

void BM_Crc32cHardware(benchmark::State& state) {
  if (!Crc32cIsHardwareAccelerated()) {
    state.SkipWithError("no SSE4.2 crc32 instruction on this CPU");
    return;
  }
  const std::vector<uint8_t> data = RandomBytes(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(Crc32c(data));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

void BM_Crc32cPortable(benchmark::State& state) {
  const std::vector<uint8_t> data = RandomBytes(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(Crc32cPortable(0, data));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

BENCHMARK(BM_Crc32cHardware)->RangeMultiplier(4)->Range(64, 1 << 20);
BENCHMARK(BM_Crc32cPortable)->RangeMultiplier(4)->Range(64, 1 << 20);

}  // namespace
}  // namespace ringlog

BENCHMARK_MAIN();
