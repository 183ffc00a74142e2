#include "backends/rocksdb/rocksdb_instance.h"

#include <algorithm>
#include <vector>

#include "backends/rocksdb/rocksdb_format.h"
#include "backends/rocksdb/rocksdb_options.h"
#include "backends/rocksdb/rocksdb_status.h"

namespace ringlog {

Result<std::shared_ptr<RocksDbInstance>> RocksDbInstance::Open(
    const std::string& path, const RocksDbBackendOptions& options) {
  RocksDbOptionSet set = MakeRocksDbOptions(options);
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {std::string(rocksdb_format::kDataColumnFamily), set.data},
      {std::string(rocksdb_format::kMetaColumnFamily), set.meta},
  };
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  RETURN_IF_ERROR(
      FromRocksDb(rocksdb::DB::Open(set.db, path, families, &handles, &raw), "open " + path));
  CHECK_EQ(handles.size(), families.size());
  return std::shared_ptr<RocksDbInstance>(
      new RocksDbInstance(std::unique_ptr<rocksdb::DB>(raw), handles[0], handles[1]));
}

RocksDbInstance::RocksDbInstance(std::unique_ptr<rocksdb::DB> db, rocksdb::ColumnFamilyHandle* data,
                                 rocksdb::ColumnFamilyHandle* meta)
    : db_(std::move(db)), data_(data), meta_(meta) {
  // What the WAL held at open was recovered from disk: it is durable already.
  synced_seq_ = db_->GetLatestSequenceNumber();
}

RocksDbInstance::~RocksDbInstance() {
  if (db_ != nullptr) Release().PermitUncheckedError();
}

rocksdb::Status RocksDbInstance::Release() {
  rocksdb::Status status = db_->DestroyColumnFamilyHandle(data_);
  rocksdb::Status meta_status = db_->DestroyColumnFamilyHandle(meta_);
  if (status.ok()) status = meta_status;
  rocksdb::Status close_status = db_->Close();
  if (status.ok()) status = close_status;
  db_.reset();
  data_ = nullptr;
  meta_ = nullptr;
  return status;
}

Status RocksDbInstance::CheckOpen() const {
  if (closed_.load(std::memory_order_acquire)) {
    return Status::Busy("rocksdb backend is closed");
  }
  return Status::OK();
}

Status RocksDbInstance::Write(rocksdb::WriteBatch* batch, bool sync, std::string_view context) {
  RETURN_IF_ERROR(CheckOpen());
  rocksdb::WriteOptions options;
  options.sync = sync;
  return FromRocksDb(db_->Write(options, batch), context);
}

Status RocksDbInstance::SyncWal() {
  RETURN_IF_ERROR(CheckOpen());
  const rocksdb::SequenceNumber target = db_->GetLatestSequenceNumber();
  std::unique_lock lock(sync_mu_);
  while (synced_seq_ < target) {
    if (sync_running_) {
      sync_cv_.wait(lock);
      continue;
    }
    sync_running_ = true;
    // Every write with a sequence number up to `covered` is in the WAL already, so the
    // sync below makes all of them durable, including other callers' writes.
    const rocksdb::SequenceNumber covered = db_->GetLatestSequenceNumber();
    lock.unlock();
    rocksdb::Status status = db_->SyncWAL();
    lock.lock();
    sync_running_ = false;
    if (status.ok()) synced_seq_ = std::max(synced_seq_, covered);
    sync_cv_.notify_all();
    RETURN_IF_ERROR(FromRocksDb(status, "sync WAL"));
  }
  return Status::OK();
}

Status RocksDbInstance::Close() {
  if (closed_.exchange(true, std::memory_order_acq_rel)) return Status::OK();
  rocksdb::Status status = db_->SyncWAL();
  if (status.ok()) {
    rocksdb::FlushOptions flush;
    flush.wait = true;
    status = db_->Flush(flush, {data_, meta_});
  }
  rocksdb::Status release_status = Release();
  if (status.ok()) status = release_status;
  return FromRocksDb(status, "close");
}

}  // namespace ringlog
