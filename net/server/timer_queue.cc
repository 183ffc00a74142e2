#include "net/server/timer_queue.h"

#include <algorithm>
#include <utility>

namespace ringlog {

bool TimerQueue::Later(const Entry& a, const Entry& b) {
  if (a.deadline != b.deadline) return a.deadline > b.deadline;
  return a.id > b.id;
}

TimerQueue::TimerId TimerQueue::Add(Clock::time_point deadline, std::function<void()> fn) {
  const TimerId id = next_id_++;
  callbacks_.emplace(id, std::move(fn));
  heap_.push_back(Entry{deadline, id});
  std::push_heap(heap_.begin(), heap_.end(), Later);
  return id;
}

void TimerQueue::Cancel(TimerId id) { callbacks_.erase(id); }

void TimerQueue::DropCancelledTop() {
  while (!heap_.empty() && !callbacks_.contains(heap_.front().id)) {
    std::pop_heap(heap_.begin(), heap_.end(), Later);
    heap_.pop_back();
  }
}

std::optional<TimerQueue::Clock::time_point> TimerQueue::NextDeadline() {
  DropCancelledTop();
  if (heap_.empty()) return std::nullopt;
  return heap_.front().deadline;
}

void TimerQueue::RunDue(Clock::time_point now) {
  std::vector<TimerId> due;
  while (!heap_.empty() && heap_.front().deadline <= now) {
    due.push_back(heap_.front().id);
    std::pop_heap(heap_.begin(), heap_.end(), Later);
    heap_.pop_back();
  }
  for (TimerId id : due) {
    // A callback run earlier in this batch may have cancelled this one.
    auto it = callbacks_.find(id);
    if (it == callbacks_.end()) continue;
    std::function<void()> fn = std::move(it->second);
    callbacks_.erase(it);
    fn();
  }
}

}  // namespace ringlog
