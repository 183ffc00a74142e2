#include "backends/rocksdb/rocksdb_instance.h"

#include <rocksdb/convenience.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "backends/rocksdb/rocksdb_format.h"
#include "backends/rocksdb/rocksdb_options.h"
#include "backends/rocksdb/rocksdb_status.h"

namespace ringlog {

namespace {

// After a resumption that failed, the next one waits this long: each attempt flushes the
// memtables, which on a disk still full only fails again.
constexpr std::chrono::milliseconds kResumeRetryInterval{200};

// What RocksDB preallocates for a new WAL file: a tenth more than the largest memtable, at
// most max_total_wal_size (DBImpl::GetWalPreallocateBlockSize).
uint64_t WalPreallocation(const RocksDbOptionSet& set) {
  const uint64_t largest = std::max(set.data.write_buffer_size, set.meta.write_buffer_size);
  uint64_t bytes = largest + largest / 10;
  if (set.db.max_total_wal_size > 0) bytes = std::min(bytes, set.db.max_total_wal_size);
  return bytes;
}

}  // namespace

Result<std::shared_ptr<RocksDbInstance>> RocksDbInstance::Open(
    const std::string& path, const RocksDbBackendOptions& options) {
  RocksDbOptionSet set = MakeRocksDbOptions(options);
  auto stop = std::make_shared<WriteStop>();
  set.db.listeners.push_back(stop);
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {std::string(rocksdb_format::kDataColumnFamily), set.data},
      {std::string(rocksdb_format::kMetaColumnFamily), set.meta},
  };
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  RETURN_IF_ERROR(
      FromRocksDb(rocksdb::DB::Open(set.db, path, families, &handles, &raw), "open " + path));
  CHECK_EQ(handles.size(), families.size());
  SpaceGuard::Options space;
  space.wal_preallocation_bytes = WalPreallocation(set);
  space.min_flush_bytes = std::max<uint64_t>(space.min_flush_bytes, set.data.write_buffer_size / 4);
  return std::shared_ptr<RocksDbInstance>(new RocksDbInstance(
      std::unique_ptr<rocksdb::DB>(raw), handles[0], handles[1], std::move(stop), space));
}

RocksDbInstance::RocksDbInstance(std::unique_ptr<rocksdb::DB> db, rocksdb::ColumnFamilyHandle* data,
                                 rocksdb::ColumnFamilyHandle* meta, std::shared_ptr<WriteStop> stop,
                                 const SpaceGuard::Options& space)
    : db_(std::move(db)),
      data_(data),
      meta_(meta),
      stop_(std::move(stop)),
      space_(db_.get(), {data, meta}, stop_.get(), space) {
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

Status RocksDbInstance::AdmitAppend(uint64_t bytes) {
  RETURN_IF_ERROR(CheckOpen());
  RETURN_IF_ERROR(ResumeIfStopped());
  return space_.Admit(bytes);
}

Status RocksDbInstance::ResumeIfStopped() { return Resume(/*now=*/false); }

Status RocksDbInstance::Resume(bool now) {
  if (!stop_->stopped()) return Status::OK();
  std::lock_guard lock(resume_mu_);
  if (!stop_->stopped()) return Status::OK();
  const std::string stopped_by = "rocksdb stopped writes (" + stop_->reason() + ")";
  if (!now && std::chrono::steady_clock::now() - resume_failed_at_ < kResumeRetryInterval) {
    return Status::IOError(stopped_by, ENOSPC);
  }
  RETURN_IF_ERROR(space_.CheckRoomToResume().WithContext(stopped_by));
  const rocksdb::Status resumed = db_->Resume();
  if (!resumed.ok()) {
    resume_failed_at_ = std::chrono::steady_clock::now();
    return FromRocksDb(resumed, stopped_by + "; resume");
  }
  stop_->Cleared();
  return Status::OK();
}

Status RocksDbInstance::Write(rocksdb::WriteBatch* batch, bool sync, std::string_view context) {
  RETURN_IF_ERROR(CheckOpen());
  RETURN_IF_ERROR(ResumeIfStopped().WithContext(context));
  RETURN_IF_ERROR(space_.AdmitWrite(batch->GetDataSize()).WithContext(context));
  rocksdb::WriteOptions options;
  options.sync = sync;
  const rocksdb::Status status = db_->Write(options, batch);
  if (!status.ok()) stop_->WriteFailed(status);
  return FromRocksDb(status, context);
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
    // An empty synced write rather than DB::SyncWAL(): it takes RocksDB's write path,
    // which refuses to run once a WAL append has failed, where SyncWAL() would sync the
    // failed WAL and abort the process.
    rocksdb::WriteBatch empty;
    Status status = Write(&empty, /*sync=*/true, "sync WAL");
    lock.lock();
    sync_running_ = false;
    if (status.ok()) synced_seq_ = std::max(synced_seq_, covered);
    sync_cv_.notify_all();
    RETURN_IF_ERROR(status);
  }
  return Status::OK();
}

Status RocksDbInstance::Close() {
  if (closed_.exchange(true, std::memory_order_acq_rel)) return Status::OK();
  Status resumed = Resume(/*now=*/true);
  if (!resumed.ok() && stop_->wal_failed()) {
    // RocksDB would sync and close the failed WAL, which aborts the process. What it holds
    // up to the failure is in the page cache, and the next open replays it.
    LOG(ERROR) << "rocksdb: leaving the database unclosed: " << resumed.ToString();
    rocksdb::CancelAllBackgroundWork(db_.get(), /*wait=*/true);
    static_cast<void>(db_.release());
    return resumed.WithContext("close");
  }
  // With writes stopped, the WAL is still whole and safe to sync directly.
  rocksdb::Status status = db_->SyncWAL();
  if (status.ok() && resumed.ok()) {
    rocksdb::FlushOptions flush;
    flush.wait = true;
    const rocksdb::Status flushed = db_->Flush(flush, {data_, meta_});
    // The synced WAL holds everything; the flush only spares the next open a replay.
    if (!flushed.ok()) LOG(WARNING) << "rocksdb: flush at close: " << flushed.ToString();
  }
  rocksdb::Status release_status = Release();
  if (status.ok()) status = release_status;
  return FromRocksDb(status, "close");
}

}  // namespace ringlog
