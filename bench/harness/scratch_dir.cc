#include "bench/harness/scratch_dir.h"

#include <fcntl.h>
#include <glog/logging.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

namespace ringlog::bench {

Result<std::unique_ptr<ScratchDir>> ScratchDir::Create(const std::string& root,
                                                       std::string_view prefix) {
  std::error_code ec;
  std::filesystem::create_directories(root, ec);
  if (ec) return Status::IOError("create " + root + ": " + ec.message(), ec.value());
  std::string templ = root + "/" + std::string(prefix) + "XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr) {
    return Status::IOError("mkdtemp " + templ, errno);
  }
  return std::unique_ptr<ScratchDir>(new ScratchDir(std::move(templ)));
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
  if (ec) LOG(WARNING) << "cannot remove scratch directory " << path_ << ": " << ec.message();
}

Status ScratchDir::SyncFileSystem() const {
  const int fd = ::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::IOError("open " + path_, errno);
  const int rc = ::syncfs(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return Status::IOError("syncfs " + path_, err);
  return Status::OK();
}

Status ScratchDir::Clear() const {
  std::error_code ec;
  std::filesystem::directory_iterator it(path_, ec);
  while (!ec && it != std::filesystem::directory_iterator()) {
    // Removing an entry does not invalidate the iterator over the others.
    const std::filesystem::path entry = it->path();
    it.increment(ec);
    if (!ec) std::filesystem::remove_all(entry, ec);
  }
  if (ec) return Status::IOError("clear " + path_ + ": " + ec.message(), ec.value());
  return Status::OK();
}

}  // namespace ringlog::bench
