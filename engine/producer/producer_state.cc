#include "engine/producer/producer_state.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace ringlog {

int32_t ProducerState::NextSequence(int32_t sequence) {
  return sequence == std::numeric_limits<int32_t>::max() ? 0 : sequence + 1;
}

SequenceCheck ProducerState::Check(int64_t producer_id, int16_t epoch, int32_t first_sequence,
                                   int32_t last_sequence, bool transactional) const {
  SequenceCheck check = CheckSequence(producer_id, epoch, first_sequence, last_sequence);
  if (check.verdict == SequenceCheck::Verdict::kAppend && !transactional &&
      OngoingTxn(producer_id) != kNoTxn) {
    check.verdict = SequenceCheck::Verdict::kInvalidTxnState;
  }
  return check;
}

SequenceCheck ProducerState::CheckSequence(int64_t producer_id, int16_t epoch,
                                           int32_t first_sequence, int32_t last_sequence) const {
  using Verdict = SequenceCheck::Verdict;
  const auto it = producers_.find(producer_id);
  if (it == producers_.end()) {
    if (first_sequence == kNoSequence) return {Verdict::kAppend, std::nullopt};
    // A producer starts (or, after its state expired, starts again) at sequence 0.
    if (first_sequence != 0) return {Verdict::kUnknownProducerId, std::nullopt};
    return {Verdict::kAppend, std::nullopt};
  }
  const ProducerEntry& entry = it->second;
  if (epoch < entry.epoch) return {Verdict::kInvalidProducerEpoch, std::nullopt};
  if (first_sequence == kNoSequence) return {Verdict::kAppend, std::nullopt};
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
  // Without a batch at this epoch (a marker bumped it) the sequences start at 0.
  const int32_t last = entry.batches.empty() ? kNoSequence : entry.batches.back().last_sequence;
  if (first_sequence != NextSequence(last)) {
    return {Verdict::kOutOfOrderSequence, std::nullopt};
  }
  return {Verdict::kAppend, std::nullopt};
}

void ProducerState::Record(int64_t producer_id, int16_t epoch, const ProducerBatch& batch,
                           bool transactional) {
  ProducerEntry& entry = producers_[producer_id];
  if (epoch != entry.epoch || entry.batches.empty()) {
    entry.epoch = epoch;
    entry.batches.clear();
  }
  entry.batches.push_back(batch);
  while (entry.batches.size() > kMaxCachedBatches) entry.batches.pop_front();
  entry.last_timestamp = batch.max_timestamp;
  if (transactional && entry.txn_first_offset == kNoTxn) {
    entry.txn_first_offset = batch.first_offset;
  }
}

MarkerCheck ProducerState::CheckMarker(int64_t producer_id, int16_t epoch,
                                       int32_t coordinator_epoch) const {
  const auto it = producers_.find(producer_id);
  if (it == producers_.end()) return MarkerCheck::kAppend;
  if (epoch < it->second.epoch) return MarkerCheck::kInvalidProducerEpoch;
  if (coordinator_epoch < it->second.coordinator_epoch) return MarkerCheck::kCoordinatorFenced;
  return MarkerCheck::kAppend;
}

std::optional<CompletedTxn> ProducerState::RecordMarker(int64_t producer_id, int16_t epoch,
                                                        int32_t coordinator_epoch, bool aborted,
                                                        Offset offset, TimestampMs timestamp) {
  ProducerEntry& entry = producers_[producer_id];
  std::optional<CompletedTxn> completed;
  if (entry.txn_first_offset != kNoTxn) {
    completed = CompletedTxn{producer_id, entry.txn_first_offset, offset, aborted};
  }
  if (epoch != entry.epoch) {
    // A bumped epoch (a timed-out transaction aborted by its coordinator) starts the
    // producer's sequences again.
    entry.epoch = epoch;
    entry.batches.clear();
  }
  entry.coordinator_epoch = coordinator_epoch;
  entry.txn_first_offset = kNoTxn;
  entry.last_timestamp = timestamp;
  return completed;
}

Offset ProducerState::OngoingTxn(int64_t producer_id) const {
  const auto it = producers_.find(producer_id);
  return it == producers_.end() ? kNoTxn : it->second.txn_first_offset;
}

bool ProducerState::HasOngoingTxn(int64_t producer_id, int16_t epoch) const {
  const auto it = producers_.find(producer_id);
  return it != producers_.end() && it->second.txn_first_offset != kNoTxn &&
         it->second.epoch == epoch;
}

std::optional<Offset> ProducerState::OldestOngoingTxn() const {
  std::optional<Offset> oldest;
  for (const auto& [id, entry] : producers_) {
    if (entry.txn_first_offset != kNoTxn && (!oldest || entry.txn_first_offset < *oldest)) {
      oldest = entry.txn_first_offset;
    }
  }
  return oldest;
}

size_t ProducerState::DropBefore(Offset log_start) {
  return std::erase_if(producers_, [log_start](const auto& producer) {
    const ProducerEntry& entry = producer.second;
    return entry.batches.empty() || entry.batches.back().last_offset < log_start;
  });
}

size_t ProducerState::Expire(TimestampMs now, int64_t expiration_ms) {
  return std::erase_if(producers_, [now, expiration_ms](const auto& producer) {
    const ProducerEntry& entry = producer.second;
    return entry.txn_first_offset == kNoTxn && now - entry.last_timestamp >= expiration_ms;
  });
}

std::vector<ProducerInfo> ProducerState::Producers() const {
  std::vector<ProducerInfo> infos;
  infos.reserve(producers_.size());
  for (const auto& [id, entry] : producers_) {
    const bool none = entry.batches.empty();
    infos.push_back({id, entry.epoch, none ? kNoSequence : entry.batches.back().last_sequence,
                     entry.last_timestamp, none ? -1 : entry.batches.back().last_offset,
                     entry.coordinator_epoch, entry.txn_first_offset});
  }
  std::sort(infos.begin(), infos.end(), [](const ProducerInfo& a, const ProducerInfo& b) {
    return a.producer_id < b.producer_id;
  });
  return infos;
}

void ProducerState::Restore(int64_t producer_id, ProducerEntry entry) {
  producers_[producer_id] = std::move(entry);
}

}  // namespace ringlog
