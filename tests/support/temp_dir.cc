#include "tests/support/temp_dir.h"

#include <glog/logging.h>
#include <stdlib.h>

#include <filesystem>

namespace ringlog::testing {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string templ = std::string(base && *base ? base : "/tmp") + "/ringlog-test-XXXXXX";
  CHECK(::mkdtemp(templ.data()) != nullptr) << "mkdtemp " << templ;
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace ringlog::testing
