#include "engine/producer/producer_batch_replay.h"

#include <algorithm>
#include <limits>
#include <span>
#include <string>

namespace ringlog {
namespace {

// Enough to read many batches per call without holding a large buffer.
constexpr size_t kReplayReadBytes = 1 << 20;

}  // namespace

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
  const std::vector<DamagedRange> damaged = segment.damaged_ranges();
  Offset at = std::max(from, segment.base_offset());
  while (at < segment.next_offset()) {
    const auto hole = std::find_if(damaged.begin(), damaged.end(), [at](const DamagedRange& r) {
      return r.first_offset <= at && at < r.end_offset;
    });
    if (hole != damaged.end()) {
      at = hole->end_offset;
      continue;
    }
    ASSIGN_OR_RETURN(ReadResult read, segment.Read(at, kReplayReadBytes));
    ASSIGN_OR_RETURN(std::string bytes, CopyReadBytes(read));
    const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
    size_t pos = 0;
    while (pos < bytes.size()) {
      ASSIGN_OR_RETURN(BatchHeader header,
                       DecodeBatchHeader(std::span(data + pos, bytes.size() - pos)));
      // A read starts at the batch holding `at`, which may begin below `from`.
      if (header.base_offset >= from) {
        if (std::optional<ProducerBatch> batch = ProducerBatchOf(header)) {
          state.Record(header.producer_id, header.producer_epoch, *batch);
        }
      }
      pos += header.size_bytes();
    }
    if (read.next_offset <= at) {
      return Status::Corruption("replaying producer batches made no progress at offset " +
                                std::to_string(at));
    }
    at = read.next_offset;
  }
  return Status::OK();
}

}  // namespace ringlog
