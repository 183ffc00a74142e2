#include "tests/support/test_backends.h"

#include "backends/backend_factory.h"
#include "tests/support/mem_backend.h"

namespace ringlog::testing {

std::vector<std::string> AllTestBackends() { return {"mem", "uring", "rocksdb"}; }
std::vector<std::string> RealBackends() { return {"uring", "rocksdb"}; }

Result<std::unique_ptr<StorageBackend>> OpenTestBackend(const std::string& name,
                                                        const std::string& dir) {
  if (name == "mem") return OpenMemBackend(dir);
  BackendOptions options;
  options.data_dir = dir;
  return OpenBackend(name, options);
}

Status OpenTestLogs(const std::string& name, const std::string& dir, const LogOptions& defaults,
                    const Clock* clock, std::unique_ptr<StorageBackend>* backend,
                    std::unique_ptr<LogManager>* logs) {
  ASSIGN_OR_RETURN(*backend, OpenTestBackend(name, dir));
  ASSIGN_OR_RETURN(*logs, LogManager::Open(backend->get(), defaults, clock));
  return Status::OK();
}

}  // namespace ringlog::testing
