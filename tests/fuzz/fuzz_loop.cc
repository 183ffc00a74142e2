#include "tests/fuzz/fuzz_loop.h"

#include <algorithm>
#include <utility>

namespace ringlog::fuzz {

void FuzzLoop::Post(std::function<void()> fn) {
  std::lock_guard lock(mu_);
  posted_.push_back(std::move(fn));
}

LoopExecutor::TimerId FuzzLoop::RunAfter(std::chrono::milliseconds delay,
                                         std::function<void()> fn) {
  const TimerId id = ++next_timer_;
  timers_.emplace(id, Timer{now_ + delay, std::move(fn)});
  return id;
}

void FuzzLoop::CancelTimer(TimerId id) { timers_.erase(id); }

size_t FuzzLoop::RunPosted() {
  for (size_t ran = 0;; ++ran) {
    std::function<void()> fn;
    {
      std::lock_guard lock(mu_);
      if (posted_.empty()) return ran;
      fn = std::move(posted_.front());
      posted_.pop_front();
    }
    fn();
  }
}

bool FuzzLoop::FireNextTimer() {
  RunPosted();
  if (timers_.empty()) return false;
  auto earliest = timers_.begin();
  for (auto it = timers_.begin(); it != timers_.end(); ++it) {
    if (it->second.deadline < earliest->second.deadline) earliest = it;
  }
  now_ = std::max(now_, earliest->second.deadline);
  std::function<void()> fn = std::move(earliest->second.fn);
  timers_.erase(earliest);
  fn();
  RunPosted();
  return true;
}

}  // namespace ringlog::fuzz
