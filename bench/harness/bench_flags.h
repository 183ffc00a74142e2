// The command-line flags of `ringlog bench`: defined in bench_flags.cc, except --backend
// and --data_dir, which it shares with `ringlog serve` (net/broker/serve_flags.cc) and gives
// defaults of its own. RunBenchCommand (bench_command.h) takes a plain BenchCommandOptions.
#pragma once

#include <gflags/gflags.h>

#include <string>
#include <vector>

#include "bench/harness/bench_command.h"

namespace ringlog::bench {

// BenchCommandOptions for `suite` from the parsed command line (gflags has parsed it).
// The broker that suites start is this executable (`argv0` when /proc/self/exe cannot be
// read) unless --broker_binary names another.
BenchCommandOptions BenchOptionsFromFlags(const std::string& suite, const char* argv0);

// The flags `ringlog bench --help` lists, in name order, with the defaults bench applies.
std::vector<gflags::CommandLineFlagInfo> BenchFlags();

}  // namespace ringlog::bench
