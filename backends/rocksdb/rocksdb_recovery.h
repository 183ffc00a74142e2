// Recovery of a partition's last segment when the RocksDB backend opens it.
//
// RocksDB itself recovers to a prefix of whole WriteBatches (point-in-time WAL recovery),
// and each append is one WriteBatch, so a torn batch cannot appear through RocksDB. This
// pass checks what RocksDB cannot: that every stored batch is a whole RecordBatch whose
// CRC-32C matches, at the offset its key names, following the previous one. (Reads check
// each batch's CRC again, so a batch damaged later is not served either.)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "backends/rocksdb/rocksdb_format.h"
#include "backends/rocksdb/rocksdb_instance.h"
#include "engine/status.h"
#include "engine/types.h"

namespace ringlog {

// What recovery leaves of the last segment.
struct RecoveredSegment {
  rocksdb_format::SegmentRecord record;  // as now stored
  std::vector<DamagedRange> damage;      // damaged batches kept, in offset order
};

// Checks every batch stored for partition `partition_id` from `base_offset` on. A batch
// that fails its checks is bit rot (RocksDB never stores a torn batch): it is kept and
// reported with LOG(ERROR), and its offsets run up to the next stored batch (or the end
// the segment record names). Only a read that RocksDB itself reports as Corruption cuts
// everything from there on, with a LOG(WARNING): nothing after it can be listed. The time
// index entries are rebuilt from the good batches and the segment record is rewritten when
// they disagree with what is stored; all fixes go in one synced write. `label` names the
// segment in messages. Fails (cutting nothing) on I/O errors.
Result<RecoveredSegment> RecoverLastSegment(RocksDbInstance& db, const std::string& label,
                                            uint32_t partition_id, Offset base_offset,
                                            const rocksdb_format::SegmentRecord& stored);

}  // namespace ringlog
