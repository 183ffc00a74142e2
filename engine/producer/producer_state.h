// ProducerState: what a partition remembers of each idempotent producer, to answer a
// retried batch with the offsets it got the first time and to refuse batches out of order.
// Kafka's ProducerStateManager is the model: per producer id the current epoch and the
// metadata of its last kMaxCachedBatches batches.
//
// Pure logic: the caller checks a batch (Check) and, once it is appended, records it
// (Record), both under the partition's append order.
//
// Thread safety: none; the partition's append lock guards it.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>
#include <vector>

#include "engine/types.h"

namespace ringlog {

// Where one producer batch landed.
struct ProducerBatch {
  int32_t first_sequence = 0;
  int32_t last_sequence = 0;
  Offset first_offset = 0;
  Offset last_offset = 0;
  TimestampMs max_timestamp = kNoTimestamp;

  bool operator==(const ProducerBatch&) const = default;
};

// One producer's state: its epoch and its last batches, oldest first, never empty.
struct ProducerEntry {
  int16_t epoch = 0;
  std::deque<ProducerBatch> batches;

  bool operator==(const ProducerEntry&) const = default;
};

// What an admin sees of one producer (DescribeProducers).
struct ProducerInfo {
  int64_t producer_id = -1;
  int16_t epoch = 0;
  int32_t last_sequence = 0;
  TimestampMs last_timestamp = kNoTimestamp;  // max timestamp of its last batch
  Offset last_offset = 0;

  bool operator==(const ProducerInfo&) const = default;
};

// The verdict on a batch before it is appended.
struct SequenceCheck {
  enum class Verdict {
    kAppend,                // new and in order: append it
    kDuplicate,             // one of the cached batches again: answer with `duplicate_of`
    kOutOfOrderSequence,    // a gap, or a new epoch not starting at sequence 0
    kInvalidProducerEpoch,  // an epoch older than the producer's current one
    kUnknownProducerId,     // no state for the producer and a sequence other than 0
  };
  Verdict verdict = Verdict::kAppend;
  std::optional<ProducerBatch> duplicate_of;
};

class ProducerState {
 public:
  static constexpr size_t kMaxCachedBatches = 5;

  // The verdict on a batch of `producer_id` at `epoch` with sequences first..last.
  SequenceCheck Check(int64_t producer_id, int16_t epoch, int32_t first_sequence,
                      int32_t last_sequence) const;
  // Records an appended batch (after Check said kAppend, or replayed from the log on
  // recovery): the producer's epoch becomes `epoch` (a newer epoch forgets the older
  // one's batches) and the oldest cached batch goes when more than kMaxCachedBatches are
  // held.
  void Record(int64_t producer_id, int16_t epoch, const ProducerBatch& batch);

  // Forgets the producers whose last batch ends below `log_start`: what only deleted
  // segments held (retention, DeleteRecords). Returns how many went.
  size_t DropBefore(Offset log_start);
  // Forgets the producers whose last batch's max timestamp is `expiration_ms` or more
  // before `now` (producer.id.expiration.ms). Returns how many went.
  size_t Expire(TimestampMs now, int64_t expiration_ms);
  // Forgets every producer.
  void Clear() { producers_.clear(); }

  // The sequence that follows `sequence`: sequences wrap from INT32_MAX to 0, as Kafka's.
  static int32_t NextSequence(int32_t sequence);

  // Every producer, by id.
  std::vector<ProducerInfo> Producers() const;
  const std::unordered_map<int64_t, ProducerEntry>& entries() const { return producers_; }
  // Puts back a producer read from a snapshot. REQUIRES: entry.batches is not empty.
  void Restore(int64_t producer_id, ProducerEntry entry);
  size_t producer_count() const { return producers_.size(); }

  bool operator==(const ProducerState&) const = default;

 private:
  std::unordered_map<int64_t, ProducerEntry> producers_;
};

}  // namespace ringlog
