#include "engine/producer/producer_state.h"

#include <glog/logging.h>

#include <algorithm>
#include <limits>
#include <utility>

namespace ringlog {

int32_t ProducerState::NextSequence(int32_t sequence) {
  return sequence == std::numeric_limits<int32_t>::max() ? 0 : sequence + 1;
}

SequenceCheck ProducerState::Check(int64_t producer_id, int16_t epoch, int32_t first_sequence,
                                   int32_t last_sequence) const {
  using Verdict = SequenceCheck::Verdict;
  const auto it = producers_.find(producer_id);
  if (it == producers_.end()) {
    // A producer starts (or, after its state expired, starts again) at sequence 0.
    if (first_sequence != 0) return {Verdict::kUnknownProducerId, std::nullopt};
    return {Verdict::kAppend, std::nullopt};
  }
  const ProducerEntry& entry = it->second;
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
  ProducerEntry& entry = producers_[producer_id];
  if (epoch != entry.epoch) {
    entry.epoch = epoch;
    entry.batches.clear();
  }
  entry.batches.push_back(batch);
  while (entry.batches.size() > kMaxCachedBatches) entry.batches.pop_front();
}

size_t ProducerState::DropBefore(Offset log_start) {
  return std::erase_if(producers_, [log_start](const auto& producer) {
    return producer.second.batches.back().last_offset < log_start;
  });
}

size_t ProducerState::Expire(TimestampMs now, int64_t expiration_ms) {
  return std::erase_if(producers_, [now, expiration_ms](const auto& producer) {
    return now - producer.second.batches.back().max_timestamp >= expiration_ms;
  });
}

std::vector<ProducerInfo> ProducerState::Producers() const {
  std::vector<ProducerInfo> infos;
  infos.reserve(producers_.size());
  for (const auto& [id, entry] : producers_) {
    const ProducerBatch& last = entry.batches.back();
    infos.push_back({id, entry.epoch, last.last_sequence, last.max_timestamp, last.last_offset});
  }
  std::sort(infos.begin(), infos.end(), [](const ProducerInfo& a, const ProducerInfo& b) {
    return a.producer_id < b.producer_id;
  });
  return infos;
}

void ProducerState::Restore(int64_t producer_id, ProducerEntry entry) {
  CHECK(!entry.batches.empty()) << "producer " << producer_id << " restored without batches";
  producers_[producer_id] = std::move(entry);
}

}  // namespace ringlog
