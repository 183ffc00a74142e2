// RocksDbInstance: the one open RocksDB database of a backend, with its two column families
// (rocksdb_format.h), shared by the backend and every segment it hands out, so that a
// segment still held by an in-flight read never outlives the database.
//
// A full disk: appends are admitted only while the disk keeps room for what RocksDB must
// still write (rocksdb_space_guard.h), so ringlog's own data never fills it and deletions
// always go through. When the disk fills anyway (another process took the space) and
// RocksDB stops writes, the next write resumes them (DB::Resume) as soon as the space their
// resumption needs is free again; until then writes fail with IOError. The WAL is never
// synced or closed while RocksDB holds it broken (rocksdb_write_stop.h).
//
// Thread-safe.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "backends/rocksdb/rocksdb_backend.h"
#include "backends/rocksdb/rocksdb_space_guard.h"
#include "backends/rocksdb/rocksdb_write_stop.h"
#include "engine/status.h"

namespace ringlog {

class RocksDbInstance final {
 public:
  // Opens (creating) the database in directory `path` with the backend's tuned options.
  static Result<std::shared_ptr<RocksDbInstance>> Open(const std::string& path,
                                                       const RocksDbBackendOptions& options);
  ~RocksDbInstance();
  RocksDbInstance(const RocksDbInstance&) = delete;
  RocksDbInstance& operator=(const RocksDbInstance&) = delete;

  // Valid until Close() or destruction; callers check CheckOpen() first.
  rocksdb::DB* db() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* data() const { return data_; }
  rocksdb::ColumnFamilyHandle* meta() const { return meta_; }

  // Busy once Close() has begun.
  Status CheckOpen() const;

  // OK when an append of `bytes` may be written; IOError (ENOSPC) when it would leave the
  // disk without the room RocksDB needs (rocksdb_space_guard.h). Other writes only pass
  // Write's own, smaller check.
  Status AdmitAppend(uint64_t bytes);

  // Applies `batch` atomically. The write reaches the WAL in the page cache before this
  // returns (it survives a process crash); with `sync` it is also on the disk. Resumes
  // writes first if RocksDB stopped them and the disk has room again; IOError while not,
  // and while the disk is all but full (SpaceGuard::AdmitWrite).
  Status Write(rocksdb::WriteBatch* batch, bool sync, std::string_view context);

  // Makes every write that returned before the call durable. Concurrent callers share one
  // WAL sync (group commit): a caller whose writes a running sync covers just waits for it.
  Status SyncWal();

  // Resumes writes if RocksDB stopped them after an error, when the disk has room for it.
  // OK when writes go; IOError otherwise.
  Status ResumeIfStopped();

  // Whether manual flushes and compactions are safe: not while RocksDB holds a failed WAL.
  bool CanFlush() const { return !stop_->wal_failed(); }

  // Syncs the WAL, flushes the memtables (so the next open replays nothing) and closes the
  // database. Later calls on this instance return Busy. Idempotent. A flush that finds no
  // room is not an error: the synced WAL holds the data. If RocksDB stopped writes after a
  // failed WAL append and the disk still has no room to resume, the database is left open
  // (closing a failed WAL would abort the process; the next start replays it) and the
  // result is IOError.
  // REQUIRES: no other thread is using the database.
  Status Close();

 private:
  RocksDbInstance(std::unique_ptr<rocksdb::DB> db, rocksdb::ColumnFamilyHandle* data,
                  rocksdb::ColumnFamilyHandle* meta, std::shared_ptr<WriteStop> stop,
                  const SpaceGuard::Options& space);
  // Destroys the column family handles and the database, in the order RocksDB requires.
  rocksdb::Status Release();
  // ResumeIfStopped; `now` skips the pause after a failed attempt.
  Status Resume(bool now);

  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* data_;
  rocksdb::ColumnFamilyHandle* meta_;
  std::atomic<bool> closed_{false};
  const std::shared_ptr<WriteStop> stop_;
  SpaceGuard space_;

  // Serialises resumptions; after a failed one the next waits kResumeRetryInterval.
  std::mutex resume_mu_;
  std::chrono::steady_clock::time_point resume_failed_at_;

  // Group commit of WAL syncs: the sequence number every write up to which is synced, and
  // whether a sync is running.
  std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  rocksdb::SequenceNumber synced_seq_ = 0;
  bool sync_running_ = false;
};

}  // namespace ringlog
