// ProducerState: what a partition remembers of each idempotent producer, to answer a
// retried batch with the offsets it got the first time and to refuse batches out of order.
// Kafka's ProducerStateManager is the model: per producer id the current epoch, the
// metadata of its last kMaxCachedBatches batches and its ongoing transaction on the
// partition, if any (from its first transactional batch to the marker that ends it).
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

// Where one producer batch landed. A batch the broker wrote for a transactional producer
// (TxnOffsetCommit) has no sequences: both are kNoSequence.
struct ProducerBatch {
  int32_t first_sequence = 0;
  int32_t last_sequence = 0;
  Offset first_offset = 0;
  Offset last_offset = 0;
  TimestampMs max_timestamp = kNoTimestamp;

  bool operator==(const ProducerBatch&) const = default;
};

inline constexpr int32_t kNoSequence = -1;
// ProducerEntry::txn_first_offset of a producer without an ongoing transaction.
inline constexpr Offset kNoTxn = -1;

// One producer's state: its epoch, its last batches at that epoch (oldest first; empty
// when a marker bumped the epoch since), the epoch of the coordinator that wrote its last
// marker (-1 before any), its ongoing transaction's first offset, and the time of its
// last batch or marker.
struct ProducerEntry {
  int16_t epoch = 0;
  std::deque<ProducerBatch> batches;
  int32_t coordinator_epoch = -1;
  Offset txn_first_offset = kNoTxn;
  TimestampMs last_timestamp = kNoTimestamp;

  bool operator==(const ProducerEntry&) const = default;
};

// What an admin sees of one producer (DescribeProducers).
struct ProducerInfo {
  int64_t producer_id = -1;
  int16_t epoch = 0;
  int32_t last_sequence = 0;                  // kNoSequence without a batch at this epoch
  TimestampMs last_timestamp = kNoTimestamp;  // of its last batch or marker
  Offset last_offset = 0;                     // of its last batch; -1 without one
  int32_t coordinator_epoch = -1;
  Offset current_txn_start_offset = kNoTxn;

  bool operator==(const ProducerInfo&) const = default;
};

// A transaction that a marker ended on the partition: from the producer's first
// transactional batch to the marker (last_offset).
struct CompletedTxn {
  int64_t producer_id = -1;
  Offset first_offset = 0;
  Offset last_offset = 0;
  bool aborted = false;

  bool operator==(const CompletedTxn&) const = default;
};

// The verdict on a marker before it is appended.
enum class MarkerCheck {
  kAppend,
  kInvalidProducerEpoch,  // older than the producer's current epoch
  kCoordinatorFenced,     // from a coordinator epoch older than the last marker's
};

// The verdict on a batch before it is appended.
struct SequenceCheck {
  enum class Verdict {
    kAppend,                // new and in order: append it
    kDuplicate,             // one of the cached batches again: answer with `duplicate_of`
    kOutOfOrderSequence,    // a gap, or a new epoch not starting at sequence 0
    kInvalidProducerEpoch,  // an epoch older than the producer's current one
    kUnknownProducerId,     // no state for the producer and a sequence other than 0
    // A non-transactional batch while the producer's transaction is ongoing on the
    // partition (Kafka's ProducerAppendInfo rule).
    kInvalidTxnState,
  };
  Verdict verdict = Verdict::kAppend;
  std::optional<ProducerBatch> duplicate_of;
};

class ProducerState {
 public:
  static constexpr size_t kMaxCachedBatches = 5;

  // The verdict on a batch of `producer_id` at `epoch` with sequences first..last. A
  // batch without sequences (first_sequence kNoSequence, written by the broker) is only
  // checked for its epoch. A batch that passes those checks but is not `transactional`
  // while the producer's transaction is ongoing gets kInvalidTxnState.
  SequenceCheck Check(int64_t producer_id, int16_t epoch, int32_t first_sequence,
                      int32_t last_sequence, bool transactional) const;
  // Records an appended batch (after Check said kAppend, or replayed from the log on
  // recovery): the producer's epoch becomes `epoch` (a newer epoch forgets the older
  // one's batches) and the oldest cached batch goes when more than kMaxCachedBatches are
  // held. A transactional batch starts the producer's transaction unless one is ongoing.
  void Record(int64_t producer_id, int16_t epoch, const ProducerBatch& batch,
              bool transactional = false);

  // The verdict on a marker of `producer_id` at `epoch` from coordinator epoch
  // `coordinator_epoch`. A producer the partition does not know is no reason to refuse.
  MarkerCheck CheckMarker(int64_t producer_id, int16_t epoch, int32_t coordinator_epoch) const;
  // Records a marker at `offset` (after CheckMarker, or replayed unchecked): ends the
  // producer's ongoing transaction, which it returns, and takes the marker's epochs and
  // time. A producer without one still gets an entry, as in Kafka.
  std::optional<CompletedTxn> RecordMarker(int64_t producer_id, int16_t epoch,
                                           int32_t coordinator_epoch, bool aborted, Offset offset,
                                           TimestampMs timestamp);
  // The first offset of the producer's ongoing transaction; kNoTxn when none is.
  Offset OngoingTxn(int64_t producer_id) const;
  // Whether the producer has an ongoing transaction begun at `epoch` or carried into it.
  bool HasOngoingTxn(int64_t producer_id, int16_t epoch) const;
  // The first offset of the oldest ongoing transaction; nullopt when none is.
  std::optional<Offset> OldestOngoingTxn() const;

  // Forgets the producers whose last batch ends below `log_start`, or who have no batch:
  // what only deleted segments held (retention, DeleteRecords). Returns how many went.
  size_t DropBefore(Offset log_start);
  // Forgets the producers without an ongoing transaction whose last batch or marker is
  // `expiration_ms` or more before `now` (producer.id.expiration.ms). Returns how many
  // went.
  size_t Expire(TimestampMs now, int64_t expiration_ms);
  // Forgets every producer.
  void Clear() { producers_.clear(); }

  // The sequence that follows `sequence`: sequences wrap from INT32_MAX to 0, as Kafka's.
  static int32_t NextSequence(int32_t sequence);

  // Every producer, by id.
  std::vector<ProducerInfo> Producers() const;
  const std::unordered_map<int64_t, ProducerEntry>& entries() const { return producers_; }
  // Puts back a producer read from a snapshot.
  void Restore(int64_t producer_id, ProducerEntry entry);
  size_t producer_count() const { return producers_.size(); }

  bool operator==(const ProducerState&) const = default;

 private:
  // Check without the transaction rule.
  SequenceCheck CheckSequence(int64_t producer_id, int16_t epoch, int32_t first_sequence,
                              int32_t last_sequence) const;

  std::unordered_map<int64_t, ProducerEntry> producers_;
};

}  // namespace ringlog
