// ProgressReporter: the line a running suite prints to stderr every second, so that a
// person watching `ringlog bench` sees it is alive and roughly how fast it goes:
//
//   seqio uring 64KiB flush=none: 2.0 s, 1432.5 MB/s, 21857 records/s
//
// Workers count what they move with Add(); a background thread prints the rate over the
// last second. Constructing one starts it; destroying it stops it.
//
// Thread safety: Add() is thread-safe; the rest is thread-compatible.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace ringlog::bench {

class ProgressReporter {
 public:
  explicit ProgressReporter(std::string label);
  ~ProgressReporter();
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  void Add(uint64_t bytes, uint64_t records) {
    bytes_.fetch_add(bytes, std::memory_order_relaxed);
    records_.fetch_add(records, std::memory_order_relaxed);
  }

 private:
  void Run();

  const std::string label_;
  const std::chrono::steady_clock::time_point start_;
  std::atomic<uint64_t> bytes_{0};
  std::atomic<uint64_t> records_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ringlog::bench
