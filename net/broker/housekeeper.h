// Housekeeper: the broker's background thread for log maintenance. Every interval it runs
// LogManager::RunHousekeeping (retention by time and size, flush.ms), as Kafka's log
// cleaner scheduler does every log.retention.check.interval.ms.
//
// Thread safety: Start and Stop from one thread (the owner's).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "engine/log/log_manager.h"

namespace ringlog {

class Housekeeper {
 public:
  // `logs` must outlive the Housekeeper. REQUIRES: interval > 0.
  Housekeeper(LogManager* logs, std::chrono::milliseconds interval);
  // Stops the thread if it runs.
  ~Housekeeper();
  Housekeeper(const Housekeeper&) = delete;
  Housekeeper& operator=(const Housekeeper&) = delete;

  void Start();
  // Wakes the thread and waits for it to end; a pass in progress completes first.
  void Stop();

 private:
  void Run();

  LogManager* const logs_;
  const std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ringlog
