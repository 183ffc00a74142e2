#include "net/server/event_loop.h"

#include <liburing.h>
#include <pthread.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <utility>

#include "net/server/connection.h"
#include "net/server/uring_support.h"

namespace ringlog {
namespace {

constexpr unsigned kSubmissionEntries = 256;
// Room for every connection's receive and send (two operations each) without overflow.
constexpr unsigned kCompletionEntries = 4096;
constexpr unsigned kCompletionBatch = 64;

// A send to a socket the peer closed raises SIGPIPE in the sending thread; the error is
// handled from the result instead. sendmsg passes MSG_NOSIGNAL, splice cannot, so the
// loop's thread blocks the signal (the process-wide disposition is left alone).
void BlockSigpipe() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

}  // namespace

Result<std::unique_ptr<EventLoop>> EventLoop::Create(const ServerOptions* options,
                                                     RequestHandler* handler,
                                                     RequestMemoryPool* memory_pool) {
  ASSIGN_OR_RETURN(std::shared_ptr<LoopMailbox> mailbox, LoopMailbox::Create());
  return std::unique_ptr<EventLoop>(
      new EventLoop(options, handler, memory_pool, std::move(mailbox)));
}

EventLoop::EventLoop(const ServerOptions* options, RequestHandler* handler,
                     RequestMemoryPool* memory_pool, std::shared_ptr<LoopMailbox> mailbox)
    : options_(options),
      handler_(handler),
      memory_pool_(memory_pool),
      ring_(std::make_unique<io_uring>()),
      mailbox_(std::move(mailbox)) {}

EventLoop::~EventLoop() {
  CHECK(!thread_.joinable()) << "EventLoop destroyed while its thread runs";
  CHECK(connections_.empty());
  mailbox_->Close();
}

Status EventLoop::Start() {
  CHECK(!thread_.joinable()) << "EventLoop started twice";
  std::promise<Status> started;
  std::future<Status> result = started.get_future();
  thread_ = std::thread([this, &started] { ThreadMain(&started); });
  Status status = result.get();
  if (!status.ok()) thread_.join();
  return status;
}

void EventLoop::ThreadMain(std::promise<Status>* started) {
  Status status = CreateRing();
  const bool ok = status.ok();
  // `started` is gone once Start has its answer.
  started->set_value(std::move(status));
  if (!ok) return;
  Run();
  io_uring_queue_exit(ring_.get());
}

Status EventLoop::CreateRing() {
  io_uring_params params{};
  params.flags = IORING_SETUP_CQSIZE;
  params.cq_entries = kCompletionEntries;
  const int err = io_uring_queue_init_params(kSubmissionEntries, ring_.get(), &params);
  if (err < 0) return RingCreationError(err);
  Status supported = CheckOpcodeSupport(ring_.get());
  if (!supported.ok()) io_uring_queue_exit(ring_.get());
  return supported;
}

void EventLoop::RequestStop() {
  mailbox_->PostTask([this] { BeginStop(); });
}

void EventLoop::Join() {
  if (thread_.joinable()) thread_.join();
}

void EventLoop::Post(std::function<void()> fn) { mailbox_->PostTask(std::move(fn)); }

LoopExecutor::TimerId EventLoop::RunAfter(std::chrono::milliseconds delay,
                                          std::function<void()> fn) {
  return timers_.Add(TimerQueue::Clock::now() + delay, std::move(fn));
}

void EventLoop::CancelTimer(TimerId id) { timers_.Cancel(id); }

void EventLoop::AdoptConnection(UniqueFd socket, ConnectionInfo info) {
  // Shared so that the task stays copyable; a task dropped unrun closes the socket.
  auto held = std::make_shared<UniqueFd>(std::move(socket));
  Post([this, held, info = std::move(info)] {
    if (stopping_) return;
    auto connection = std::make_unique<Connection>(this, std::move(*held), info, *options_,
                                                   handler_, memory_pool_);
    Connection* started = connection.get();
    connections_.emplace(info.id, std::move(connection));
    started->Start();
  });
}

ReplyFn EventLoop::MakeReplyFn(uint64_t connection_id, uint64_t sequence) const {
  return [mailbox = mailbox_, connection_id, sequence](Reply reply) {
    mailbox->PostReply(connection_id, sequence, std::move(reply));
  };
}

io_uring_sqe* EventLoop::GetSqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(ring_.get());
  while (sqe == nullptr) {
    // The submission queue is full: hand it to the kernel to make room.
    const int submitted = io_uring_submit(ring_.get());
    CHECK_GE(submitted, 0) << "io_uring_submit: " << std::strerror(-submitted);
    sqe = io_uring_get_sqe(ring_.get());
  }
  return sqe;
}

