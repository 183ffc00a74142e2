#include "net/cli/cli_flags.h"

#include <algorithm>

namespace ringlog {

std::vector<gflags::CommandLineFlagInfo> FlagsOfCommand(const std::string& source_file,
                                                        const std::vector<std::string>& shared) {
  std::vector<gflags::CommandLineFlagInfo> all;
  gflags::GetAllFlags(&all);
  std::vector<gflags::CommandLineFlagInfo> mine;
  for (gflags::CommandLineFlagInfo& flag : all) {
    if (flag.filename == source_file ||
        std::find(shared.begin(), shared.end(), flag.name) != shared.end()) {
      mine.push_back(std::move(flag));
    }
  }
  return mine;
}

}  // namespace ringlog
