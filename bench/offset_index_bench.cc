// OffsetIndex::Lookup (the first step of every fetch) against the number of entries: a
// 1 GiB segment at the default 4 KiB interval holds about 256 Ki entries.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "engine/log/offset_index.h"

namespace ringlog {
namespace {

constexpr Offset kBase = 1000000;
constexpr Offset kOffsetsPerEntry = 10;

OffsetIndex MakeIndex(int64_t entries) {
  OffsetIndex index(kBase);
  for (int64_t i = 0; i < entries; ++i) {
    CHECK(index.Append(kBase + i * kOffsetsPerEntry, static_cast<uint32_t>(i * 4096)).ok());
  }
  return index;
}

// Random targets across the whole segment, so the lookups do not all hit the cache lines
// of one path through the search.
void BM_OffsetIndexLookup(benchmark::State& state) {
  const int64_t entries = state.range(0);
  const OffsetIndex index = MakeIndex(entries);
  std::mt19937_64 rng(1);
  std::vector<Offset> targets(4096);
  for (Offset& t : targets) {
    t = kBase + static_cast<Offset>(rng() % static_cast<uint64_t>(entries * kOffsetsPerEntry));
  }
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(index.Lookup(targets[i]));
    i = (i + 1) & (targets.size() - 1);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_OffsetIndexLookup)->RangeMultiplier(8)->Range(8, 1 << 18);

}  // namespace
}  // namespace ringlog

BENCHMARK_MAIN();
