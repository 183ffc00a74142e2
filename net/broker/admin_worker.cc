#include "net/broker/admin_worker.h"

#include <utility>

namespace ringlog {

AdminWorker::AdminWorker() : thread_([this] { Run(); }) {}

AdminWorker::~AdminWorker() { Stop(); }

void AdminWorker::Submit(std::function<void()> task, std::vector<std::string> pinned_topics) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    for (const std::string& topic : pinned_topics) ++pins_[topic];
    total_pins_.fetch_add(static_cast<int64_t>(pinned_topics.size()), std::memory_order_release);
    queue_.push_back({std::move(task), std::move(pinned_topics)});
  }
  cv_.notify_one();
}

bool AdminWorker::IsPinned(std::string_view topic) const {
  // A pin made by an earlier request of the caller's connection was counted before that
  // request's handler returned, so it is seen here.
  if (total_pins_.load(std::memory_order_acquire) == 0) return false;
  std::lock_guard lock(mu_);
  return pins_.find(topic) != pins_.end();
}

void AdminWorker::Stop() {
  std::deque<Task> dropped;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    dropped.swap(queue_);
    for (const Task& task : dropped) UnpinLocked(task.pinned_topics);
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  // Destroyed here, outside the lock: a task's captures may release a request's resources.
  dropped.clear();
}

void AdminWorker::UnpinLocked(const std::vector<std::string>& topics) {
  for (const std::string& topic : topics) {
    auto it = pins_.find(topic);
    if (--it->second == 0) pins_.erase(it);
  }
  total_pins_.fetch_sub(static_cast<int64_t>(topics.size()), std::memory_order_release);
}

void AdminWorker::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    Task task = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    task.run();
    task.run = nullptr;
    lock.lock();
    UnpinLocked(task.pinned_topics);
  }
}

}  // namespace ringlog
