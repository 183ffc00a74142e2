// The backends every engine and backend test runs against: one conformance suite,
// parameterised by backend name.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/clock.h"
#include "engine/log/log_manager.h"
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

// Opens backend `name` on `dir` into `*backend`, then a LogManager with `defaults` and
// `clock` on it into `*logs` (declare `logs` after `backend`, so that it goes first): what
// most engine and broker fixtures open in SetUp. The first failure's status.
Status OpenTestLogs(const std::string& name, const std::string& dir, const LogOptions& defaults,
                    const Clock* clock, std::unique_ptr<StorageBackend>* backend,
                    std::unique_ptr<LogManager>* logs);

// For INSTANTIATE_TEST_SUITE_P names.
struct BackendParamName {
  std::string operator()(const ::testing::TestParamInfo<std::string>& info) const {
    return info.param;
  }
};

}  // namespace ringlog::testing
