#include "backends/rocksdb/rocksdb_backend.h"

#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <optional>
#include <utility>

#include "backends/data_dir.h"
#include "backends/rocksdb/rocksdb_format.h"
#include "backends/rocksdb/rocksdb_instance.h"
#include "backends/rocksdb/rocksdb_options.h"
#include "backends/rocksdb/rocksdb_partition_ids.h"
#include "backends/rocksdb/rocksdb_range_iterator.h"
#include "backends/rocksdb/rocksdb_recovery.h"
#include "backends/rocksdb/rocksdb_segment.h"
#include "backends/rocksdb/rocksdb_status.h"

namespace ringlog {
namespace fmt = rocksdb_format;

namespace {

constexpr std::string_view kBackendName = "rocksdb";

std::string_view ToView(const rocksdb::Slice& slice) { return {slice.data(), slice.size()}; }

std::string Label(const PartitionId& partition, Offset base_offset) {
  return partition.ToString() + " segment " + std::to_string(base_offset);
}

Status CheckMetaName(std::string_view name) {
  const bool valid = !name.empty() && name.find_first_not_of(
                                          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                          "0123456789._-") == std::string_view::npos;
  if (!valid) return Status::InvalidArgument("invalid meta name '" + std::string(name) + "'");
  return Status::OK();
}

// The StorageBackend over one RocksDB instance; see rocksdb_backend.h and rocksdb_format.h.
class RocksDbBackend final : public StorageBackend {
 public:
  RocksDbBackend(DataDirLock lock, std::shared_ptr<RocksDbInstance> db,
                 std::unique_ptr<PartitionIds> ids)
      : lock_(std::move(lock)), db_(std::move(db)), ids_(std::move(ids)) {}

  std::string_view name() const override { return kBackendName; }
  BackendCapabilities capabilities() const override { return {.zero_copy_reads = false}; }

  Result<std::vector<PartitionId>> ListPartitions() override {
    RETURN_IF_ERROR(db_->CheckOpen());
    return ids_->List();
  }

  Result<std::vector<std::unique_ptr<Segment>>> OpenPartition(
      const PartitionId& partition, const SegmentOptions& options) override;
  Result<std::unique_ptr<Segment>> CreateSegment(const PartitionId& partition, Offset base_offset,
                                                 const SegmentOptions& options) override;
  Status DeleteSegment(const PartitionId& partition, Offset base_offset) override;
  Status DeletePartition(const PartitionId& partition) override;

  Status PutMeta(std::string_view name, std::string_view value) override;
  Result<std::string> GetMeta(std::string_view name) override;
  Status DeleteMeta(std::string_view name) override;
  Result<std::vector<std::string>> ListMeta(std::string_view prefix) override;

  Status Close() override {
    Status closed = db_->Close();
    // Closed, the directory is free for another process, as RocksDB's own LOCK is.
    lock_.Release();
    return closed;
  }

 private:
  // Every segment record of the partition, oldest first.
  Result<std::vector<std::pair<Offset, fmt::SegmentRecord>>> LoadSegmentRecords(
      const PartitionId& partition, uint32_t partition_id);
  // Base offset of the partition's first segment after `base_offset`, if any.
  Result<std::optional<Offset>> NextSegmentBase(uint32_t partition_id, Offset base_offset);
  // Gives the disk space of deleted data keys in [begin, end) back: drops the SST files
  // wholly inside, then compacts the range so the range tombstone meets the data it covers.
  void ReclaimSpace(const std::string& begin, const std::string& end);

