// LoopMailbox: how other threads reach an event loop. Tasks and replies posted here run on
// the loop's thread; a post from another thread wakes the loop through an eventfd that the
// loop keeps a read armed on in its io_uring.
//
// The mailbox is shared (std::shared_ptr) between its loop and every ReplyFn the loop
// handed out, and it outlives the loop: once the loop is gone the mailbox is closed, and
// whatever is posted after that is dropped on the posting thread. That is what makes a
// late ReplyFn call safe whenever it comes.
//
// Thread safety: PostTask, PostReply, Wake and Close are thread-safe; the rest is for the
// loop's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/status.h"
#include "net/server/request_handler.h"
#include "net/server/unique_fd.h"

namespace ringlog {

// A reply on its way to request `sequence` of connection `connection_id`.
struct PostedReply {
  uint64_t connection_id = 0;
  uint64_t sequence = 0;
  Reply reply;
};

class LoopMailbox {
 public:
  // IOError when the eventfd cannot be created.
  static Result<std::shared_ptr<LoopMailbox>> Create();
  LoopMailbox(const LoopMailbox&) = delete;
  LoopMailbox& operator=(const LoopMailbox&) = delete;

  void PostTask(std::function<void()> task);
  void PostReply(uint64_t connection_id, uint64_t sequence, Reply reply);
  // Makes the eventfd readable even with nothing posted.
  void Wake();
  // Drops everything queued, now and from now on, and closes the eventfd. Call once the
  // loop no longer reads the eventfd.
  void Close();

  // Loop thread: marks the calling thread as the loop's. Posts from it skip the eventfd,
  // since the loop looks at the mailbox before it sleeps.
  void BindToCurrentThread();
  // Loop thread: whether anything is waiting to be taken.
  bool HasWork();
  // Loop thread: moves everything posted so far into the (empty) vectors.
  void TakeAll(std::vector<std::function<void()>>* tasks, std::vector<PostedReply>* replies);
  // The eventfd to read; each read clears it.
  int wake_fd() const { return wake_fd_.get(); }

 private:
  explicit LoopMailbox(UniqueFd wake_fd);
  // REQUIRES: mu_ held. Writes the eventfd unless a wake-up is already pending or the
  // poster is the loop's own thread.
  void WakeLocked();
  // REQUIRES: mu_ held. Writes the eventfd.
  void SignalLocked();

  std::mutex mu_;
  bool closed_ = false;
  // The eventfd was written and the loop has not taken the work since.
  bool wake_pending_ = false;
  std::thread::id loop_thread_;
  std::vector<std::function<void()>> tasks_;
  std::vector<PostedReply> replies_;
  UniqueFd wake_fd_;
};

}  // namespace ringlog
