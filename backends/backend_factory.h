// Opens a storage backend by name: the one place that knows every backend, used by the
// `ringlog` binary, the benchmarks and the tests.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/log/storage_backend.h"
#include "engine/status.h"

namespace ringlog {

struct BackendOptions {
  // Root directory of all data; created when missing.
  std::string data_dir = "./data";
};

// "uring" or "rocksdb". The backend holds the data dir's lock (data_dir_lock.h) for its
// life. Busy, naming the holder's pid, when another process uses the data dir;
// InvalidArgument for an unknown name or a data dir written by the other backend; IOError
// when the directory is unusable.
Result<std::unique_ptr<StorageBackend>> OpenBackend(std::string_view name,
                                                    const BackendOptions& options);

// The names OpenBackend accepts, the default first.
std::vector<std::string_view> BackendNames();

}  // namespace ringlog
