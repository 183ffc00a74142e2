#include "engine/producer/producer_state.h"

#include <limits>

namespace ringlog {

int32_t ProducerState::NextSequence(int32_t sequence) {
  return sequence == std::numeric_limits<int32_t>::max() ? 0 : sequence + 1;
}

SequenceCheck ProducerState::Check(int64_t producer_id, int16_t epoch, int32_t first_sequence,
                                   int32_t last_sequence) const {
  using Verdict = SequenceCheck::Verdict;
  const auto it = producers_.find(producer_id);
  if (it == producers_.end() || it->second.batches.empty()) {
    // A producer starts (or, after its state expired, starts again) at sequence 0.
    if (first_sequence != 0) return {Verdict::kUnknownProducerId, std::nullopt};
    return {Verdict::kAppend, std::nullopt};
  }
  const Entry& entry = it->second;
  if (epoch < entry.epoch) return {Verdict::kInvalidProducerEpoch, std::nullopt};
  if (epoch > entry.epoch) {
    // A bumped epoch starts its sequences again.
    if (first_sequence != 0) return {Verdict::kOutOfOrderSequence, std::nullopt};
    return {Verdict::kAppend, std::nullopt};
  }
  for (const ProducerBatch& cached : entry.batches) {
    if (cached.first_sequence == first_sequence && cached.last_sequence == last_sequence) {
      return {Verdict::kDuplicate, cached};
    }
  }
  if (first_sequence != NextSequence(entry.batches.back().last_sequence)) {
    return {Verdict::kOutOfOrderSequence, std::nullopt};
  }
  return {Verdict::kAppend, std::nullopt};
}

void ProducerState::Record(int64_t producer_id, int16_t epoch, const ProducerBatch& batch) {
  Entry& entry = producers_[producer_id];
  if (epoch != entry.epoch) {
    entry.epoch = epoch;
    entry.batches.clear();
  }
  entry.batches.push_back(batch);
  while (entry.batches.size() > kMaxCachedBatches) entry.batches.pop_front();
}

}  // namespace ringlog