  // Declared first, so released after everything else the backend holds. RocksDB's own
  // LOCK in <data_dir>/rocksdb guards the database alone; this one, taken before it, the
  // whole directory.
  DataDirLock lock_;
  const std::shared_ptr<RocksDbInstance> db_;
  const std::unique_ptr<PartitionIds> ids_;
  // Serialises meta store writers, so that DeleteMeta's existence check holds.
  std::mutex meta_mu_;
};

Result<std::vector<std::pair<Offset, fmt::SegmentRecord>>> RocksDbBackend::LoadSegmentRecords(
    const PartitionId& partition, uint32_t partition_id) {
  std::vector<std::pair<Offset, fmt::SegmentRecord>> records;
  RangeIterator it(db_->db(), db_->meta(), fmt::SegmentKey(partition_id, 0),
                   fmt::SegmentKeyEnd(partition_id));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ASSIGN_OR_RETURN(const Offset base, fmt::DecodeSegmentKey(partition_id, ToView(it->key())));
    Result<fmt::SegmentRecord> record = fmt::DecodeSegmentRecord(ToView(it->value()));
    if (!record.ok()) return record.status().WithContext(Label(partition, base));
    records.emplace_back(base, *record);
  }
  RETURN_IF_ERROR(FromRocksDb(it->status(), partition.ToString() + ": load segment records"));
  return records;
}

Result<std::vector<std::unique_ptr<Segment>>> RocksDbBackend::OpenPartition(
    const PartitionId& partition, const SegmentOptions& /*options*/) {
  RETURN_IF_ERROR(db_->CheckOpen());
  std::vector<std::unique_ptr<Segment>> segments;
  const std::optional<uint32_t> id = ids_->Find(partition);
  if (!id) return segments;
  ASSIGN_OR_RETURN(auto records, LoadSegmentRecords(partition, *id));
  for (size_t i = 0; i < records.size(); ++i) {
    auto& [base, record] = records[i];
    const std::string label = Label(partition, base);
    std::vector<DamagedRange> damage;
    if (i + 1 < records.size()) {
      record.sealed = true;
    } else {
      ASSIGN_OR_RETURN(RecoveredSegment recovered,
                       RecoverLastSegment(*db_, label, *id, base, record));
      record = recovered.record;
      damage = std::move(recovered.damage);
      // Sealing finalises nothing here, so the last segment takes appends again.
      record.sealed = false;
    }
    segments.push_back(
        std::make_unique<RocksDbSegment>(db_, label, *id, base, record, std::move(damage)));
  }
  return segments;
}

Result<std::unique_ptr<Segment>> RocksDbBackend::CreateSegment(const PartitionId& partition,
                                                               Offset base_offset,
                                                               const SegmentOptions& /*options*/) {
  RETURN_IF_ERROR(db_->CheckOpen());
  const std::string label = Label(partition, base_offset);
  if (base_offset < 0) return Status::InvalidArgument(label + ": negative base offset");
  ASSIGN_OR_RETURN(const uint32_t id, ids_->FindOrCreate(partition));
  const std::string key = fmt::SegmentKey(id, base_offset);
  std::string existing;
  const rocksdb::Status found = db_->db()->Get(rocksdb::ReadOptions(), db_->meta(), key, &existing);
  if (found.ok()) return Status::AlreadyExists(label + " exists");
  if (!found.IsNotFound()) return FromRocksDb(found, label + ": create");

  fmt::SegmentRecord record;
  record.next_offset = base_offset;
  rocksdb::WriteBatch write;
  RETURN_IF_ERROR(FromRocksDb(write.Put(db_->meta(), key, fmt::EncodeSegmentRecord(record)),
                              label + ": build create"));
  RETURN_IF_ERROR(db_->Write(&write, /*sync=*/false, label + ": create"));
  return std::unique_ptr<Segment>(
      std::make_unique<RocksDbSegment>(db_, label, id, base_offset, record));
}

Result<std::optional<Offset>> RocksDbBackend::NextSegmentBase(uint32_t partition_id,
                                                              Offset base_offset) {
  RangeIterator it(db_->db(), db_->meta(), fmt::SegmentKey(partition_id, base_offset + 1),
                   fmt::SegmentKeyEnd(partition_id));
  it->SeekToFirst();
  if (!it->Valid()) {
    RETURN_IF_ERROR(FromRocksDb(it->status(), "find next segment"));
    return std::optional<Offset>();
  }
  ASSIGN_OR_RETURN(const Offset next, fmt::DecodeSegmentKey(partition_id, ToView(it->key())));
  return std::optional<Offset>(next);
}

Status RocksDbBackend::DeleteSegment(const PartitionId& partition, Offset base_offset) {
  RETURN_IF_ERROR(db_->CheckOpen());
  const std::string label = Label(partition, base_offset);
  const std::optional<uint32_t> id = ids_->Find(partition);
  if (!id) return Status::NotFound(label + " does not exist");
  const std::string key = fmt::SegmentKey(*id, base_offset);
  std::string existing;
  const rocksdb::Status found = db_->db()->Get(rocksdb::ReadOptions(), db_->meta(), key, &existing);
  if (found.IsNotFound()) return Status::NotFound(label + " does not exist");
  RETURN_IF_ERROR(FromRocksDb(found, label + ": delete"));

  // The segment owns every key up to the next segment, or to the end of the partition.
  ASSIGN_OR_RETURN(const std::optional<Offset> next, NextSegmentBase(*id, base_offset));
  const std::string data_begin = fmt::DataKey(*id, base_offset);
  const std::string data_end = next ? fmt::DataKey(*id, *next) : fmt::DataKeyEnd(*id);
  const std::string time_end = next ? fmt::TimeKey(*id, *next) : fmt::TimeKeyEnd(*id);
  rocksdb::WriteBatch write;
  rocksdb::Status status = write.DeleteRange(db_->data(), data_begin, data_end);
  if (status.ok()) {
    status = write.DeleteRange(db_->meta(), fmt::TimeKey(*id, base_offset), time_end);
  }
  if (status.ok()) status = write.Delete(db_->meta(), key);
  RETURN_IF_ERROR(FromRocksDb(status, label + ": build delete"));
  RETURN_IF_ERROR(db_->Write(&write, /*sync=*/false, label + ": delete"));
  ReclaimSpace(data_begin, data_end);
  return Status::OK();
}

Status RocksDbBackend::DeletePartition(const PartitionId& partition) {
  RETURN_IF_ERROR(db_->CheckOpen());
  const std::optional<uint32_t> id = ids_->Find(partition);
  if (!id) return Status::OK();
  const std::string data_begin = fmt::DataKey(*id, 0);
  const std::string data_end = fmt::DataKeyEnd(*id);
  rocksdb::WriteBatch write;
  rocksdb::Status status = write.DeleteRange(db_->data(), data_begin, data_end);
  if (status.ok()) {
    status = write.DeleteRange(db_->meta(), fmt::SegmentKey(*id, 0), fmt::SegmentKeyEnd(*id));
  }
  if (status.ok()) {
    status = write.DeleteRange(db_->meta(), fmt::TimeKey(*id, 0), fmt::TimeKeyEnd(*id));
  }
  if (status.ok()) status = write.Delete(db_->meta(), fmt::PartitionKey(partition));
  RETURN_IF_ERROR(FromRocksDb(status, partition.ToString() + ": build delete"));
  RETURN_IF_ERROR(db_->Write(&write, /*sync=*/true, partition.ToString() + ": delete"));
  ids_->Forget(partition);
  ReclaimSpace(data_begin, data_end);
  return Status::OK();
}

void RocksDbBackend::ReclaimSpace(const std::string& begin, const std::string& end) {
  // A compaction may flush the memtable, which is not safe while RocksDB holds a failed
  // WAL; the space then waits for a later compaction.
  if (!db_->CanFlush()) return;
  const rocksdb::Slice begin_slice(begin);
  const rocksdb::Slice end_slice(end);
  rocksdb::Status status = rocksdb::DeleteFilesInRange(db_->db(), db_->data(), &begin_slice,
                                                       &end_slice, /*include_end=*/false);
  if (status.ok()) {
    rocksdb::CompactRangeOptions options;
    options.exclusive_manual_compaction = false;
    status = db_->db()->CompactRange(options, db_->data(), &begin_slice, &end_slice);
  }
  // The data is deleted either way; only its disk space waits for a later compaction.
  if (!status.ok()) {
    LOG(WARNING) << "rocksdb: reclaiming the space of deleted data failed: " << status.ToString();
  }
}

Status RocksDbBackend::PutMeta(std::string_view name, std::string_view value) {
  RETURN_IF_ERROR(CheckMetaName(name));
  std::lock_guard lock(meta_mu_);
  rocksdb::WriteBatch write;
  RETURN_IF_ERROR(FromRocksDb(
      write.Put(db_->meta(), fmt::MetaKey(name), fmt::EncodeMetaValue(value)), "build meta put"));
  return db_->Write(&write, /*sync=*/true, "put meta " + std::string(name));
}

Result<std::string> RocksDbBackend::GetMeta(std::string_view name) {
  RETURN_IF_ERROR(CheckMetaName(name));
  RETURN_IF_ERROR(db_->CheckOpen());
  std::string stored;
  const rocksdb::Status status =
      db_->db()->Get(rocksdb::ReadOptions(), db_->meta(), fmt::MetaKey(name), &stored);
  if (status.IsNotFound()) return Status::NotFound("meta '" + std::string(name) + "' not found");
  RETURN_IF_ERROR(FromRocksDb(status, "get meta " + std::string(name)));
  Result<std::string> value = fmt::DecodeMetaValue(stored);
  if (!value.ok()) return value.status().WithContext("meta '" + std::string(name) + "'");
  return value;
}

Status RocksDbBackend::DeleteMeta(std::string_view name) {
  RETURN_IF_ERROR(CheckMetaName(name));
  std::lock_guard lock(meta_mu_);
  RETURN_IF_ERROR(db_->CheckOpen());
  std::string stored;
  const rocksdb::Status found =
      db_->db()->Get(rocksdb::ReadOptions(), db_->meta(), fmt::MetaKey(name), &stored);
  if (found.IsNotFound()) return Status::NotFound("meta '" + std::string(name) + "' not found");
  RETURN_IF_ERROR(FromRocksDb(found, "delete meta " + std::string(name)));
  rocksdb::WriteBatch write;
  RETURN_IF_ERROR(FromRocksDb(write.Delete(db_->meta(), fmt::MetaKey(name)), "build meta delete"));
  return db_->Write(&write, /*sync=*/true, "delete meta " + std::string(name));
}

Result<std::vector<std::string>> RocksDbBackend::ListMeta(std::string_view prefix) {
  RETURN_IF_ERROR(db_->CheckOpen());
  const std::string begin = fmt::MetaKey(prefix);
  RangeIterator it(db_->db(), db_->meta(), begin, fmt::PrefixEnd(begin));
  std::vector<std::string> names;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    names.emplace_back(ToView(it->key()).substr(1));
  }
  RETURN_IF_ERROR(FromRocksDb(it->status(), "list meta"));
  return names;
}

}  // namespace

Result<std::unique_ptr<StorageBackend>> OpenRocksDbBackend(const RocksDbBackendOptions& options) {
  if (options.data_dir.empty()) return Status::InvalidArgument("rocksdb: empty data_dir");
  ASSIGN_OR_RETURN(DataDirLock lock, ClaimDataDir(options.data_dir, kBackendName));
  struct statvfs disk {};
  if (::statvfs(options.data_dir.c_str(), &disk) != 0) {
    return Status::IOError("statvfs " + options.data_dir + ": " + std::strerror(errno), errno);
  }
  const RocksDbBackendOptions fitted =
      FitToDisk(options, static_cast<uint64_t>(disk.f_blocks) * disk.f_frsize);
  ASSIGN_OR_RETURN(std::shared_ptr<RocksDbInstance> db,
                   RocksDbInstance::Open(options.data_dir + "/rocksdb", fitted));
  ASSIGN_OR_RETURN(std::unique_ptr<PartitionIds> ids, PartitionIds::Load(db.get()));
  return std::unique_ptr<StorageBackend>(
      std::make_unique<RocksDbBackend>(std::move(lock), std::move(db), std::move(ids)));
}

}  // namespace ringlog
