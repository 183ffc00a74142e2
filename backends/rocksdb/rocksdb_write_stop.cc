#include "backends/rocksdb/rocksdb_write_stop.h"

#include <glog/logging.h>

namespace ringlog {

void WriteStop::OnBackgroundError(rocksdb::BackgroundErrorReason reason, rocksdb::Status* error) {
  if (error->ok()) return;
  // A memtable switch that found no room for its new WAL is fatal to RocksDB (it cannot
  // tell that from a lost WAL buffer). With every write flushed to the WAL file before it
  // returns (manual_wal_flush off), the buffer holds nothing, so a resume is safe.
  if (reason == rocksdb::BackgroundErrorReason::kMemTable && error->IsNoSpace() &&
      error->severity() > rocksdb::Status::Severity::kHardError) {
    *error = rocksdb::Status(*error, rocksdb::Status::Severity::kHardError);
  }
  // A soft error (a compaction without room) leaves writes going.
  if (error->severity() < rocksdb::Status::Severity::kHardError) return;
  const bool wal = reason == rocksdb::BackgroundErrorReason::kWriteCallback;
  {
    std::lock_guard lock(mu_);
    reason_ = error->ToString();
  }
  if (wal) wal_failed_.store(true, std::memory_order_release);
  if (!stopped_.exchange(true, std::memory_order_acq_rel)) {
    LOG(ERROR) << "rocksdb stopped writes: " << error->ToString()
               << "; they resume once the disk has room";
  }
}

void WriteStop::OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason /*reason*/,
                                     rocksdb::Status error, bool* auto_recovery) {
  error.PermitUncheckedError();
  *auto_recovery = false;
}

std::string WriteStop::reason() const {
  std::lock_guard lock(mu_);
  return reason_;
}

void WriteStop::WriteFailed(const rocksdb::Status& status) {
  if (!status.IsIOError() || stopped()) return;
  {
    std::lock_guard lock(mu_);
    reason_ = status.ToString();
  }
  stopped_.store(true, std::memory_order_release);
}

void WriteStop::Cleared() {
  wal_failed_.store(false, std::memory_order_release);
  if (stopped_.exchange(false, std::memory_order_acq_rel)) {
    LOG(WARNING) << "rocksdb resumed writes after: " << reason();
  }
}

}  // namespace ringlog
