// Reading a whole PartitionLog back in tests.
#pragma once

#include <string>

#include "engine/log/partition_log.h"
#include "engine/status.h"

namespace ringlog::testing {

// The bytes of every batch from the one holding `from` up to the high watermark, as the
// log serves them, or the first read error.
Result<std::string> ReadAll(const PartitionLog& log, Offset from);

}  // namespace ringlog::testing
