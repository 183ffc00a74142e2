// The disk's own limit for a log: the same bytes written back to back to plain files on
// the same disk with pwrite(2), no engine in between. Every engine figure of `ringlog
// bench` that writes is compared with this, measured in the same run.
//
// Files roll at file_bytes, as segments do. With FlushMode::kGroup a writer thread writes
// while a syncer thread calls fdatasync over and over, each call covering every write
// that finished before it began; the writer waits while more than group_window_bytes are
// not yet durable (as producers wait for their acknowledgements). The clock stops once
// the last byte is durable (kGroup, kEachWrite) or written (kNone).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "bench/harness/progress_reporter.h"
#include "bench/harness/write_run.h"
#include "engine/status.h"

namespace ringlog::bench {

struct RawWriteOptions {
  std::string dir;         // where the files go (on the disk under test); must exist
  std::string_view block;  // the bytes of every write
  // O_DIRECT: bypasses the page cache. Each write is padded to a multiple of 4 KiB (the
  // padding counts as written: the disk moved it).
  bool direct = false;
  FlushMode flush = FlushMode::kNone;
  double seconds = 1;
  uint64_t max_bytes = UINT64_MAX;  // stop earlier once this much is written
  uint64_t file_bytes = 1ull << 30;
  uint64_t group_window_bytes = 16ull << 20;
  ProgressReporter* progress = nullptr;  // optional; counts every write
};

// Writes for options.seconds (or max_bytes) and returns what it did. The files stay in
// options.dir. IOError from the first failing call.
Result<WriteRun> RunRawSequentialWrite(const RawWriteOptions& options);

}  // namespace ringlog::bench
