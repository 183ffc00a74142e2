// The raw-file backend: segment files read and written through io_uring. Layout and
// formats are in engine/log/format.h and backends/uring/uring_layout.h. Reads are zero-copy
// FileSlices. Close() leaves a clean-shutdown marker; after a crash (no Close) the next
// open CRC-checks every segment, not only the last.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "engine/log/storage_backend.h"
#include "engine/status.h"

namespace ringlog {

struct UringBackendOptions {
  // Root of all partitions; created when missing and claimed for this backend.
  std::string data_dir;
  // Submission queue entries of each thread's ring.
  unsigned queue_depth = 64;
  // About how many segment files may be open at once, half of them idle (fd_cache.h); 0:
  // half the open-files limit (engine/open_files_limit.h).
  size_t max_open_files = 0;
};

// Opens the data directory and holds its lock (backends/data_dir_lock.h) until the backend
// is closed or destroyed. Busy when another process uses the directory; InvalidArgument
// when it belongs to another backend; IOError when it cannot be used; NotSupported when the
// kernel lacks io_uring features we need.
Result<std::unique_ptr<StorageBackend>> OpenUringBackend(const UringBackendOptions& options);

}  // namespace ringlog
