#include "engine/log/flusher.h"

#include <algorithm>
#include <chrono>

namespace ringlog {

Flusher::Flusher(int threads) {
  CHECK_GT(threads, 0);
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
}

Flusher::~Flusher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void Flusher::FlushAsync(std::shared_ptr<PartitionLog> log, Offset last_offset, Callback done) {
  if (log->flushed_offset() > last_offset) {
    done(Status::OK());
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_.push_back(Request{std::move(log), last_offset, std::move(done)});
  }
  cv_.notify_one();
}

void Flusher::Run() {
  for (;;) {
    std::vector<Request> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
      if (pending_.empty()) return;  // stopping, and nothing left to serve
      // Take one partition's requests; other threads take the other partitions.
      PartitionLog* log = pending_.front().log.get();
      auto split = std::stable_partition(pending_.begin(), pending_.end(),
                                         [log](const Request& r) { return r.log.get() != log; });
      std::move(split, pending_.end(), std::back_inserter(batch));
      pending_.erase(split, pending_.end());
    }
    // PartitionLog::Flush covers everything appended before it starts, so one call
    // serves every request taken above.
    const auto start = std::chrono::steady_clock::now();
    Status status = batch.front().log->Flush();
    flush_latency_.Observe(
        static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                  std::chrono::steady_clock::now() - start)
                                  .count()));
    flush_batch_requests_.Observe(batch.size());
    for (Request& r : batch) r.done(status);
  }
}

}  // namespace ringlog
