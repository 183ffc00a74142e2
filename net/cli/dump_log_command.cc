#include "net/cli/dump_log_command.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "net/cli/cli_flags.h"
#include "net/cli/segment_dump.h"

DEFINE_bool(print_data_log, false,
            "dump-log: print the records of each batch too (offset, timestamp, key, value, "
            "headers)");

namespace ringlog {
namespace {

constexpr int kExitClean = 0;
constexpr int kExitDamage = 1;
constexpr int kExitUsage = 2;

// "<20 digits>.log", the name of a segment's log file.
bool IsSegmentLogName(const std::string& name) {
  constexpr size_t kDigits = 20;
  return name.size() == kDigits + 4 && name.ends_with(".log") &&
         std::all_of(name.begin(), name.begin() + kDigits,
                     [](char c) { return c >= '0' && c <= '9'; });
}

// The segment files named by `path`: itself when it is a file, else every segment file
// under it, in path order (so by partition, then by base offset).
std::vector<std::string> SegmentFiles(const std::string& path, std::error_code& error) {
  if (!std::filesystem::is_directory(path, error)) return {path};
  std::vector<std::string> files;
  for (auto it = std::filesystem::recursive_directory_iterator(path, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    if (it->is_regular_file() && IsSegmentLogName(it->path().filename().string())) {
      files.push_back(it->path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

DumpLogOptions DumpLogOptionsFromFlags(std::vector<std::string> paths) {
  return DumpLogOptions{.paths = std::move(paths), .print_data_log = FLAGS_print_data_log};
}

std::vector<gflags::CommandLineFlagInfo> DumpLogFlags() { return FlagsOfCommand(__FILE__, {}); }

std::string DumpLogUsage() {
  return "usage: ringlog dump-log FILE|DIR... [--print_data_log]\n"
         "\n"
         "prints the record batches of segment files (<base offset>.log) offline, as\n"
         "kafka-dump-log does: offsets, position, size, CRC checked, producer id, epoch and\n"
         "sequence, transactional and control flags, transaction markers. A directory is\n"
         "searched for segment files (a partition directory, or a whole --backend=uring data\n"
         "dir). Exit codes: 0 all valid, 1 a bad CRC or damage found, 2 bad usage.\n";
}

int RunDumpLog(const DumpLogOptions& options) {
  if (options.paths.empty()) {
    std::fprintf(stderr, "ringlog dump-log: name a segment file or a directory\n");
    return kExitUsage;
  }
  int exit_code = kExitClean;
  for (const std::string& path : options.paths) {
    std::error_code error;
    if (!std::filesystem::exists(path, error)) {
      std::fprintf(stderr, "ringlog dump-log: %s: no such file or directory\n", path.c_str());
      return kExitUsage;
    }
    const std::vector<std::string> files = SegmentFiles(path, error);
    if (error) {
      std::fprintf(stderr, "ringlog dump-log: %s: %s\n", path.c_str(), error.message().c_str());
      return kExitDamage;
    }
    if (files.empty()) {
      std::fprintf(stderr, "ringlog dump-log: %s: no segment file (<base offset>.log) in it\n",
                   path.c_str());
      return kExitUsage;
    }
    for (const std::string& file : files) {
      Result<SegmentDumpSummary> summary = DumpSegment(file, options.print_data_log, stdout);
      if (!summary.ok()) {
        std::fprintf(stderr, "ringlog dump-log: %s\n", summary.status().ToString().c_str());
        exit_code = kExitDamage;
        continue;
      }
      std::printf("Summary: %" PRIu64 " batches, %" PRIu64 " records, %" PRIu64 " bad CRC%s\n",
                  summary->batches, summary->records, summary->bad_crc,
                  summary->damage.empty() ? "" : ", damaged");
      if (!summary->clean()) {
        std::fprintf(stderr, "ringlog dump-log: %s: %s\n", file.c_str(),
                     summary->damage.empty() ? "batches with a bad CRC" : summary->damage.c_str());
        exit_code = kExitDamage;
      }
    }
  }
  return exit_code;
}

}  // namespace ringlog
