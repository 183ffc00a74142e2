// Flusher: makes appends durable in the background, in groups. A caller that must not
// answer before its append is durable (a produce with acks=all) asks the Flusher and is
// called back once a flush covers it. Requests that arrive while a flush runs are served
// together by the next one, so one fdatasync (or WAL sync) answers many producers: group
// commit without blocking the caller's thread.
//
// Thread safety: thread-safe.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/histogram.h"
#include "engine/log/partition_log.h"
#include "engine/status.h"
#include "engine/types.h"

namespace ringlog {

class Flusher {
 public:
  using Callback = std::function<void(Status)>;

  // Starts `threads` flushing threads (different partitions flush in parallel).
  explicit Flusher(int threads = 1);
  // Serves every request already made, then stops the threads.
  ~Flusher();
  Flusher(const Flusher&) = delete;
  Flusher& operator=(const Flusher&) = delete;

  // Calls `done` on a flusher thread once every offset up to and including `last_offset`
  // of `log` is durable (OK), or with the error of the flush that tried. The Flusher keeps
  // `log` alive until then.
  void FlushAsync(std::shared_ptr<PartitionLog> log, Offset last_offset, Callback done);

  // How long each flush took (nanoseconds), and how many requests it answered (the
  // group commit's size), for the broker's metrics.
  const Histogram& flush_latency() const { return flush_latency_; }
  const Histogram& flush_batch_requests() const { return flush_batch_requests_; }

 private:
  struct Request {
    std::shared_ptr<PartitionLog> log;
    Offset last_offset;
    Callback done;
  };

  void Run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Request> pending_;
  bool stopping_ = false;
  Histogram flush_latency_{LatencyBoundsNanos()};
  Histogram flush_batch_requests_{PowerOfTwoBounds()};
  std::vector<std::thread> threads_;
};

}  // namespace ringlog
