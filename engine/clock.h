// The engine reads time only through a Clock, so tests can move time by hand.
#pragma once

#include <atomic>

#include "engine/types.h"

namespace ringlog {

// Thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimestampMs NowMs() const = 0;
};

// Wall-clock time (CLOCK_REALTIME), because Kafka timestamps are wall-clock.
class SystemClock final : public Clock {
 public:
  TimestampMs NowMs() const override;
  // A process-wide instance; never destroyed.
  static const SystemClock* Get();
};

// A clock that only moves when told to. For tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimestampMs start) : now_(start) {}
  TimestampMs NowMs() const override { return now_.load(std::memory_order_relaxed); }
  void Set(TimestampMs now) { now_.store(now, std::memory_order_relaxed); }
  void Advance(TimestampMs delta) { now_.fetch_add(delta, std::memory_order_relaxed); }

 private:
  std::atomic<TimestampMs> now_;
};

}  // namespace ringlog
