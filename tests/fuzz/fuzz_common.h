// What every fuzz target of tests/fuzz needs once per process.
#pragma once

#include <string>

namespace ringlog::fuzz {

// Silences glog below FATAL, so that the warnings and errors that bad input is meant to
// produce do not slow the run down (a CHECK failure still prints). With GLOG_minloglevel
// in the environment, logs from that level on go to stderr instead, to see them while
// reproducing a crash.
void QuietLogging();

// A directory of this process's own, under $TMPDIR (else /tmp), removed at exit. Each
// call returns the same path.
const std::string& ScratchDir();

}  // namespace ringlog::fuzz
