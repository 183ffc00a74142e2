#include "net/server/loop_mailbox.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace ringlog {

Result<std::shared_ptr<LoopMailbox>> LoopMailbox::Create() {
  const int fd = ::eventfd(0, EFD_CLOEXEC);
  if (fd < 0) return Status::IOError("eventfd", errno);
  return std::shared_ptr<LoopMailbox>(new LoopMailbox(UniqueFd(fd)));
}

LoopMailbox::LoopMailbox(UniqueFd wake_fd) : wake_fd_(std::move(wake_fd)) {}

void LoopMailbox::PostTask(std::function<void()> task) {
  std::lock_guard<std::mutex> lock(mu_);
  // A refused task is destroyed when this call returns, after the lock is released.
  if (closed_) return;
  tasks_.push_back(std::move(task));
  WakeLocked();
}

void LoopMailbox::PostReply(uint64_t connection_id, uint64_t sequence, Reply reply) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return;
  replies_.push_back(PostedReply{connection_id, sequence, std::move(reply)});
  WakeLocked();
}

void LoopMailbox::WakeLocked() {
  if (wake_pending_ || std::this_thread::get_id() == loop_thread_) return;
  wake_pending_ = true;
  SignalLocked();
}

void LoopMailbox::SignalLocked() {
  // Under the lock, so that Close cannot close the fd in between. An eventfd write fails
  // only when its counter would overflow, which one write per wake-up never reaches.
  const uint64_t one = 1;
  CHECK_EQ(::write(wake_fd_.get(), &one, sizeof(one)), static_cast<ssize_t>(sizeof(one)))
      << "eventfd write failed";
}

void LoopMailbox::Wake() {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return;
  SignalLocked();
}

void LoopMailbox::Close() {
  std::vector<std::function<void()>> tasks;
  std::vector<PostedReply> replies;
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    tasks.swap(tasks_);
    replies.swap(replies_);
    wake_fd_.Reset();
  }
  // The dropped work is destroyed here, outside the lock: a reply's pins may run anything.
}

void LoopMailbox::BindToCurrentThread() {
  std::lock_guard<std::mutex> lock(mu_);
  loop_thread_ = std::this_thread::get_id();
}

bool LoopMailbox::HasWork() {
  std::lock_guard<std::mutex> lock(mu_);
  return !tasks_.empty() || !replies_.empty();
}

void LoopMailbox::TakeAll(std::vector<std::function<void()>>* tasks,
                          std::vector<PostedReply>* replies) {
  std::lock_guard<std::mutex> lock(mu_);
  tasks->swap(tasks_);
  replies->swap(replies_);
  wake_pending_ = false;
}

}  // namespace ringlog
