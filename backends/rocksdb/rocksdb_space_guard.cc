#include "backends/rocksdb/rocksdb_space_guard.h"

#include <glog/logging.h>

#include <cerrno>
#include <string>
#include <utility>

#include "backends/rocksdb/rocksdb_status.h"

namespace ringlog {

SpaceGuard::SpaceGuard(rocksdb::DB* db, std::vector<rocksdb::ColumnFamilyHandle*> families,
                       const WriteStop* stop, const Options& options)
    : db_(db), families_(std::move(families)), stop_(stop), options_(options) {}

Result<SpaceGuard::Space> SpaceGuard::Measure() const {
  Space space;
  RETURN_IF_ERROR(FromRocksDb(db_->GetEnv()->GetFreeSpace(db_->GetName(), &space.free),
                              "free space of " + db_->GetName()));
  for (rocksdb::ColumnFamilyHandle* family : families_) {
    uint64_t bytes = 0;
    if (db_->GetIntProperty(family, rocksdb::DB::Properties::kCurSizeAllMemTables, &bytes)) {
      space.unflushed += bytes;
    }
  }
  return space;
}

uint64_t SpaceGuard::Reserve(const Space& space) const {
  return space.unflushed + options_.wal_preallocation_bytes + options_.margin_bytes;
}

Status SpaceGuard::NoRoom(const Space& space, uint64_t needed) const {
  return Status::IOError(
      "rocksdb: not enough disk space: " + std::to_string(space.free) + " bytes free, " +
          std::to_string(needed + Reserve(space)) + " needed (" + std::to_string(space.unflushed) +
          " to flush the memtables, " + std::to_string(options_.wal_preallocation_bytes) +
          " for the next WAL, " + std::to_string(options_.margin_bytes) +
          " kept for deletions and metadata)",
      ENOSPC);
}

void SpaceGuard::FlushMemtables() {
  // Switching memtables writes out the WAL's buffer, which aborts on a failed WAL.
  if (stop_->wal_failed()) return;
  rocksdb::FlushOptions flush;
  flush.wait = true;
  flush.allow_write_stall = true;
  rocksdb::Status status = db_->Flush(flush, families_);
  // The flush job deletes the WAL it made obsolete only after the wait above ends; a purge
  // here deletes it before the guard looks again. Re-enabling file deletions purges.
  if (status.ok()) status = db_->DisableFileDeletions();
  if (status.ok()) status = db_->EnableFileDeletions(/*force=*/false);
  if (!status.ok()) LOG(WARNING) << "rocksdb: flush to make room: " << status.ToString();
}

Status SpaceGuard::Admit(uint64_t bytes) {
  // Twice: once in the WAL now, once more in a blob or SST file at the next flush.
  const uint64_t needed = 2 * bytes;
  std::lock_guard lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  if (now - measured_at_ < kRefreshInterval && headroom_ - admitted_ >= needed + kCloseWatch) {
    admitted_ += needed;
    return Status::OK();
  }
  ASSIGN_OR_RETURN(Space space, Measure());
  if (space.free < needed + Reserve(space) && space.unflushed >= options_.min_flush_bytes) {
    FlushMemtables();
    ASSIGN_OR_RETURN(space, Measure());
  }
  measured_at_ = now;
  const uint64_t reserve = Reserve(space);
  headroom_ = space.free > reserve ? space.free - reserve : 0;
  if (headroom_ < needed) {
    admitted_ = headroom_;
    Status refused = NoRoom(space, needed);
    if (!std::exchange(refusing_, true)) LOG(ERROR) << refused.message() << "; appends refused";
    return refused;
  }
  admitted_ = needed;
  if (std::exchange(refusing_, false)) {
    LOG(WARNING) << "rocksdb: " << space.free << " bytes free; appends admitted again";
  }
  return Status::OK();
}

Status SpaceGuard::AdmitWrite(uint64_t bytes) {
  {
    std::lock_guard lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    if (now - measured_at_ < kRefreshInterval && headroom_ - admitted_ >= kCloseWatch) {
      return Status::OK();
    }
  }
  uint64_t free = 0;
  RETURN_IF_ERROR(FromRocksDb(db_->GetEnv()->GetFreeSpace(db_->GetName(), &free),
                              "free space of " + db_->GetName()));
  if (free >= bytes + kWriteFloor) return Status::OK();
  return Status::IOError("rocksdb: the disk is full: " + std::to_string(free) + " bytes free",
                         ENOSPC);
}

Status SpaceGuard::CheckRoomToResume() {
  ASSIGN_OR_RETURN(const Space space, Measure());
  if (space.free < Reserve(space)) return NoRoom(space, 0);
  return Status::OK();
}

}  // namespace ringlog
