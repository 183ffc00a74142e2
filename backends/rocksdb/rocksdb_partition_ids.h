// PartitionIds: the map from topic-partition names to the compact 32-bit ids that prefix
// the RocksDB backend's keys (rocksdb_format.h, 'P' records). Loaded once at open; new ids
// are stored the first time a partition gets a segment.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "backends/rocksdb/rocksdb_instance.h"
#include "engine/status.h"
#include "engine/types.h"

namespace ringlog {

class PartitionIds final {
 public:
  // Reads every 'P' record of `db`, which must outlive the result. Corruption when a record
  // is damaged.
  static Result<std::unique_ptr<PartitionIds>> Load(RocksDbInstance* db);
  PartitionIds(const PartitionIds&) = delete;
  PartitionIds& operator=(const PartitionIds&) = delete;

  // The id of `partition`, or nullopt when it has none.
  std::optional<uint32_t> Find(const PartitionId& partition) const;
  // The id of `partition`, assigning and storing a new one when it has none.
  // InvalidArgument for a name the key layout cannot hold.
  Result<uint32_t> FindOrCreate(const PartitionId& partition);
  // Forgets `partition` once the caller has deleted its 'P' record.
  void Forget(const PartitionId& partition);
  // Every partition with an id, sorted.
  std::vector<PartitionId> List() const;

 private:
  PartitionIds(RocksDbInstance* db, std::map<PartitionId, uint32_t> ids, uint64_t next_id)
      : db_(db), ids_(std::move(ids)), next_id_(next_id) {}

  RocksDbInstance* const db_;
  mutable std::mutex mu_;
  std::map<PartitionId, uint32_t> ids_;
  // One above the largest id ever stored or loaded. Ids of deleted partitions may be reused
  // after a restart: their keys were removed in the same write as their 'P' record.
  uint64_t next_id_;
};

}  // namespace ringlog
