// WriteRun and FlushMode: what one timed sequential-write run did, and how it made its
// bytes durable. Shared by the raw disk baselines and the engine's append runs, so that
// both are counted the same way.
#pragma once

#include <cstdint>
#include <string_view>

namespace ringlog::bench {

enum class FlushMode {
  kNone,       // never flushed: the page cache absorbs the writes
  kGroup,      // a separate thread syncs continuously; one fdatasync covers many writes
  kEachWrite,  // fdatasync after every write before the next one
};

// "none", "group", "each".
std::string_view FlushModeName(FlushMode mode);

struct WriteRun {
  uint64_t bytes = 0;   // written (and, unless kNone, durable) when the clock stopped
  uint64_t writes = 0;  // write calls (appends)
  uint64_t records = 0;
  uint64_t syncs = 0;  // fdatasync calls (or engine flushes)
  double seconds = 0;

  double mb_per_s() const { return seconds > 0 ? static_cast<double>(bytes) / 1e6 / seconds : 0; }
  double records_per_s() const { return seconds > 0 ? static_cast<double>(records) / seconds : 0; }
};

}  // namespace ringlog::bench
