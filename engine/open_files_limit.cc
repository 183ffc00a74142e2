#include "engine/open_files_limit.h"

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <fstream>

namespace ringlog {
namespace {

uint64_t FromRlim(rlim_t value) { return value == RLIM_INFINITY ? UINT64_MAX : value; }

// The most descriptors the kernel gives one process (fs.nr_open); 1 << 20 when unreadable,
// the kernel's default.
uint64_t KernelCeiling() {
  std::ifstream in("/proc/sys/fs/nr_open");
  uint64_t value = 0;
  if (in >> value && value > 0) return value;
  return 1 << 20;
}

}  // namespace

OpenFilesLimit CurrentOpenFilesLimit() {
  struct rlimit limit {};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return {};
  return {FromRlim(limit.rlim_cur), FromRlim(limit.rlim_max)};
}

Result<OpenFilesLimit> RaiseOpenFilesLimit() {
  struct rlimit limit {};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return Status::IOError("getrlimit(RLIMIT_NOFILE)", errno);
  }
  const rlim_t target =
      limit.rlim_max == RLIM_INFINITY ? static_cast<rlim_t>(KernelCeiling()) : limit.rlim_max;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < target) {
    limit.rlim_cur = target;
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
      return Status::IOError("raise the open-files limit to " + std::to_string(target), errno);
    }
  }
  return CurrentOpenFilesLimit();
}

uint64_t BackendDescriptorBudget() {
  const uint64_t soft = CurrentOpenFilesLimit().soft;
  if (soft == 0) return 16;
  return std::max<uint64_t>(16, soft / 2);
}

}  // namespace ringlog
