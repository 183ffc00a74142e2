// `ringlog dump-log FILE|DIR...`: the record batches of segment files, offline, as Kafka's
// kafka-dump-log prints them (net/cli/segment_dump.h). A directory is searched for segment
// files (<20-digit base offset>.log): a partition directory or a whole uring data dir.
// Exit codes: 0 every batch valid; 1 a CRC mismatch or damage found, or a file unreadable;
// 2 bad usage (no path, a path that does not exist, no segment file in a directory).
#pragma once

#include <gflags/gflags.h>

#include <string>
#include <vector>

namespace ringlog {

struct DumpLogOptions {
  std::vector<std::string> paths;
  bool print_data_log = false;  // the records too (keys, values, headers, timestamps)
};

DumpLogOptions DumpLogOptionsFromFlags(std::vector<std::string> paths);
std::vector<gflags::CommandLineFlagInfo> DumpLogFlags();
std::string DumpLogUsage();

int RunDumpLog(const DumpLogOptions& options);

}  // namespace ringlog
