// The RocksDB backend: every partition's segments as key ranges of one RocksDB instance in
// <data_dir>/rocksdb. Reads copy (no file slices). Key layout: rocksdb_format.h; the
// RocksDB options and why each was chosen: rocksdb_options.cc.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "engine/log/storage_backend.h"
#include "engine/status.h"

namespace rocksdb {
class Env;
}  // namespace rocksdb

namespace ringlog {

struct RocksDbBackendOptions {
  // Root directory; the database lives in <data_dir>/rocksdb.
  std::string data_dir;
  // Memtable size of the data column family (RocksDB write_buffer_size); at most an
  // eighth of the filesystem, so that a small disk keeps room to flush them.
  uint64_t write_buffer_bytes = 64ull << 20;
  // Keep batch bytes in blob files (RocksDB's integrated BlobDB) so compactions move only
  // keys and blob references, never the batches themselves.
  bool blob_files = true;
  // Smallest batch stored in a blob file; smaller ones stay inline in SST blocks.
  uint64_t min_blob_bytes = 4096;
  // Block cache shared by both column families (index and data blocks of SST files).
  uint64_t block_cache_bytes = 32ull << 20;
  // Flush and compaction threads.
  int max_background_jobs = 2;
  // SST and blob files RocksDB keeps open (its max_open_files); 0: half the open-files
  // limit (engine/open_files_limit.h). Partitions take no descriptor of their own here.
  int max_open_files = 0;
  // The Env RocksDB runs on; nullptr: the default one. Tests pass one whose disk fills.
  // Must outlive the backend.
  rocksdb::Env* env = nullptr;
};

// Opens (creating) the database and holds the data directory's lock
// (backends/data_dir_lock.h) until the backend is closed or destroyed. Busy when another
// process uses the directory; InvalidArgument when the directory belongs to another backend
// or the options are unusable; IOError (with RocksDB's message) when RocksDB cannot open it.
Result<std::unique_ptr<StorageBackend>> OpenRocksDbBackend(const RocksDbBackendOptions& options);

}  // namespace ringlog
