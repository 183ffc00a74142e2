#include "engine/producer/producer_batch_replay.h"

#include <glog/logging.h>

#include <limits>

#include "engine/log/batch_header_scan.h"
#include "engine/log/control_batch.h"

namespace ringlog {

int32_t LastSequenceOf(int32_t base_sequence, int32_t last_offset_delta) {
  constexpr int32_t kMax = std::numeric_limits<int32_t>::max();
  if (base_sequence > kMax - last_offset_delta) {
    return last_offset_delta - (kMax - base_sequence) - 1;
  }
  return base_sequence + last_offset_delta;
}

std::optional<ProducerBatch> ProducerBatchOf(const BatchHeader& header) {
  if (header.producer_id < 0 || header.is_control()) return std::nullopt;
  ProducerBatch batch;
  batch.first_sequence = header.base_sequence;
  batch.last_sequence = header.base_sequence == kNoSequence
                            ? kNoSequence
                            : LastSequenceOf(header.base_sequence, header.last_offset_delta);
  batch.first_offset = header.base_offset;
  batch.last_offset = header.last_offset();
  batch.max_timestamp = header.max_timestamp;
  return batch;
}

Result<std::optional<CompletedTxn>> RecordStoredBatch(const RecordBatchView& batch,
                                                      ProducerState& state) {
  const BatchHeader& h = batch.header();
  if (std::optional<ProducerBatch> data = ProducerBatchOf(h)) {
    state.Record(h.producer_id, h.producer_epoch, *data, h.is_transactional());
    return std::optional<CompletedTxn>();
  }
  if (!h.is_control() || !h.is_transactional() || h.producer_id < 0) {
    return std::optional<CompletedTxn>();
  }
  Result<ControlMarker> marker = ParseControlBatch(batch.bytes());
  // Another kind of control record (Kafka's KRaft ones) ends no transaction.
  if (marker.status().IsInvalidArgument()) return std::optional<CompletedTxn>();
  if (!marker.ok()) return marker.status();
  return state.RecordMarker(marker->producer_id, marker->producer_epoch, marker->coordinator_epoch,
                            marker->type == ControlType::kAbort, h.base_offset, h.max_timestamp);
}

Status ReplayProducerBatches(const Segment& segment, Offset from, ProducerState& state,
                             const std::function<void(const CompletedTxn&)>& completed) {
  return ForEachBatch(segment, from, [&](const RecordBatchView& batch) {
    Result<std::optional<CompletedTxn>> txn = RecordStoredBatch(batch, state);
    if (!txn.ok()) {
      // CRC-checked bytes that still do not parse: nothing better to do than go on.
      LOG(ERROR) << "skipping the marker at offset " << batch.header().base_offset << ": "
                 << txn.status().ToString();
    } else if (*txn) {
      completed(**txn);
    }
  });
}

}  // namespace ringlog
