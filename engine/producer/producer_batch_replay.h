// Rebuilding producer state from the log: every stored batch of an idempotent producer
// carries its producer id, epoch, base sequence and offsets in its header, and every
// transaction marker its producer, epochs and type, so replaying them in offset order
// gives the state its appends built.
#pragma once

#include <functional>
#include <optional>

#include "engine/log/record_batch.h"
#include "engine/log/segment.h"
#include "engine/producer/producer_state.h"
#include "engine/status.h"
#include "engine/types.h"

namespace ringlog {

// The producer batch a stored batch header describes; nullopt for a batch without a
// producer id and for control batches (markers, which carry no sequences).
std::optional<ProducerBatch> ProducerBatchOf(const BatchHeader& header);

// The last sequence of a batch of `record_span` = last_offset_delta + 1 records starting
// at `base_sequence`, wrapping past INT32_MAX to 0 as Kafka's sequences do.
int32_t LastSequenceOf(int32_t base_sequence, int32_t last_offset_delta);

// Records in `state`, in offset order, every producer batch and transaction marker of
// `segment` that starts at or after `from`; damaged ranges are skipped (their headers
// cannot be trusted). `completed` hears of each transaction a marker ended, right after
// the marker is recorded.
Status ReplayProducerBatches(const Segment& segment, Offset from, ProducerState& state,
                             const std::function<void(const CompletedTxn&)>& completed);

// Records one stored batch in `state` as replication or replay does, without checks; the
// transaction a marker ended, if any. Corruption for a marker batch that fails to parse.
Result<std::optional<CompletedTxn>> RecordStoredBatch(const RecordBatchView& batch,
                                                      ProducerState& state);

}  // namespace ringlog
