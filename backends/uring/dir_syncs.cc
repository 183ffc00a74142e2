#include "backends/uring/dir_syncs.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace ringlog {
namespace {

// A partition directory removed since its entries were added has nothing left to make
// durable (whether its removal is durable is DeletePartition's business).
Status SyncPartitionDir(const std::string& dir) {
  Status synced = SyncDir(dir);
  if (!synced.ok() && synced.err_no() == ENOENT) return Status::OK();
  return synced;
}

}  // namespace

Status SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::IOError("open directory " + dir, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return Status::IOError("fsync directory " + dir, err);
  return Status::OK();
}

Status SyncFileSystem(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::IOError("open directory " + path, errno);
  const int rc = ::syncfs(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return Status::IOError("syncfs " + path, err);
  return Status::OK();
}

void DirSyncs::Added(const std::string& dir, bool new_partition) {
  std::lock_guard lock(mu_);
  waiting_.insert(dir);
  if (new_partition) data_dir_waiting_ = true;
}

Status DirSyncs::Sync(const std::string& dir) {
  {
    // Cleared before the fsync: an entry added while it runs marks the directory again.
    std::lock_guard lock(mu_);
    waiting_.erase(dir);
  }
  if (Status synced = SyncPartitionDir(dir); !synced.ok()) {
    std::lock_guard lock(mu_);
    waiting_.insert(dir);
    return synced;
  }
  return SyncDataDir();
}

Status DirSyncs::SyncDataDir() {
  {
    std::lock_guard lock(mu_);
    if (!data_dir_waiting_) return Status::OK();
    data_dir_waiting_ = false;
  }
  if (Status synced = SyncDir(data_dir_); !synced.ok()) {
    std::lock_guard lock(mu_);
    data_dir_waiting_ = true;
    return synced;
  }
  return Status::OK();
}

}  // namespace ringlog
