// SegmentWriter: the uring backend's writer thread. An append copies its batch into the
// segment's queue and returns; this thread writes each segment's queued batches with one
// io_uring write and reports them written. So the appender validates and queues the next
// batch while the previous one is copied into the page cache, instead of waiting for
// each write (buffered ext4 writes run on an io_uring worker thread either way).
//
// Thread safety: thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace ringlog {

class SegmentWriter final {
 public:
  // Something with queued bytes to write: a segment.
  class Client {
   public:
    // Runs on the writer thread: writes one round of the queue. Returns whether more is
    // queued, in which case the client goes to the back of the line for another round.
    virtual bool WriteQueued() = 0;

   protected:
    ~Client() = default;
  };

  SegmentWriter();
  // Waits for the scheduled clients' rounds, then stops the thread.
  ~SegmentWriter();
  SegmentWriter(const SegmentWriter&) = delete;
  SegmentWriter& operator=(const SegmentWriter&) = delete;

  // `client` gets its WriteQueued() rounds on the writer thread until one returns false.
  // It must stay alive until then and not be scheduled again before.
  void Schedule(Client* client);

 private:
  void Run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Client*> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ringlog
