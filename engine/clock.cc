#include "engine/clock.h"

#include <chrono>

namespace ringlog {

TimestampMs SystemClock::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const SystemClock* SystemClock::Get() {
  static const SystemClock* clock = new SystemClock();
  return clock;
}

}  // namespace ringlog
