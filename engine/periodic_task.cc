#include "engine/periodic_task.h"

#include <glog/logging.h>

#include <utility>

namespace ringlog {

PeriodicTask::PeriodicTask(std::chrono::milliseconds interval, std::function<void()> fn)
    : interval_(interval), fn_(std::move(fn)) {
  CHECK_GT(interval_.count(), 0);
}

PeriodicTask::~PeriodicTask() { Stop(); }

void PeriodicTask::Start() {
  CHECK(!thread_.joinable()) << "PeriodicTask started twice";
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { Run(); });
}

void PeriodicTask::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PeriodicTask::Run() {
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    fn_();
    lock.lock();
  }
}

}  // namespace ringlog
