// FuzzLoop: an event loop's LoopExecutor without the loop, for driving request handlers on
// the fuzz target's own thread. Posted work and timers are queued; the target runs them
// when it chooses, and timers fire in deadline order on a virtual clock that only moves
// when a timer fires, so a run does not depend on real time.
//
// Thread safety: Post is thread-safe, as LoopExecutor requires; everything else runs on
// the thread that owns the loop.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>

#include "net/server/request_handler.h"

namespace ringlog::fuzz {

class FuzzLoop final : public LoopExecutor {
 public:
  FuzzLoop() = default;
  FuzzLoop(const FuzzLoop&) = delete;
  FuzzLoop& operator=(const FuzzLoop&) = delete;

  void Post(std::function<void()> fn) override;
  TimerId RunAfter(std::chrono::milliseconds delay, std::function<void()> fn) override;
  void CancelTimer(TimerId id) override;

  // Runs posted work, including work posted meanwhile, until none is left; returns how
  // many pieces of work ran.
  size_t RunPosted();
  // Moves virtual time to the earliest timer's deadline and runs it, then the work it
  // posted. False when no timer is set.
  bool FireNextTimer();

 private:
  struct Timer {
    std::chrono::milliseconds deadline;
    std::function<void()> fn;
  };

  std::mutex mu_;
  std::deque<std::function<void()>> posted_;  // guarded by mu_

  std::chrono::milliseconds now_{0};
  TimerId next_timer_ = 0;
  std::map<TimerId, Timer> timers_;
};

}  // namespace ringlog::fuzz
