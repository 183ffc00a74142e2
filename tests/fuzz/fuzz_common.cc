#include "tests/fuzz/fuzz_common.h"

#include <glog/logging.h>

#include <cstdlib>

#include "tests/support/temp_dir.h"

namespace ringlog::fuzz {

void QuietLogging() {
  if (std::getenv("GLOG_minloglevel") == nullptr) {
    FLAGS_minloglevel = google::GLOG_FATAL;
  } else {
    FLAGS_logtostderr = true;
  }
}

const std::string& ScratchDir() {
  static const testing::TempDir dir;
  return dir.path();
}

}  // namespace ringlog::fuzz
