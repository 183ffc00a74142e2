// Walking the batch headers of a segment in offset order: what rebuilds derived state
// (producer state, leader epochs) from the log when no snapshot of it can be trusted.
#pragma once

#include <functional>

#include "engine/log/record_batch.h"
#include "engine/log/segment.h"
#include "engine/status.h"
#include "engine/types.h"

namespace ringlog {

// Calls `fn` with every whole batch of `segment` that starts at or after `from`, in offset
// order; damaged ranges are skipped. Stops at the first read error, which it returns.
Status ForEachBatch(const Segment& segment, Offset from,
                    const std::function<void(const RecordBatchView&)>& fn);

// Calls `fn` with the header of every batch of `segment` that starts at or after `from`,
// in offset order; damaged ranges are skipped (their headers cannot be trusted). Stops at
// the first read error, which it returns.
Status ForEachBatchHeader(const Segment& segment, Offset from,
                          const std::function<void(const BatchHeader&)>& fn);

}  // namespace ringlog
