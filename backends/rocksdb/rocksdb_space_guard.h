// SpaceGuard: keeps the RocksDB backend's appends from filling the disk, so that what RocksDB
// must still write once they stop always finds room: the flush of its memtables, the WAL
// file that flush opens (preallocated to about a memtable's size), and the small writes of
// deletions, metadata and the MANIFEST. Deletions and metadata are refused only when the
// disk is all but full (less than kWriteFloor free, which only another process can do):
// deleting is how space comes back. On a disk that RocksDB itself filled, nothing of that
// could be written, and every write, deletions included, would fail until space came back
// from elsewhere. And a write that RocksDB tries on a full disk fails in its WAL, which
// stops all writes until a DB::Resume() (rocksdb_write_stop.h); one refused beforehand
// leaves the WAL whole.
//
// An append of `bytes` is admitted while
//
//     free - 2 * bytes >= unflushed + wal_preallocation + margin
//
// where `unflushed` is what the memtables hold: each appended byte takes room in the WAL
// now and once more in a blob or SST file when its memtable is flushed. When an append
// does not fit, but flushing the memtables (which lets RocksDB drop their WAL files) would
// make room, the guard flushes them first. Free space comes from the FileSystem's
// GetFreeSpace (statvfs). Far from full, the guard looks at most every kRefreshInterval
// and counts the appends admitted in between against what the last look left; within
// kCloseWatch of the reserve it looks before every append.
//
// Thread-safe.
#pragma once

#include <rocksdb/db.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <vector>

#include "backends/rocksdb/rocksdb_write_stop.h"
#include "engine/status.h"

namespace ringlog {

class SpaceGuard final {
 public:
  struct Options {
    // Bytes RocksDB preallocates for a new WAL file.
    uint64_t wal_preallocation_bytes = 0;
    // Room kept for deletions, metadata, the MANIFEST and RocksDB's info log.
    uint64_t margin_bytes = 4ull << 20;
    // Memtables holding less than this are not flushed to make room. A memtable counts
    // whole arena blocks (an eighth of write_buffer_size each) as soon as it holds a byte,
    // so a smaller bound would flush one almost empty memtable per append near full.
    uint64_t min_flush_bytes = 1ull << 20;
  };

  // The longest the guard goes on a measurement without looking again.
  static constexpr std::chrono::milliseconds kRefreshInterval{100};
  // Closer than this to the reserve, every append looks again.
  static constexpr uint64_t kCloseWatch = 64ull << 20;
  // The free space below which even deletions and metadata are refused.
  static constexpr uint64_t kWriteFloor = 1ull << 20;

  // `db`, `families` (whose memtables count as unflushed) and `stop` (no flush while it
  // says the WAL failed) must outlive the guard.
  SpaceGuard(rocksdb::DB* db, std::vector<rocksdb::ColumnFamilyHandle*> families,
             const WriteStop* stop, const Options& options);
  SpaceGuard(const SpaceGuard&) = delete;
  SpaceGuard& operator=(const SpaceGuard&) = delete;

  // OK when an append of `bytes` may be written now; IOError with ENOSPC, saying what is
  // free and what is needed, when it may not.
  Status Admit(uint64_t bytes);
  // OK when a write of `bytes` other than an append (a deletion, metadata, a WAL sync)
  // may go: unless the disk is all but full. IOError with ENOSPC when not.
  Status AdmitWrite(uint64_t bytes);
  // OK when the disk has room for what RocksDB writes when it resumes after an error (the
  // flush of its memtables and a new WAL); IOError with ENOSPC when not.
  Status CheckRoomToResume();

 private:
  struct Space {
    uint64_t free = 0;
    uint64_t unflushed = 0;
  };
  Result<Space> Measure() const;
  // What must stay free beyond the append: the memtables, a WAL, the margin.
  uint64_t Reserve(const Space& space) const;
  Status NoRoom(const Space& space, uint64_t needed) const;
  void FlushMemtables();

  rocksdb::DB* const db_;
  const std::vector<rocksdb::ColumnFamilyHandle*> families_;
  const WriteStop* const stop_;
  const Options options_;

  std::mutex mu_;
  // The last measurement: when, and how many bytes it left for appends beyond the reserve;
  // `admitted_` counts what appends took from them since.
  std::chrono::steady_clock::time_point measured_at_;
  uint64_t headroom_ = 0;
  uint64_t admitted_ = 0;
  // Whether the last append was refused, so that a change of state is logged once.
  bool refusing_ = false;
};

}  // namespace ringlog
