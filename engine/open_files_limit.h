// The process's open-files limit (RLIMIT_NOFILE): raised once at start so that the soft
// limit a login shell gives (often 1,024) does not cap the broker below what the system
// allows, and read by the backends to size what they keep open.
#pragma once

#include <cstdint>

#include "engine/status.h"

namespace ringlog {

struct OpenFilesLimit {
  uint64_t soft = 0;
  uint64_t hard = 0;
};

// The current limits; an unlimited one reads as UINT64_MAX.
OpenFilesLimit CurrentOpenFilesLimit();

// Raises the soft limit to the hard one (to the kernel's per-process ceiling, fs.nr_open,
// when the hard limit is unlimited) and returns the limits now in force. IOError when
// setrlimit refuses.
Result<OpenFilesLimit> RaiseOpenFilesLimit();

// How many descriptors a backend may keep open for its files: half the soft limit, the
// rest left to connections, transient opens and libraries; at least 16.
uint64_t BackendDescriptorBudget();

}  // namespace ringlog
