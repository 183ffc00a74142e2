#include "backends/rocksdb/rocksdb_partition_ids.h"

#include <algorithm>
#include <limits>
#include <string_view>

#include "backends/rocksdb/rocksdb_format.h"
#include "backends/rocksdb/rocksdb_range_iterator.h"
#include "backends/rocksdb/rocksdb_status.h"

namespace ringlog {
namespace fmt = rocksdb_format;

Result<std::unique_ptr<PartitionIds>> PartitionIds::Load(RocksDbInstance* db) {
  const std::string prefix(1, fmt::kPartitionTag);
  RangeIterator it(db->db(), db->meta(), prefix, fmt::PrefixEnd(prefix));
  std::map<PartitionId, uint32_t> ids;
  uint64_t next_id = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    ASSIGN_OR_RETURN(PartitionId partition, fmt::DecodePartitionKey(key));
    Result<uint32_t> id = fmt::DecodePartitionRecord({it->value().data(), it->value().size()});
    if (!id.ok()) return id.status().WithContext(partition.ToString());
    next_id = std::max<uint64_t>(next_id, uint64_t{*id} + 1);
    ids.emplace(std::move(partition), *id);
  }
  RETURN_IF_ERROR(FromRocksDb(it->status(), "load partition ids"));
  return std::unique_ptr<PartitionIds>(new PartitionIds(db, std::move(ids), next_id));
}

std::optional<uint32_t> PartitionIds::Find(const PartitionId& partition) const {
  std::lock_guard lock(mu_);
  auto it = ids_.find(partition);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

Result<uint32_t> PartitionIds::FindOrCreate(const PartitionId& partition) {
  if (partition.topic.empty() || partition.topic.find('\0') != std::string::npos ||
      partition.partition < 0) {
    return Status::InvalidArgument("rocksdb: invalid partition name '" + partition.ToString() +
                                   "'");
  }
  std::lock_guard lock(mu_);
  auto it = ids_.find(partition);
  if (it != ids_.end()) return it->second;
  if (next_id_ > std::numeric_limits<uint32_t>::max()) {
    return Status::InvalidArgument("rocksdb: partition ids exhausted");
  }
  const auto id = static_cast<uint32_t>(next_id_);
  rocksdb::WriteBatch write;
  RETURN_IF_ERROR(FromRocksDb(
      write.Put(db_->meta(), fmt::PartitionKey(partition), fmt::EncodePartitionRecord(id)),
      "build partition id"));
  RETURN_IF_ERROR(
      db_->Write(&write, /*sync=*/false, "store partition id of " + partition.ToString()));
  ++next_id_;
  ids_.emplace(partition, id);
  return id;
}

void PartitionIds::Forget(const PartitionId& partition) {
  std::lock_guard lock(mu_);
  ids_.erase(partition);
}

std::vector<PartitionId> PartitionIds::List() const {
  std::lock_guard lock(mu_);
  std::vector<PartitionId> out;
  out.reserve(ids_.size());
  for (const auto& [partition, id] : ids_) out.push_back(partition);
  return out;
}

}  // namespace ringlog
