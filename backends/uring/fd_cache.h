// FdCache: a bound on the segment files the uring backend keeps open. One descriptor per
// segment would stop a broker at about as many partitions as its open-files limit (1,024 on
// a stock account); instead each segment holds a CachedFile, which opens its file on
// demand, and the cache keeps at most half its `limit` open while idle, closing the least
// recently used (CLOCK: a use only sets a bit, so the read and write paths take no shared
// lock while the file is cached).
//
// Ownership: the cache and every user of a file share it (std::shared_ptr<UringFile>). An
// eviction drops the cache's share only; the descriptor closes when the last user lets go.
// So a read's FileSlice, pinned by its ReadResult until the socket took it, stays valid
// through any eviction, and the next Get() of that segment reuses the still open file.
// Pinned files count against the limit: once the files open through the cache reach it,
// reads copy their bytes instead of pinning more descriptors (SlicesAllowed), so that one
// fetch of 10,000 partitions cannot hold 10,000 descriptors. The bound is not exact:
// reads racing past the check, and the file a copying read opened, may add a few.
//
// Opens through the cache (Open, CachedFile::Get) that fail with EMFILE or ENFILE close
// idle cached files and retry; only when none is left do they fail, with an IOError that
// names the limit.
//
// Thread-safe.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>

#include "backends/uring/uring_file.h"
#include "engine/status.h"

namespace ringlog {

class CachedFile;

class FdCache final {
 public:
  // About `limit` (at least 2) files open at once, half of them idle ones.
  explicit FdCache(size_t limit);
  FdCache(const FdCache&) = delete;
  FdCache& operator=(const FdCache&) = delete;

  size_t limit() const { return limit_; }
  // Idle files kept open at most.
  size_t capacity() const { return capacity_; }
  // Files the cache holds open now.
  size_t cached() const;
  // Files opened through the cache and still open: cached, in use, or pinned by reads.
  size_t open() const { return open_->load(std::memory_order_relaxed); }
  // Whether a read may pin its file for a zero-copy send; false once open() reached the
  // limit, when reads copy instead.
  bool SlicesAllowed() const { return open() < limit_; }

  // UringFile::Open, retried after closing idle cached files while the process is out of
  // descriptors; the file counts in open() until it closes.
  Result<std::shared_ptr<UringFile>> Open(const std::string& path, int flags, mode_t mode,
                                          unsigned queue_depth);

  // Drops the least recently used cached file, for work that ran out of descriptors
  // elsewhere to retry; false when the cache is empty. The descriptor closes unless a user
  // still holds the file.
  bool CloseIdle();

 private:
  friend class CachedFile;
  struct Entry {
    CachedFile* handle;
    std::shared_ptr<UringFile> file;
  };

  // Caches `file` as `handle`'s open file, evicting beyond the capacity.
  void Insert(CachedFile* handle, std::shared_ptr<UringFile> file);
  // Drops `handle`'s entry, if it has one.
  void Forget(CachedFile* handle);
  // Drops the entry the clock hand finds unused; nullptr when the cache is empty.
  // REQUIRES: mu_ held.
  std::shared_ptr<UringFile> EvictOneLocked();

  const size_t limit_;
  const size_t capacity_;
  // Shared with the files' deleters, which may run after the cache is gone.
  const std::shared_ptr<std::atomic<size_t>> open_ = std::make_shared<std::atomic<size_t>>(0);
  mutable std::mutex mu_;
  std::list<Entry> ring_;
  std::list<Entry>::iterator hand_ = ring_.end();
};

// One segment file behind the cache: opened on demand with O_RDWR.
class CachedFile final {
 public:
  // `open`, when given, is the file already open (just created); it is cached at once.
  CachedFile(std::shared_ptr<FdCache> cache, std::string path, unsigned queue_depth,
             std::shared_ptr<UringFile> open);
  ~CachedFile();
  CachedFile(const CachedFile&) = delete;
  CachedFile& operator=(const CachedFile&) = delete;

  // The open file, reopened when the cache closed it. The descriptor stays open while
  // the caller holds the pointer. NotFound when the file was removed meanwhile.
  Result<std::shared_ptr<UringFile>> Get();

  const std::string& path() const { return path_; }

 private:
  friend class FdCache;

  const std::shared_ptr<FdCache> cache_;
  const std::string path_;
  const unsigned queue_depth_;
  // Serialises reopening, so that two users never open the file twice.
  std::mutex mu_;
  std::weak_ptr<UringFile> file_;
  // Set by every use, cleared by the clock hand passing: a used file survives one sweep.
  std::atomic<bool> referenced_{true};
  // Whether the cache holds the file; written under the cache's mu_.
  std::atomic<bool> cached_{false};
  // The entry in the cache's ring while cached_; guarded by the cache's mu_.
  std::list<FdCache::Entry>::iterator entry_;
};

}  // namespace ringlog
