// ResponseWriter: drives the bytes of one connection's SendQueue into its socket, one
// io_uring operation at a time (so bytes leave in queue order):
//
//   memory parts          one SENDMSG gathering every memory part up to the next file
//                         part, across as many queued responses as fit in its iovec list
//   file part, zero-copy  SPLICE file -> the connection's pipe, then SPLICE pipe ->
//                         socket until the pipe is empty; the bytes never enter user space
//   file part, copying    READ file -> a buffer of the connection, then SENDMSG of it
//
// Zero-copy sends copy the file parts below kMinSpliceBytes all the same: io_uring runs
// each splice on one of its worker threads, and two trips through a worker cost more
// than copying a few kilobytes that are in the page cache (a follower's fetch of one
// small produce, measured with `ringlog bench replication`).
//
// Short sends resume where they stopped, and -EAGAIN/-EINTR repeat the step. The pipe and
// the buffer are made on first use and reused, so a send allocates nothing.
//
// Thread safety: none; the connection's loop thread uses it.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <cstdint>
#include <memory>

#include "engine/status.h"
#include "net/server/event_loop.h"
#include "net/server/io_completion.h"
#include "net/server/send_queue.h"
#include "net/server/unique_fd.h"

namespace ringlog {

class ResponseWriter {
 public:
  // `loop`, `queue` and `done` must outlive the writer, and `socket_fd` must stay open
  // while an operation is in flight. `done` receives each operation's result, to be passed
  // back to OnComplete.
  ResponseWriter(EventLoop* loop, int socket_fd, bool zero_copy, SendQueue* queue,
                 IoCompletion* done);
  ResponseWriter(const ResponseWriter&) = delete;
  ResponseWriter& operator=(const ResponseWriter&) = delete;

  // Whether an operation is in flight.
  bool busy() const { return step_ != Step::kIdle; }
  // Starts the next operation, if none is in flight and bytes are waiting. IOError when
  // the pipe for zero-copy sends cannot be made.
  Status Kick();
  // The operation in flight completed with `result` (bytes, or -errno). Not OK when the
  // connection cannot go on: IOError carrying the socket's or the file's errno, or for a
  // file slice that reaches past the end of its file.
  Status OnComplete(int32_t result);

 private:
  enum class Step : uint8_t {
    kIdle,
    kSendMemory,
    kFileToPipe,
    kPipeToSocket,
    kFileToBuffer,
    kBufferToSocket,
  };
  static constexpr size_t kMaxIov = 128;
  static constexpr int kPipeBytes = 1 << 20;
  static constexpr uint64_t kBufferBytes = 256 * 1024;
  static constexpr uint64_t kMinSpliceBytes = 64 * 1024;

  void SendMemory(size_t iov_count, bool more_follows);
  Status FileToPipe(const FileSlice& file);
  void PipeToSocket();
  void FileToBuffer(const FileSlice& file);
  void BufferToSocket();
  Status MakePipe();

  EventLoop* const loop_;
  const int socket_fd_;
  const bool zero_copy_;
  SendQueue* const queue_;
  IoCompletion* const done_;

  Step step_ = Step::kIdle;
  // Bytes of the front file part read into the pipe or the buffer and not yet sent.
  uint64_t staged_ = 0;
  bool staged_in_pipe_ = false;
  std::array<iovec, kMaxIov> iov_{};
  msghdr msg_{};
  // Zero-copy: the pipe between file and socket.
  UniqueFd pipe_read_;
  UniqueFd pipe_write_;
  uint64_t pipe_capacity_ = 0;
  // Copying: staged bytes are buffer_[buffer_sent_, buffer_sent_ + staged_).
  std::unique_ptr<char[]> buffer_;
  uint64_t buffer_sent_ = 0;
};

}  // namespace ringlog
