// ScratchDir: a fresh directory on the disk under test, removed with its content when the
// ScratchDir goes. Every suite writes only inside one, so a run leaves nothing behind.
//
// Thread safety: thread-compatible.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "engine/status.h"

namespace ringlog::bench {

class ScratchDir {
 public:
  // Creates <root>/<prefix>XXXXXX (root is created when missing). IOError when it cannot.
  static Result<std::unique_ptr<ScratchDir>> Create(const std::string& root,
                                                    std::string_view prefix);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }

  // Flushes every dirty page of the file system holding the directory (syncfs), so that
  // the write-back of one measurement does not slow down the next. IOError on failure.
  Status SyncFileSystem() const;
  // Removes everything inside the directory, keeping the directory itself.
  Status Clear() const;

 private:
  explicit ScratchDir(std::string path) : path_(std::move(path)) {}

  const std::string path_;
};

}  // namespace ringlog::bench
