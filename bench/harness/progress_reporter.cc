#include "bench/harness/progress_reporter.h"

#include <cstdio>
#include <utility>

namespace ringlog::bench {

ProgressReporter::ProgressReporter(std::string label)
    : label_(std::move(label)), start_(std::chrono::steady_clock::now()) {
  thread_ = std::thread([this] { Run(); });
}

ProgressReporter::~ProgressReporter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void ProgressReporter::Run() {
  using Clock = std::chrono::steady_clock;
  uint64_t last_bytes = 0;
  uint64_t last_records = 0;
  Clock::time_point last = start_;
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; })) {
    const Clock::time_point now = Clock::now();
    const uint64_t bytes = bytes_.load(std::memory_order_relaxed);
    const uint64_t records = records_.load(std::memory_order_relaxed);
    const double interval = std::chrono::duration<double>(now - last).count();
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    std::fprintf(stderr, "  %s: %.1f s, %.1f MB/s, %.0f records/s\n", label_.c_str(), elapsed,
                 static_cast<double>(bytes - last_bytes) / 1e6 / interval,
                 static_cast<double>(records - last_records) / interval);
    last_bytes = bytes;
    last_records = records;
    last = now;
  }
}

}  // namespace ringlog::bench
