// EventLoop: one thread, one io_uring, and the connections it owns. Every socket operation
// of those connections is submitted to this ring and completes on this thread, so a
// connection's state is never shared between threads. Other threads reach the loop only
// through its LoopMailbox (Post, replies, new connections).
//
// One turn of the loop: submit what was queued and sleep until a completion arrives, the
// earliest timer is due, or work was posted; run the completions; run due timers; run
// posted tasks and deliver posted replies; destroy connections that finished closing.
//
// Stopping closes every connection, waits until each has no operation left in the ring
// (buffers the kernel still writes into must outlive it), and then ends the thread.
//
// The ring is created, used and destroyed by the loop's own thread only. A thread that
// created or used a ring gets interrupted (EINTR) when the ring is torn down later, so
// no other thread, such as the one that starts the server, is ever made to touch it.
//
// Thread safety: Post, AdoptConnection, RequestStop and MakeReplyFn are thread-safe; the
// rest is for the loop's thread unless it says otherwise.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "engine/status.h"
#include "net/server/io_completion.h"
#include "net/server/loop_mailbox.h"
#include "net/server/request_handler.h"
#include "net/server/server_options.h"
#include "net/server/timer_queue.h"
#include "net/server/unique_fd.h"

struct io_uring;
struct io_uring_sqe;

namespace ringlog {

class Connection;
class RequestMemoryPool;

class EventLoop final : public LoopExecutor {
 public:
  // `options`, `handler` and `memory_pool` (shared by every loop of the server) must
  // outlive the loop. IOError when the eventfd cannot be created.
  static Result<std::unique_ptr<EventLoop>> Create(const ServerOptions* options,
                                                   RequestHandler* handler,
                                                   RequestMemoryPool* memory_pool);
  // REQUIRES: the thread was never started, or was joined.
  ~EventLoop() override;
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Starts the loop's thread, which creates the ring, and returns once the loop runs.
  // NotSupported when io_uring or an opcode the loop needs is missing, IOError when the
  // ring cannot be created otherwise; the thread has ended then. Call once, from any thread.
  Status Start();
  // Asks the loop to close its connections and end its thread. Thread-safe, idempotent.
  void RequestStop();
  // Waits for the thread to end. Any thread but the loop's own.
  void Join();

  // LoopExecutor.
  void Post(std::function<void()> fn) override;
  TimerId RunAfter(std::chrono::milliseconds delay, std::function<void()> fn) override;
  void CancelTimer(TimerId id) override;

  // Hands an accepted socket to this loop, which serves it from now on (or closes it when
  // stopping). Thread-safe.
  void AdoptConnection(UniqueFd socket, ConnectionInfo info);
  // The ReplyFn for request `sequence` of connection `connection_id` on this loop. It stays
  // safe to call after the connection, the loop and the server are gone.
  ReplyFn MakeReplyFn(uint64_t connection_id, uint64_t sequence) const;

  // A free submission entry. Fill it with one io_uring_prep_* call, then Submit it.
  io_uring_sqe* GetSqe();
  // Queues `sqe` for the next submission; `done` runs with its result on this thread and
  // must stay alive until then.
  void Submit(io_uring_sqe* sqe, IoCompletion* done);

  // Connection `id` closed and has no operation left; it is destroyed at the end of this
  // turn of the loop.
  void OnConnectionFinished(uint64_t id);
  // The request memory pool has room for connection `id` again (a no-op when it is gone).
  void OnMemoryRoom(uint64_t id);

 private:
  EventLoop(const ServerOptions* options, RequestHandler* handler, RequestMemoryPool* memory_pool,
            std::shared_ptr<LoopMailbox> mailbox);

  // The thread: creates the ring, reports to Start, runs, destroys the ring.
  void ThreadMain(std::promise<Status>* started);
  Status CreateRing();
  void Run();
  bool Finished() const;
  // Submits queued entries and waits for a completion until `timeout` (none: no limit).
  void SubmitAndWait(std::optional<std::chrono::nanoseconds> timeout);
  std::optional<std::chrono::nanoseconds> WaitTimeout();
  void RunCompletions();
  void RunMailbox();
  void DestroyFinishedConnections();

  void ArmWakeRead();
  void OnWakeRead(int32_t result);
  void BeginStop();

  const ServerOptions* const options_;
  RequestHandler* const handler_;
  RequestMemoryPool* const memory_pool_;
  const std::unique_ptr<io_uring> ring_;
  const std::shared_ptr<LoopMailbox> mailbox_;
  std::thread thread_;

  TimerQueue timers_;
  std::unordered_map<uint64_t, std::unique_ptr<Connection>> connections_;
  std::vector<uint64_t> finished_;
  // What RunMailbox took from the mailbox in this turn.
  std::vector<std::function<void()>> task_batch_;
  std::vector<PostedReply> reply_batch_;
  // Submitted operations whose completion has not run yet.
  uint64_t ops_in_flight_ = 0;
  bool stopping_ = false;

  uint64_t wake_value_ = 0;  // the eventfd read lands here
  MemberCompletion<EventLoop, &EventLoop::OnWakeRead> wake_done_{this};
};

}  // namespace ringlog
