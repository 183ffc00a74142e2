// RunContext: what every figure of a `ringlog bench` run is tied to: the code (git
// revision), the machine (CPU, cores, memory, kernel, the file system and device of the
// data directory) and the date. Written with each JSON line and above the table.
#pragma once

#include <cstdint>
#include <string>

namespace ringlog::bench {

struct RunContext {
  std::string git_revision;  // short sha, "-dirty" when the tree had changes; or "unknown"
  std::string date;          // ISO 8601, UTC: 2026-11-22T13:30:00Z
  std::string cpu_model;
  int cores = 0;
  uint64_t memory_bytes = 0;
  std::string kernel;      // uname -r
  std::string filesystem;  // of the data directory: "ext4"
  std::string device;      // of the data directory: "/dev/vda"
  std::string mount_point;

  // One line for people: "Intel Xeon ..., 2 cores, 23.4 GiB, Linux 6.1, ext4 on /dev/vda".
  std::string MachineSummary() const;
};

// The mount that holds `path` (which need not exist yet): the longest mount point above it.
struct MountInfo {
  std::string device;       // "/dev/vda"
  std::string filesystem;   // "ext4"
  std::string mount_point;  // "/"
};
// Empty fields when /proc/self/mounts cannot be read.
MountInfo FindMount(const std::string& path);

// Describes this machine and the disk holding `data_dir` (which need not exist yet).
// The revision comes from $RINGLOG_GIT_REVISION when set, else from `git rev-parse` in the
// source tree this binary was built from; fields that cannot be found read "unknown".
RunContext CollectRunContext(const std::string& data_dir);

}  // namespace ringlog::bench
