// The data directory's marker file (engine/format.h, kDataDirMarkerFile): created by the
// first backend that opens the directory, checked by every later open, so that a
// directory written by one backend is never read by the other.
#pragma once

#include <string>
#include <string_view>

#include "engine/status.h"

namespace ringlog {

// Creates `dir` (and its parents) when missing, checks that it is a writable directory, and
// claims it for `backend`: writes the marker when there is none, and fails with
// InvalidArgument when the marker names another backend or format version. IOError when
// the directory cannot be created or written.
Status ClaimDataDir(const std::string& dir, std::string_view backend);

// Writes `value` to `path` atomically and durably: a temporary file, fsync, rename over
// `path`, fsync of the directory. After a crash `path` holds the old or the new content.
Status WriteFileAtomically(const std::string& path, std::string_view value);

// The whole content of `path`. NotFound when it does not exist, IOError otherwise.
Result<std::string> ReadWholeFile(const std::string& path);

}  // namespace ringlog
