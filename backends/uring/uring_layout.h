// Names inside a uring backend data directory (the byte formats are in engine/log/format.h):
//
//   <data_dir>/RINGLOG_DATA_DIR                 marker claiming the directory (data_dir.h)
//   <data_dir>/.clean_shutdown                  present only between Close() and next open
//   <data_dir>/meta/<name>                      meta blobs
//   <data_dir>/<topic>-<partition>/<base>.log   segments, <base> = 20-digit base offset
//                                  <base>.index, <base>.timeindex
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/types.h"

namespace ringlog {

inline constexpr std::string_view kCleanShutdownFile = ".clean_shutdown";
inline constexpr std::string_view kMetaDirName = "meta";

// The three files of one segment.
struct SegmentPaths {
  std::string log;
  std::string offset_index;
  std::string time_index;
};

// The files of the segment starting at `base_offset` in `partition_dir`.
SegmentPaths SegmentPathsIn(const std::string& partition_dir, Offset base_offset);

// The base offset named by a "<20 digits>.log" file name; nullopt for any other name.
std::optional<Offset> ParseLogFileName(std::string_view file_name);

// True for "<20 digits>.index" and "<20 digits>.timeindex".
bool IsIndexFileName(std::string_view file_name);

// The partition named by a "<topic>-<partition>" directory name (split at the last '-');
// nullopt when the name does not have that shape.
std::optional<PartitionId> ParsePartitionDirName(std::string_view dir_name);

}  // namespace ringlog
