#include "backends/rocksdb/rocksdb_options.h"

#include <rocksdb/cache.h>
#include <rocksdb/table.h>

#include <algorithm>
#include <climits>

#include "engine/open_files_limit.h"

namespace ringlog {

// Why these options (a log workload: batches of 1 KiB to 1 MiB, appended in key order per
// partition, read near the tail, deleted a whole segment at a time):
//
// - WAL on, never synced by a write (sync = false): an append reaches the OS before it
//   returns, so it survives kill -9; Segment::Flush() syncs the WAL. manual_wal_flush
//   stays off because it would keep appends in our memory, lost on kill -9.
// - No compression anywhere (kNoCompression): producers compress batches already, and
//   recompressing compressed bytes costs CPU for nothing.
// - Blob files (integrated BlobDB) for batches >= min_blob_bytes: a batch is written to
//   the WAL and once more to a blob file at memtable flush, and compactions then move only
//   the small keys and blob references. Without blobs every byte is rewritten at each
//   level it passes. Blob garbage collection stays off: retention deletes whole key ranges,
//   which turns whole blob files into garbage that RocksDB drops without rewriting.
// - Big memtables (write_buffer_size, 3 of them): fewer, larger flushes; two may be
//   flushing while the third takes writes, so appends do not stall behind a flush.
// - Level compaction with dynamic level sizes, default L0 triggers: with blobs the LSM
//   holds only keys, so compaction is cheap and the defaults keep reads to few files.
// - Buffered I/O, no direct I/O: consumers read what was just written, which the page
//   cache serves; direct I/O would need a block/blob cache as large to do the same.
//   bytes_per_sync spreads the writeback of SST and blob files instead of one burst.
// - A small shared block cache: SST blocks hold keys and blob references only; batch
//   bytes are cached by the page cache.
// - max_background_jobs = 2, matching the 2 cores: one flush and one compaction at a time.
// - max_open_files bounded (half the open-files limit by default) instead of RocksDB's
//   unlimited -1: a large database keeps room for connections and never fails an open
//   with EMFILE; RocksDB closes table files beyond it, least recently used first.
// - Point-in-time WAL recovery: after a crash the DB holds a prefix of the writes, whole
//   WriteBatches only, so an append is there entirely or not at all.
// - paranoid_checks stays on (the default). Bit rot in a stored batch is found by the
//   batch's own CRC-32C on every read and at recovery, and the batch is never served
//   (rocksdb_segment.h). But a batch below min_blob_bytes lives inside an SST block, and
//   the first compaction that reads a damaged block fails its block checksum: RocksDB then
//   stops every write to the database until the file is dealt with by hand (measured: all
//   partitions' produces answer CORRUPT_MESSAGE). Batches in blob files are not read by
//   compaction (blob GC is off), so damage there costs only the damaged batch.
// - A full disk: RocksDB needs room to flush its memtables before it can drop their WAL, so
//   appends stop while that room is left (rocksdb_space_guard.h), and writes that RocksDB
//   stopped anyway resume once it is back (rocksdb_write_stop.h). On a small filesystem the
//   memtables shrink to an eighth of it (FitToDisk), or that room would be most of the disk.
RocksDbOptionSet MakeRocksDbOptions(const RocksDbBackendOptions& options) {
  RocksDbOptionSet set;

  rocksdb::DBOptions& db = set.db;
  if (options.env != nullptr) db.env = options.env;
  db.create_if_missing = true;
  db.create_missing_column_families = true;
  db.max_background_jobs = std::max(1, options.max_background_jobs);
  db.bytes_per_sync = 1 << 20;
  db.max_total_wal_size = 4 * options.write_buffer_bytes;
  db.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  db.keep_log_file_num = 2;
  db.max_log_file_size = 8 << 20;
  db.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  db.max_open_files =
      options.max_open_files > 0
          ? options.max_open_files
          : static_cast<int>(std::min<uint64_t>(INT_MAX, BackendDescriptorBudget()));

  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  table.block_size = 16 << 10;
  auto table_factory =
      std::shared_ptr<rocksdb::TableFactory>(rocksdb::NewBlockBasedTableFactory(table));

  rocksdb::ColumnFamilyOptions& data = set.data;
  data.table_factory = table_factory;
  data.compression = rocksdb::kNoCompression;
  data.bottommost_compression = rocksdb::kNoCompression;
  data.write_buffer_size = options.write_buffer_bytes;
  data.max_write_buffer_number = 3;
  data.target_file_size_base = 64 << 20;
  data.max_bytes_for_level_base = 256 << 20;
  data.level_compaction_dynamic_level_bytes = true;
  data.enable_blob_files = options.blob_files;
  data.min_blob_size = options.min_blob_bytes;
  data.blob_file_size = 256 << 20;
  data.blob_compression_type = rocksdb::kNoCompression;
  data.enable_blob_garbage_collection = false;

  rocksdb::ColumnFamilyOptions& meta = set.meta;
  meta.table_factory = table_factory;
  meta.compression = rocksdb::kNoCompression;
  meta.write_buffer_size = 4 << 20;
  meta.level_compaction_dynamic_level_bytes = true;
  return set;
}

RocksDbBackendOptions FitToDisk(RocksDbBackendOptions options, uint64_t disk_bytes) {
  constexpr uint64_t kSmallest = 1 << 20;
  options.write_buffer_bytes =
      std::max(kSmallest, std::min(options.write_buffer_bytes, disk_bytes / 8));
  return options;
}

}  // namespace ringlog
