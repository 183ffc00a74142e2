// WriteStop: what the RocksDB backend knows about RocksDB refusing writes after a background
// error (a failed WAL append, flush, compaction or MANIFEST write; most often ENOSPC).
//
// RocksDB's own recovery from a full disk polls every 5 s and waits until a whole
// write_buffer_size is free; while it waits, DB::Resume() answers Busy. The backend resumes
// itself instead, as soon as the space its memtables need is free (rocksdb_instance.cc), so
// this listener turns RocksDB's automatic recovery off.
//
// It also remembers whether the WAL took the error: RocksDB's WAL writer then refuses any
// further use, and in Debian's build (assertions on) a sync or close of that writer aborts
// the process. Only a successful Resume(), which starts a new WAL, ends that state. And it
// makes a memtable switch that found no room for a new WAL resumable (RocksDB calls that
// fatal, which would keep writes stopped until a restart).
//
// Thread-safe: RocksDB calls the listener from its own threads.
#pragma once

#include <rocksdb/listener.h>

#include <atomic>
#include <mutex>
#include <string>

namespace ringlog {

class WriteStop final : public rocksdb::EventListener {
 public:
  const char* Name() const override { return "ringlog.WriteStop"; }

  void OnBackgroundError(rocksdb::BackgroundErrorReason reason, rocksdb::Status* error) override;
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason reason, rocksdb::Status error,
                            bool* auto_recovery) override;

  // Whether RocksDB has refused writes since the last Cleared().
  bool stopped() const { return stopped_.load(std::memory_order_acquire); }
  // Whether the error hit the WAL: syncing or closing it is unsafe until Cleared().
  bool wal_failed() const { return wal_failed_.load(std::memory_order_acquire); }
  // RocksDB's message for the error that stopped writes.
  std::string reason() const;

  // Records that a write failed: RocksDB may have stopped writes without a background
  // error reaching the listener first.
  void WriteFailed(const rocksdb::Status& status);
  // After a successful DB::Resume(): writes go again.
  void Cleared();

 private:
  std::atomic<bool> stopped_{false};
  std::atomic<bool> wal_failed_{false};
  mutable std::mutex mu_;
  std::string reason_;
};

}  // namespace ringlog
