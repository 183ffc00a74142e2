#include "backends/rocksdb/rocksdb_status.h"

#include <cerrno>
#include <string>

namespace ringlog {

Status FromRocksDb(const rocksdb::Status& status, std::string_view context) {
  if (status.ok()) return Status::OK();
  const std::string msg = "rocksdb: " + std::string(context) + ": " + status.ToString();
  if (status.IsNotFound()) return Status::NotFound(msg);
  if (status.IsCorruption()) return Status::Corruption(msg);
  if (status.IsInvalidArgument()) return Status::InvalidArgument(msg);
  if (status.IsNotSupported()) return Status::NotSupported(msg);
  if (status.IsBusy() || status.IsTryAgain() || status.IsTimedOut() ||
      status.IsShutdownInProgress()) {
    return Status::Busy(msg);
  }
  if (status.IsNoSpace()) return Status::IOError(msg, ENOSPC);
  return Status::IOError(msg);
}

}  // namespace ringlog
