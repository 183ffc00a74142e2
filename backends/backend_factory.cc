#include "backends/backend_factory.h"

#include "backends/rocksdb/rocksdb_backend.h"
#include "backends/uring/uring_backend.h"

namespace ringlog {

Result<std::unique_ptr<StorageBackend>> OpenBackend(std::string_view name,
                                                    const BackendOptions& options) {
  if (name == "uring") {
    UringBackendOptions o;
    o.data_dir = options.data_dir;
    return OpenUringBackend(o);
  }
  if (name == "rocksdb") {
    RocksDbBackendOptions o;
    o.data_dir = options.data_dir;
    return OpenRocksDbBackend(o);
  }
  return Status::InvalidArgument("unknown backend '" + std::string(name) +
                                 "'; choose uring or rocksdb");
}

std::vector<std::string_view> BackendNames() { return {"uring", "rocksdb"}; }

}  // namespace ringlog
