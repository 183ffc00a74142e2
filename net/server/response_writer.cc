#include "net/server/response_writer.h"

#include <fcntl.h>
#include <liburing.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

namespace ringlog {
namespace {

constexpr uint64_t kDefaultPipeBytes = 64 * 1024;

}  // namespace

ResponseWriter::ResponseWriter(EventLoop* loop, int socket_fd, bool zero_copy, SendQueue* queue,
                               IoCompletion* done)
    : loop_(loop), socket_fd_(socket_fd), zero_copy_(zero_copy), queue_(queue), done_(done) {}

Status ResponseWriter::Kick() {
  if (busy() || queue_->empty()) return Status::OK();
  if (staged_ > 0) {
    staged_in_pipe_ ? PipeToSocket() : BufferToSocket();
    return Status::OK();
  }
  bool file_follows = false;
  const size_t iov_count = queue_->GatherMemory(iov_, &file_follows);
  if (iov_count > 0) {
    SendMemory(iov_count, file_follows);
    return Status::OK();
  }
  const FileSlice file = queue_->FrontFile();
  if (zero_copy_ && file.length >= kMinSpliceBytes) return FileToPipe(file);
  FileToBuffer(file);
  return Status::OK();
}

Status ResponseWriter::OnComplete(int32_t result) {
  const Step step = step_;
  step_ = Step::kIdle;
  // Kick repeats the step.
  if (result == -EAGAIN || result == -EINTR) return Status::OK();
  const bool from_file = step == Step::kFileToPipe || step == Step::kFileToBuffer;
  if (result < 0) {
    return Status::IOError(
        std::string(from_file ? "read file slice: " : "send: ") + std::strerror(-result), -result);
  }
  if (result == 0) {
    return Status::IOError(from_file ? "file slice reaches past the end of its file"
                                     : "socket took no bytes");
  }
  const auto moved = static_cast<uint64_t>(result);
  switch (step) {
    case Step::kSendMemory:
      queue_->Advance(moved);
      break;
    case Step::kFileToPipe:
    case Step::kFileToBuffer:
      staged_ = moved;
      staged_in_pipe_ = step == Step::kFileToPipe;
      buffer_sent_ = 0;
      break;
    case Step::kPipeToSocket:
      staged_ -= moved;
      queue_->Advance(moved);
      break;
    case Step::kBufferToSocket:
      staged_ -= moved;
      buffer_sent_ += moved;
      queue_->Advance(moved);
      break;
    case Step::kIdle:
      LOG(FATAL) << "send completion with no operation in flight";
  }
  return Status::OK();
}

void ResponseWriter::SendMemory(size_t iov_count, bool more_follows) {
  msg_ = msghdr{};
  msg_.msg_iov = iov_.data();
  msg_.msg_iovlen = iov_count;
  // MSG_MORE: the file bytes that follow join these in full segments.
  const int flags = MSG_NOSIGNAL | (more_follows ? MSG_MORE : 0);
  io_uring_sqe* sqe = loop_->GetSqe();
  io_uring_prep_sendmsg(sqe, socket_fd_, &msg_, flags);
  loop_->Submit(sqe, done_);
  step_ = Step::kSendMemory;
}

Status ResponseWriter::FileToPipe(const FileSlice& file) {
  if (!pipe_write_.valid()) RETURN_IF_ERROR(MakePipe());
  const auto length = static_cast<unsigned>(std::min(file.length, pipe_capacity_));
  io_uring_sqe* sqe = loop_->GetSqe();
  io_uring_prep_splice(sqe, file.fd, static_cast<int64_t>(file.position), pipe_write_.get(), -1,
                       length, 0);
  loop_->Submit(sqe, done_);
  step_ = Step::kFileToPipe;
  return Status::OK();
}

void ResponseWriter::PipeToSocket() {
  io_uring_sqe* sqe = loop_->GetSqe();
  io_uring_prep_splice(sqe, pipe_read_.get(), -1, socket_fd_, -1, static_cast<unsigned>(staged_),
                       0);
  loop_->Submit(sqe, done_);
  step_ = Step::kPipeToSocket;
}

void ResponseWriter::FileToBuffer(const FileSlice& file) {
  if (!buffer_) buffer_.reset(new char[kBufferBytes]);
  const auto length = static_cast<unsigned>(std::min(file.length, kBufferBytes));
  io_uring_sqe* sqe = loop_->GetSqe();
  io_uring_prep_read(sqe, file.fd, buffer_.get(), length, file.position);
  loop_->Submit(sqe, done_);
  step_ = Step::kFileToBuffer;
}

void ResponseWriter::BufferToSocket() {
  iov_[0] = iovec{buffer_.get() + buffer_sent_, staged_};
  msg_ = msghdr{};
  msg_.msg_iov = iov_.data();
  msg_.msg_iovlen = 1;
  io_uring_sqe* sqe = loop_->GetSqe();
  io_uring_prep_sendmsg(sqe, socket_fd_, &msg_, MSG_NOSIGNAL);
  loop_->Submit(sqe, done_);
  step_ = Step::kBufferToSocket;
}

Status ResponseWriter::MakePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Status::IOError("pipe2", errno);
  pipe_read_ = UniqueFd(fds[0]);
  pipe_write_ = UniqueFd(fds[1]);
  // A bigger pipe moves more per splice pair; when the kernel refuses, the default works.
  ::fcntl(fds[1], F_SETPIPE_SZ, kPipeBytes);
  const int capacity = ::fcntl(fds[1], F_GETPIPE_SZ);
  pipe_capacity_ = capacity > 0 ? static_cast<uint64_t>(capacity) : kDefaultPipeBytes;
  return Status::OK();
}

}  // namespace ringlog
