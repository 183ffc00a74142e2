// The backends every engine and backend test runs against: one conformance suite,
// parameterised by backend name.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/log/storage_backend.h"
#include "engine/status.h"

namespace ringlog::testing {

// "mem", "uring", "rocksdb".
std::vector<std::string> AllTestBackends();
// The real ones only: "uring", "rocksdb".
std::vector<std::string> RealBackends();

// Opens backend `name` on `dir`. Opening the same name and dir again after the previous
// instance was destroyed sees what it stored (for "mem", the bytes live in a process-wide
// registry keyed by dir, like a disk that survives the process's objects).
Result<std::unique_ptr<StorageBackend>> OpenTestBackend(const std::string& name,
                                                        const std::string& dir);

// For INSTANTIATE_TEST_SUITE_P names.
struct BackendParamName {
  std::string operator()(const ::testing::TestParamInfo<std::string>& info) const {
    return info.param;
  }
};

}  // namespace ringlog::testing
