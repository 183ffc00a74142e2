#include "net/broker/housekeeper.h"

#include <glog/logging.h>

namespace ringlog {

Housekeeper::Housekeeper(LogManager* logs, std::chrono::milliseconds interval)
    : logs_(logs), interval_(interval) {
  CHECK_GT(interval.count(), 0);
}

Housekeeper::~Housekeeper() { Stop(); }

void Housekeeper::Start() {
  CHECK(!thread_.joinable()) << "Housekeeper started twice";
  thread_ = std::thread([this] { Run(); });
}

void Housekeeper::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Housekeeper::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    logs_->RunHousekeeping();
    lock.lock();
  }
}

}  // namespace ringlog
