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
  std::vector<std::thread> threads_;
};

}  // namespace ringlog
