// MetaStore: the uring backend's store of named blobs, one file per blob under
// <data_dir>/meta (StorageBackend::PutMeta and friends). Each Put replaces its file
// atomically and durably (write a temporary, fsync, rename, fsync the directory).
//
// Names are [A-Za-z0-9._-]+, except that a name may not end in ".tmp", the suffix of
// the temporary files.
//
// Thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"

namespace ringlog {

class MetaStore final {
 public:
  // `dir` must exist; leftover temporary files of an interrupted Put are removed.
  explicit MetaStore(std::string dir);
  MetaStore(const MetaStore&) = delete;
  MetaStore& operator=(const MetaStore&) = delete;

  // InvalidArgument for a bad name; IOError when the file cannot be written.
  Status Put(std::string_view name, std::string_view value);
  // NotFound when there is no blob `name`.
  Result<std::string> Get(std::string_view name) const;
  // NotFound when there is no blob `name`.
  Status Delete(std::string_view name);
  // Names starting with `prefix`, sorted.
  Result<std::vector<std::string>> List(std::string_view prefix) const;

 private:
  std::string PathOf(std::string_view name) const { return dir_ + "/" + std::string(name); }

  const std::string dir_;
  // Keeps List from seeing a Put's temporary file.
  mutable std::mutex mu_;
};

}  // namespace ringlog
