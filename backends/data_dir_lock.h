// DataDirLock: one process's exclusive claim on a data directory, so that two processes
// never write the same segment files (two brokers on one dir lose acknowledged data).
//
// The claim is an flock(LOCK_EX) on <dir>/.lock (engine/log/format.h, kDataDirLockFile), taken
// before anything else in the directory is read and held for as long as the DataDirLock
// lives. The holder writes its pid into the file, so that a refused claimant can name it.
// The kernel drops the lock when the process ends however it ends (kill -9 included), so a
// lock is never stale, and the file itself is left in place: removing it would let a
// process lock a new file while another still holds the old one.
//
// Who holds it: every StorageBackend holds the lock of its data directory from its open
// (ClaimDataDir, data_dir.h) to its Close() or destruction; `ringlog bench` holds the lock
// of its scratch root for its run. Any new tool that opens a data directory must go through
// OpenBackend or take this lock first.
//
// The lock belongs to one open file description: a second DataDirLock on the same
// directory fails even in the same process. Descriptors are close-on-exec, so a child
// process does not inherit the claim.
//
// Thread safety: thread-compatible.
#pragma once

#include <string>

#include "engine/status.h"

namespace ringlog {

class DataDirLock {
 public:
  // Locks the existing directory `dir`. Busy, naming `dir` and the holder's pid, when
  // another DataDirLock (in any process) holds it; IOError when the lock file cannot be
  // created, locked or written.
  static Result<DataDirLock> Acquire(const std::string& dir);

  // Releases the lock.
  ~DataDirLock();
  DataDirLock(DataDirLock&& other) noexcept;
  DataDirLock& operator=(DataDirLock&& other) noexcept;
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

  const std::string& dir() const { return dir_; }

  // Gives the directory up before destruction. Idempotent.
  void Release();

 private:
  DataDirLock(std::string dir, int fd) : dir_(std::move(dir)), fd_(fd) {}

  std::string dir_;
  int fd_ = -1;
};

}  // namespace ringlog
