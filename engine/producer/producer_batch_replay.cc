#include "engine/producer/producer_batch_replay.h"

#include <limits>

#include "engine/log/batch_header_scan.h"

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
  batch.last_sequence = LastSequenceOf(header.base_sequence, header.last_offset_delta);
  batch.first_offset = header.base_offset;
  batch.last_offset = header.last_offset();
  batch.max_timestamp = header.max_timestamp;
  return batch;
}

Status ReplayProducerBatches(const Segment& segment, Offset from, ProducerState& state) {
  return ForEachBatchHeader(segment, from, [&state](const BatchHeader& header) {
    if (std::optional<ProducerBatch> batch = ProducerBatchOf(header)) {
      state.Record(header.producer_id, header.producer_epoch, *batch);
    }
  });
}

}  // namespace ringlog
