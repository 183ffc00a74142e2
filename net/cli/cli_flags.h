// The flags of one operator command for its --help and for main.cc's check that no other
// command's flag was given: those defined in its own source file plus the shared ones it
// reads (--bootstrap_server and --request_timeout_ms are defined by `ringlog reassign`).
#pragma once

#include <gflags/gflags.h>

#include <string>
#include <vector>

namespace ringlog {

std::vector<gflags::CommandLineFlagInfo> FlagsOfCommand(const std::string& source_file,
                                                        const std::vector<std::string>& shared);

}  // namespace ringlog
