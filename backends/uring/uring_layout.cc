#include "backends/uring/uring_layout.h"

#include <cinttypes>
#include <cstdio>
#include <limits>

#include "engine/log/format.h"

namespace ringlog {
namespace {

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// The base offset of "<20 digits><suffix>", or nullopt.
std::optional<Offset> ParseSegmentFileName(std::string_view name, std::string_view suffix) {
  if (name.size() != kSegmentFileNameDigits + suffix.size() || !name.ends_with(suffix)) {
    return std::nullopt;
  }
  std::string_view digits = name.substr(0, kSegmentFileNameDigits);
  if (!AllDigits(digits)) return std::nullopt;
  uint64_t value = 0;
  for (char c : digits) {
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (static_cast<uint64_t>(std::numeric_limits<Offset>::max()) - digit) / 10) {
      return std::nullopt;
    }
    value = value * 10 + digit;
  }
  return static_cast<Offset>(value);
}

}  // namespace

SegmentPaths SegmentPathsIn(const std::string& partition_dir, Offset base_offset) {
  char stem[kSegmentFileNameDigits + 1];
  std::snprintf(stem, sizeof(stem), "%020" PRId64, base_offset);
  const std::string prefix = partition_dir + "/" + stem;
  return {prefix + std::string(kLogFileSuffix), prefix + std::string(kOffsetIndexFileSuffix),
          prefix + std::string(kTimeIndexFileSuffix)};
}

std::optional<Offset> ParseLogFileName(std::string_view file_name) {
  return ParseSegmentFileName(file_name, kLogFileSuffix);
}

bool IsIndexFileName(std::string_view file_name) {
  return ParseSegmentFileName(file_name, kOffsetIndexFileSuffix).has_value() ||
         ParseSegmentFileName(file_name, kTimeIndexFileSuffix).has_value();
}

std::optional<PartitionId> ParsePartitionDirName(std::string_view dir_name) {
  const size_t dash = dir_name.rfind('-');
  if (dash == std::string_view::npos || dash == 0) return std::nullopt;
  std::string_view number = dir_name.substr(dash + 1);
  if (!AllDigits(number) || number.size() > 10) return std::nullopt;
  int64_t partition = 0;
  for (char c : number) partition = partition * 10 + (c - '0');
  if (partition > std::numeric_limits<int32_t>::max()) return std::nullopt;
  return PartitionId{std::string(dir_name.substr(0, dash)), static_cast<int32_t>(partition)};
}

}  // namespace ringlog
