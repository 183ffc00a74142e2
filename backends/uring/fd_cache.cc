#include "backends/uring/fd_cache.h"

#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <utility>
#include <vector>

#include "engine/open_files_limit.h"

namespace ringlog {
namespace {

bool OutOfDescriptors(const Status& status) {
  return status.err_no() == EMFILE || status.err_no() == ENFILE;
}

}  // namespace

FdCache::FdCache(size_t limit)
    : limit_(std::max<size_t>(2, limit)), capacity_(std::max<size_t>(1, limit / 2)) {}

size_t FdCache::cached() const {
  std::lock_guard lock(mu_);
  return ring_.size();
}

Result<std::shared_ptr<UringFile>> FdCache::Open(const std::string& path, int flags, mode_t mode,
                                                 unsigned queue_depth) {
  while (true) {
    Result<std::unique_ptr<UringFile>> file = UringFile::Open(path, flags, mode, queue_depth);
    if (file.ok()) {
      open_->fetch_add(1, std::memory_order_relaxed);
      return std::shared_ptr<UringFile>(file->release(), [open = open_](UringFile* closing) {
        delete closing;
        open->fetch_sub(1, std::memory_order_relaxed);
      });
    }
    if (!OutOfDescriptors(file.status())) return file.status();
    if (!CloseIdle()) {
      return Status::IOError(
          "open " + path + ": no file descriptor left (open-files limit " +
              std::to_string(CurrentOpenFilesLimit().soft) +
              ", and no idle segment file to close); raise the limit (ulimit -n)",
          file.status().err_no());
    }
    // When a read still holds the evicted file, the next round evicts another.
  }
}

bool FdCache::CloseIdle() {
  std::shared_ptr<UringFile> evicted;
  {
    std::lock_guard lock(mu_);
    evicted = EvictOneLocked();
  }
  return evicted != nullptr;
}

void FdCache::Insert(CachedFile* handle, std::shared_ptr<UringFile> file) {
  // Closed after the lock is released.
  std::vector<std::shared_ptr<UringFile>> evicted;
  std::lock_guard lock(mu_);
  handle->referenced_.store(true, std::memory_order_relaxed);
  if (handle->cached_.load(std::memory_order_relaxed)) {
    handle->entry_->file = std::move(file);
    return;
  }
  // Just behind the hand: the last entry it reaches.
  handle->entry_ = ring_.insert(hand_, Entry{handle, std::move(file)});
  handle->cached_.store(true, std::memory_order_release);
  while (ring_.size() > capacity_) evicted.push_back(EvictOneLocked());
}

void FdCache::Forget(CachedFile* handle) {
  std::shared_ptr<UringFile> file;
  std::lock_guard lock(mu_);
  if (!handle->cached_.load(std::memory_order_relaxed)) return;
  file = std::move(handle->entry_->file);
  if (hand_ == handle->entry_) {
    hand_ = ring_.erase(handle->entry_);
  } else {
    ring_.erase(handle->entry_);
  }
  handle->cached_.store(false, std::memory_order_release);
}

std::shared_ptr<UringFile> FdCache::EvictOneLocked() {
  if (ring_.empty()) return nullptr;
  // Ends within two sweeps: the first clears every bit it passes.
  while (true) {
    if (hand_ == ring_.end()) hand_ = ring_.begin();
    CachedFile* handle = hand_->handle;
    if (handle->referenced_.exchange(false, std::memory_order_relaxed)) {
      ++hand_;
      continue;
    }
    std::shared_ptr<UringFile> file = std::move(hand_->file);
    handle->cached_.store(false, std::memory_order_release);
    hand_ = ring_.erase(hand_);
    return file;
  }
}

CachedFile::CachedFile(std::shared_ptr<FdCache> cache, std::string path, unsigned queue_depth,
                       std::shared_ptr<UringFile> open)
    : cache_(std::move(cache)), path_(std::move(path)), queue_depth_(queue_depth) {
  if (open != nullptr) {
    file_ = open;
    cache_->Insert(this, std::move(open));
  }
}

CachedFile::~CachedFile() { cache_->Forget(this); }

Result<std::shared_ptr<UringFile>> CachedFile::Get() {
  std::lock_guard lock(mu_);
  std::shared_ptr<UringFile> file = file_.lock();
  if (file != nullptr && cached_.load(std::memory_order_acquire)) {
    referenced_.store(true, std::memory_order_relaxed);
    return file;
  }
  if (file == nullptr) {
    ASSIGN_OR_RETURN(file, cache_->Open(path_, O_RDWR, 0, queue_depth_));
    file_ = file;
  }
  cache_->Insert(this, file);
  return file;
}

}  // namespace ringlog
