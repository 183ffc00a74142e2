// The RocksDB options the backend runs with, tuned for a log workload: large values
// written once in key order, read mostly near the tail, deleted a segment at a time.
// Why each option is what it is: the comment block in rocksdb_options.cc.
#pragma once

#include <rocksdb/options.h>

#include "backends/rocksdb/rocksdb_backend.h"

namespace ringlog {

struct RocksDbOptionSet {
  rocksdb::DBOptions db;
  // The data column family: record batches.
  rocksdb::ColumnFamilyOptions data;
  // The meta column family: partition ids, segment records, time index, meta store.
  rocksdb::ColumnFamilyOptions meta;
};

RocksDbOptionSet MakeRocksDbOptions(const RocksDbBackendOptions& options);

// `options` with memtables no larger than an eighth of a filesystem of `disk_bytes` (and no
// smaller than 1 MiB), so that the disk keeps room to flush them (rocksdb_space_guard.h).
RocksDbBackendOptions FitToDisk(RocksDbBackendOptions options, uint64_t disk_bytes);

}  // namespace ringlog
