// TxnVerifications: the partition side of KIP-890 part 1 (Kafka's VerificationGuard and
// VerificationStateEntry). Before a client's transactional batch may start its producer's
// transaction on a partition, the broker asks the transaction coordinator whether the
// partition is in that transaction. The partition hands out a guard when the question is
// asked, and a marker of the producer (the transaction ended meanwhile) or the batch that
// starts the transaction retires it; the append then takes the batch only with the guard
// still current. A stale "yes" (asked, the transaction aborted and a new one began without
// the partition, then answered) thus appends nothing.
//
// Pure bookkeeping; the partition's append lock guards it.
#pragma once

#include <cstdint>
#include <unordered_map>

#include "engine/types.h"

namespace ringlog {

class TxnVerifications {
 public:
  // What Start returns when no verification is needed (the producer's transaction is
  // ongoing on the partition); never a guard.
  static constexpr uint64_t kNone = 0;

  // The guard for a verification of `producer_id` at `epoch` asked at `now`: the current
  // one when the producer already has one at this epoch (concurrent retries share it),
  // else a new one. A guard asked at an epoch older than the current one's is fresh and
  // never current: a fenced producer's batch cannot pass.
  uint64_t Start(int64_t producer_id, int16_t epoch, TimestampMs now);
  // Whether `guard` is the producer's current one.
  bool IsCurrent(int64_t producer_id, uint64_t guard) const;
  // Retires the producer's guard: a marker ended its transaction, or a batch started it.
  void Retire(int64_t producer_id) { entries_.erase(producer_id); }
  // Drops the guards asked `expiration_ms` or more before `now` whose batches never came.
  void Expire(TimestampMs now, int64_t expiration_ms);

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    int16_t epoch = 0;
    uint64_t guard = kNone;
    TimestampMs started = 0;
  };

  std::unordered_map<int64_t, Entry> entries_;
  uint64_t next_guard_ = kNone + 1;
};

}  // namespace ringlog
