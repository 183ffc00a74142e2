// The command-line flags of `ringlog serve`, defined in serve_flags.cc and nowhere else;
// the broker itself (serve_command.h) takes a plain ServeOptions.
#pragma once

#include <gflags/gflags.h>

#include <vector>

#include "net/broker/serve_command.h"

// --config: a server.properties file (server_properties.h).
DECLARE_string(config);

namespace ringlog {

// ServeOptions from the parsed command line (gflags::ParseCommandLine*Flags has run).
ServeOptions ServeOptionsFromFlags();

// The flags `ringlog serve --help` lists, in name order. Other commands may read two of
// them too (--backend and --data_dir), with defaults of their own.
std::vector<gflags::CommandLineFlagInfo> ServeFlags();

}  // namespace ringlog
