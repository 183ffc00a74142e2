// Recovery of a partition's last segment when the RocksDB backend opens it.
//
// RocksDB itself recovers to a prefix of whole WriteBatches (point-in-time WAL recovery),
// and each append is one WriteBatch, so a torn batch cannot appear through RocksDB. This
// pass checks what RocksDB cannot: that every stored batch is a whole RecordBatch whose
// CRC-32C matches, at the offset its key names, following the previous one. It is the
// guard that keeps a damaged batch from being served as good data.
#pragma once

#include <cstdint>
#include <string>

#include "backends/rocksdb/rocksdb_format.h"
#include "backends/rocksdb/rocksdb_instance.h"
#include "engine/status.h"

namespace ringlog {

// Checks every batch stored for partition `partition_id` from `base_offset` on. From the
// first bad batch (or a read RocksDB reports as Corruption) everything is cut, with a
// LOG(WARNING) saying what. The time index entries are rebuilt and the segment record is
// rewritten when they disagree with the batches kept; all fixes go in one synced write.
// Returns the segment's record as now stored. `label` names the segment in messages.
// Fails (cutting nothing) on I/O errors.
Result<rocksdb_format::SegmentRecord> RecoverLastSegment(
    RocksDbInstance& db, const std::string& label, uint32_t partition_id, Offset base_offset,
    const rocksdb_format::SegmentRecord& stored);

}  // namespace ringlog
