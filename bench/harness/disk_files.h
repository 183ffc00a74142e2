// File-system helpers of the engine-level suites: how much disk a directory takes, reading
// it back the way a recovery would, and evicting it from the page cache so that such a
// read comes from the disk.
#pragma once

#include <cstdint>
#include <string>

#include "engine/status.h"

namespace ringlog::bench {

// Bytes of disk the regular files under `path` occupy (allocated blocks, as du counts).
Result<uint64_t> DiskBytesUsed(const std::string& path);

// Drops the cached pages of every regular file under `path` (posix_fadvise DONTNEED).
// Only clean pages go: sync the files first.
Status DropPageCache(const std::string& path);

// Reads every regular file under `path` front to back in 1 MiB preads, in name order;
// returns the bytes read.
Result<uint64_t> ReadAllFiles(const std::string& path);

// Unlinks every regular file under `path` (the directories stay); returns the bytes the
// files held.
Result<uint64_t> UnlinkAllFiles(const std::string& path);

}  // namespace ringlog::bench
