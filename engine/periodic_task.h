// PeriodicTask: a background thread that runs one function every interval until stopped,
// for timer-driven work that has no event loop of its own (the group coordinator's Tick).
//
// Thread safety: Start and Stop from one thread (the owner's); the function runs on the
// task's thread, never twice at once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace ringlog {

class PeriodicTask {
 public:
  // REQUIRES: interval > 0. Nothing runs before Start.
  PeriodicTask(std::chrono::milliseconds interval, std::function<void()> fn);
  // Stops the thread if it runs.
  ~PeriodicTask();
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  void Start();
  // Wakes the thread and waits for it to end; a run in progress completes first.
  void Stop();

 private:
  void Run();

  const std::chrono::milliseconds interval_;
  const std::function<void()> fn_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ringlog
