// RocksDbInstance: the one open RocksDB database of a backend, with its two column families
// (rocksdb_format.h), shared by the backend and every segment it hands out, so that a
// segment still held by an in-flight read never outlives the database.
//
// Thread-safe.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "backends/rocksdb/rocksdb_backend.h"
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

  // Applies `batch` atomically. The write reaches the WAL in the page cache before this
  // returns (it survives a process crash); with `sync` it is also on the disk.
  Status Write(rocksdb::WriteBatch* batch, bool sync, std::string_view context);

  // Makes every write that returned before the call durable. Concurrent callers share one
  // WAL sync (group commit): a caller whose writes a running sync covers just waits for it.
  Status SyncWal();

  // Syncs the WAL, flushes the memtables (so the next open replays nothing) and closes the
  // database. Later calls on this instance return Busy. Idempotent.
  // REQUIRES: no other thread is using the database.
  Status Close();

 private:
  RocksDbInstance(std::unique_ptr<rocksdb::DB> db, rocksdb::ColumnFamilyHandle* data,
                  rocksdb::ColumnFamilyHandle* meta);
  // Destroys the column family handles and the database, in the order RocksDB requires.
  rocksdb::Status Release();

  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* data_;
  rocksdb::ColumnFamilyHandle* meta_;
  std::atomic<bool> closed_{false};

  // Group commit of WAL syncs: the sequence number every write up to which is synced, and
  // whether a sync is running.
  std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  rocksdb::SequenceNumber synced_seq_ = 0;
  bool sync_running_ = false;
};

}  // namespace ringlog
