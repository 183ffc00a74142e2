// TimerQueue: one event loop's pending timers, as a min-heap of deadlines. The loop asks
// for the earliest deadline to bound how long it sleeps in io_uring, then runs what is due.
// Cancelling is lazy: the heap entry stays until it reaches the top and is skipped.
//
// Thread safety: none; used by its loop's thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>
#include <vector>

namespace ringlog {

class TimerQueue {
 public:
  using Clock = std::chrono::steady_clock;
  using TimerId = uint64_t;  // never 0

  TimerQueue() = default;
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  TimerId Add(Clock::time_point deadline, std::function<void()> fn);
  // A no-op when the timer already ran or was cancelled.
  void Cancel(TimerId id);

  // The earliest deadline of a live timer, or nullopt when none is pending.
  std::optional<Clock::time_point> NextDeadline();
  // Runs the timers due at `now`, earliest first (ties in the order they were added).
  // Timers that the callbacks add run at a later call, so a zero-delay timer cannot starve
  // the loop.
  void RunDue(Clock::time_point now);

  size_t size() const { return callbacks_.size(); }

 private:
  struct Entry {
    Clock::time_point deadline;
    TimerId id;
  };
  // Orders the heap so that the earliest (then lowest id) entry is on top.
  static bool Later(const Entry& a, const Entry& b);
  void DropCancelledTop();

  std::vector<Entry> heap_;
  std::unordered_map<TimerId, std::function<void()>> callbacks_;
  TimerId next_id_ = 1;
};

}  // namespace ringlog
