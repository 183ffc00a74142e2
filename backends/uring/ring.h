// Ring: the calling thread's io_uring, and the one place that submits and reaps its
// operations. Every file operation of the uring backend goes through Ring::Run, which
// hands the kernel a small list of IoOps, waits for all of them, and turns the
// completions into a Status: a negative result becomes an IOError at once, -EAGAIN and
// -EINTR are resubmitted, and short reads and writes are re-queued for the remainder.
//
// One ring per thread, created on first use and destroyed at thread exit; its queue depth
// bounds how many operations are in flight at once.
//
// Thread safety: ForThisThread is thread-safe; a Ring is used only by its own thread.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "engine/status.h"

struct io_uring;

namespace ringlog {

// One operation and, once Ring::Run returns, its outcome. The buffer must stay valid until
// Run returns.
struct IoOp {
  enum class Kind : uint8_t { kRead, kWrite, kFdatasync, kFallocate };

  Kind kind = Kind::kRead;
  int fd = -1;
  // kRead/kWrite: the bytes to fill or to write. kFallocate: `len` is the range length.
  uint8_t* buf = nullptr;
  uint64_t len = 0;
  uint64_t offset = 0;
  // The next op of the list starts only after this one completed in full (IOSQE_IO_LINK):
  // write -> fdatasync ordering.
  bool link_next = false;
  // kRead/kWrite: complete after the first successful completion, however short
  // (ReadSome/WriteSome), instead of re-queueing the remainder.
  bool partial_ok = false;

  // Outcome: bytes transferred (kRead/kWrite), and whether the op finished.
  uint64_t done = 0;
  bool complete = false;
};

class Ring final {
 public:
  // The calling thread's ring, created with `queue_depth` entries on the thread's first call
  // (later calls reuse it whatever depth they ask for). NotSupported when the kernel refuses
  // io_uring or lacks an opcode we need; IOError when creating the ring fails otherwise.
  static Result<Ring*> ForThisThread(unsigned queue_depth);

  // Checks once per process that io_uring is usable and supports the operations we need;
  // later calls return the first answer.
  static Status CheckSupport();

  ~Ring();
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;

  // Submits `ops` in order (no more than the queue depth in flight; a linked chain is never
  // split) and waits for all of them. A read that reaches end of file before filling its
  // buffer ends short (check `done`). Returns the first failure as IOError carrying the
  // errno; the ops after a failed link are not run. Reaps every completion before returning,
  // so the buffers are free again whatever the outcome.
  Status Run(std::span<IoOp> ops);

  unsigned queue_depth() const { return queue_depth_; }

 private:
  Ring(std::unique_ptr<io_uring> ring, unsigned queue_depth);

  // Submits the next round of incomplete ops (from `first` on, at most the queue depth,
  // whole chains only) and reaps their completions. Sets *progress when any byte moved or
  // any op completed.
  Status RunRound(std::span<IoOp> ops, size_t first, bool* progress);

  const std::unique_ptr<io_uring> ring_;
  const unsigned queue_depth_;
};

}  // namespace ringlog
