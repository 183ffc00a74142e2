// The one place where a rocksdb::Status becomes a ringlog::Status (conventions: backends
// convert their library's errors at their edge and nowhere else).
#pragma once

#include <rocksdb/status.h>

#include <string_view>

#include "engine/status.h"

namespace ringlog {

// OK stays OK; otherwise the closest ringlog code, with `context` and RocksDB's message.
Status FromRocksDb(const rocksdb::Status& status, std::string_view context);

}  // namespace ringlog
