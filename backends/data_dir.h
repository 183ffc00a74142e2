// The data directory's marker file (engine/log/format.h, kDataDirMarkerFile): created by the
// first backend that opens the directory, checked by every later open, so that a
// directory written by one backend is never read by the other. Claiming a directory also
// locks it, so that one process at a time uses it.
#pragma once

#include <string>
#include <string_view>

#include "backends/data_dir_lock.h"
#include "engine/status.h"

namespace ringlog {

// Creates `dir` (and its parents) when missing, checks that it is a writable directory,
// locks it for this process (data_dir_lock.h) before reading anything in it, and claims it
// for `backend`: writes the marker when there is none. The caller keeps the returned lock
// for as long as it uses the directory. Busy, naming the holder's pid, when another process
// holds the lock; InvalidArgument when the marker names another backend or format version;
// IOError when the directory cannot be created or written.
Result<DataDirLock> ClaimDataDir(const std::string& dir, std::string_view backend);

// Writes `value` to `path` atomically and durably: a temporary file, fsync, rename over
// `path`, fsync of the directory. After a crash `path` holds the old or the new content.
Status WriteFileAtomically(const std::string& path, std::string_view value);

// The whole content of `path`. NotFound when it does not exist, IOError otherwise.
Result<std::string> ReadWholeFile(const std::string& path);

}  // namespace ringlog