void EventLoop::Submit(io_uring_sqe* sqe, IoCompletion* done) {
  io_uring_sqe_set_data(sqe, done);
  ++ops_in_flight_;
}

void EventLoop::OnConnectionFinished(uint64_t id) { finished_.push_back(id); }

void EventLoop::OnMemoryRoom(uint64_t id) {
  auto it = connections_.find(id);
  if (it != connections_.end()) it->second->OnMemoryRoom();
}

void EventLoop::Run() {
  BlockSigpipe();
  mailbox_->BindToCurrentThread();
  ArmWakeRead();
  while (!Finished()) {
    SubmitAndWait(WaitTimeout());
    RunCompletions();
    timers_.RunDue(TimerQueue::Clock::now());
    RunMailbox();
    DestroyFinishedConnections();
  }
}

bool EventLoop::Finished() const {
  return stopping_ && connections_.empty() && ops_in_flight_ == 0;
}

std::optional<std::chrono::nanoseconds> EventLoop::WaitTimeout() {
  if (mailbox_->HasWork() || !finished_.empty()) return std::chrono::nanoseconds(0);
  const std::optional<TimerQueue::Clock::time_point> deadline = timers_.NextDeadline();
  if (!deadline) return std::nullopt;
  return std::max(std::chrono::nanoseconds(0), *deadline - TimerQueue::Clock::now());
}

void EventLoop::SubmitAndWait(std::optional<std::chrono::nanoseconds> timeout) {
  int result;
  if (timeout && timeout->count() == 0) {
    result = io_uring_submit(ring_.get());
  } else {
    __kernel_timespec ts{};
    if (timeout) {
      ts.tv_sec = timeout->count() / 1'000'000'000;
      ts.tv_nsec = timeout->count() % 1'000'000'000;
    }
    io_uring_cqe* cqe = nullptr;
    result =
        io_uring_submit_and_wait_timeout(ring_.get(), &cqe, 1, timeout ? &ts : nullptr, nullptr);
  }
  // -ETIME: the timer deadline came first; -EINTR: a signal; both just end the wait.
  CHECK(result >= 0 || result == -ETIME || result == -EINTR)
      << "io_uring wait: " << std::strerror(-result);
}

void EventLoop::RunCompletions() {
  struct Done {
    IoCompletion* completion;
    int32_t result;
  };
  io_uring_cqe* cqes[kCompletionBatch];
  Done done[kCompletionBatch];
  while (true) {
    const unsigned n = io_uring_peek_batch_cqe(ring_.get(), cqes, kCompletionBatch);
    if (n == 0) return;
    unsigned ours = 0;
    for (unsigned i = 0; i < n; ++i) {
      // liburing's own timeout entries (kernels without EXT_ARG) carry no completion.
      if (cqes[i]->user_data == LIBURING_UDATA_TIMEOUT) continue;
      done[ours++] = Done{static_cast<IoCompletion*>(io_uring_cqe_get_data(cqes[i])), cqes[i]->res};
    }
    // Consumed before running them, so the handlers may submit and reap freely.
    io_uring_cq_advance(ring_.get(), n);
    for (unsigned i = 0; i < ours; ++i) {
      --ops_in_flight_;
      done[i].completion->OnIoComplete(done[i].result);
    }
  }
}

void EventLoop::RunMailbox() {
  // The batches swap with the mailbox's queues, so their capacity is reused turn to turn.
  mailbox_->TakeAll(&task_batch_, &reply_batch_);
  for (PostedReply& posted : reply_batch_) {
    auto it = connections_.find(posted.connection_id);
    // A reply for a connection that is gone is dropped here.
    if (it != connections_.end()) it->second->OnReply(posted.sequence, std::move(posted.reply));
  }
  reply_batch_.clear();
  for (std::function<void()>& task : task_batch_) task();
  task_batch_.clear();
}

void EventLoop::DestroyFinishedConnections() {
  for (uint64_t id : finished_) connections_.erase(id);
  finished_.clear();
}

void EventLoop::ArmWakeRead() {
  io_uring_sqe* sqe = GetSqe();
  io_uring_prep_read(sqe, mailbox_->wake_fd(), &wake_value_, sizeof(wake_value_), 0);
  Submit(sqe, &wake_done_);
}

void EventLoop::OnWakeRead(int32_t result) {
  if (result < 0 && result != -EINTR && result != -EAGAIN) {
    LOG(ERROR) << "event loop wake-up read: " << std::strerror(-result);
  }
  // Posted work runs later in this turn; only the read needs renewing.
  if (!stopping_) ArmWakeRead();
}

void EventLoop::BeginStop() {
  if (stopping_) return;
  stopping_ = true;
  for (auto& [id, connection] : connections_) connection->Close();
  // Completes the armed eventfd read, which is not renewed now.
  mailbox_->Wake();
}

}  // namespace ringlog
