// An in-memory StorageBackend for tests, in the spirit of leveldb's memenv: segments live
// in a process-wide "disk" keyed by directory name, so a test can destroy the backend and
// open it again to simulate a restart. Reads return owned bytes (no file slices).
//
// The disk keeps every appended batch whole and never loses one, so Flush() is a no-op and
// recovery has no torn tail to cut; tests/support/fault_backend.h layers the loss of
// unflushed data on top. Opening a disk creates `dir` on the real file system as its
// marker: a disk whose directory was removed (a TempDir gone out of scope) is forgotten on
// the next open, so a long test run does not accumulate dead disks.
//
// Thread-safe, like every StorageBackend. Segment objects stay usable after the backend
// that made them is destroyed, and after their segment is deleted (they keep its bytes).
#pragma once

#include <memory>
#include <string>

#include "engine/log/storage_backend.h"
#include "engine/status.h"

namespace ringlog::testing {

// Opens the in-memory disk named `dir` (created empty on first use). IOError when `dir`
// cannot be created.
Result<std::unique_ptr<StorageBackend>> OpenMemBackend(const std::string& dir);

}  // namespace ringlog::testing
