#include "engine/producer/txn_verifications.h"

#include <iterator>

namespace ringlog {

uint64_t TxnVerifications::Start(int64_t producer_id, int16_t epoch, TimestampMs now) {
  auto [it, added] = entries_.try_emplace(producer_id);
  Entry& entry = it->second;
  if (!added && entry.epoch > epoch) return next_guard_++;
  if (added || entry.epoch < epoch) entry = Entry{epoch, next_guard_++, now};
  return entry.guard;
}

bool TxnVerifications::IsCurrent(int64_t producer_id, uint64_t guard) const {
  const auto it = entries_.find(producer_id);
  return guard != kNone && it != entries_.end() && it->second.guard == guard;
}

void TxnVerifications::Expire(TimestampMs now, int64_t expiration_ms) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = now - it->second.started >= expiration_ms ? entries_.erase(it) : std::next(it);
  }
}

}  // namespace ringlog
