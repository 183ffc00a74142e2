#include "backends/uring/ring.h"

#include <liburing.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

namespace ringlog {
namespace {

// The kernel caps one read or write at about 2 GiB; larger ops go in steps.
constexpr uint64_t kMaxBytesPerSubmission = 1ull << 30;
// Rounds in a row in which nothing moved (only -EAGAIN/-EINTR) before we give up.
constexpr int kMaxIdleRounds = 1000;

struct RequiredOp {
  int opcode;
  const char* name;
};
constexpr RequiredOp kRequiredOps[] = {
    {IORING_OP_READ, "READ"},
    {IORING_OP_WRITE, "WRITE"},
    {IORING_OP_FSYNC, "FSYNC"},
    {IORING_OP_FALLOCATE, "FALLOCATE"},
};

Status UnavailableStatus(int err) {
  return Status::NotSupported(
      std::string("io_uring is not available (") + std::strerror(err) +
      "); the uring backend needs Linux 5.6 or later with io_uring enabled "
      "(sysctl kernel.io_uring_disabled=0, not blocked by seccomp); use --backend=rocksdb");
}

// Sets up `ring` with the cheapest task-running mode the kernel accepts: deferred task
// work on a single-issuer ring (6.1+), then cooperative (5.19+), then the default.
int InitRing(io_uring* ring, unsigned depth) {
  const unsigned flag_sets[] = {IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
                                IORING_SETUP_COOP_TASKRUN, 0};
  int rc = -EINVAL;
  for (unsigned flags : flag_sets) {
    io_uring_params params{};
    params.flags = flags;
    rc = io_uring_queue_init_params(depth, ring, &params);
    if (rc != -EINVAL) return rc;
  }
  return rc;
}

Status ProbeSupport() {
  io_uring ring{};
  int rc = InitRing(&ring, 4);
  if (rc < 0) return UnavailableStatus(-rc);
  io_uring_probe* probe = io_uring_get_probe_ring(&ring);
  Status status;
  if (probe == nullptr) {
    status = Status::NotSupported(
        "the kernel cannot report its io_uring opcodes (Linux 5.6 or later is needed)");
  } else {
    for (const RequiredOp& op : kRequiredOps) {
      if (!io_uring_opcode_supported(probe, op.opcode)) {
        status = Status::NotSupported(std::string("the kernel's io_uring lacks IORING_OP_") +
                                      op.name + "; the uring backend needs Linux 5.6 or later");
        break;
      }
    }
    io_uring_free_probe(probe);
  }
  io_uring_queue_exit(&ring);
  return status;
}

const char* KindName(IoOp::Kind kind) {
  switch (kind) {
    case IoOp::Kind::kRead:
      return "io_uring read";
    case IoOp::Kind::kWrite:
      return "io_uring write";
    case IoOp::Kind::kFdatasync:
      return "io_uring fdatasync";
    case IoOp::Kind::kFallocate:
      return "io_uring fallocate";
  }
  return "io_uring op";
}

void Prepare(io_uring_sqe* sqe, IoOp& op) {
  const uint64_t remaining = std::min(op.len - op.done, kMaxBytesPerSubmission);
  switch (op.kind) {
    case IoOp::Kind::kRead:
      io_uring_prep_read(sqe, op.fd, op.buf + op.done, static_cast<unsigned>(remaining),
                         op.offset + op.done);
      break;
    case IoOp::Kind::kWrite:
      io_uring_prep_write(sqe, op.fd, op.buf + op.done, static_cast<unsigned>(remaining),
                          op.offset + op.done);
      break;
    case IoOp::Kind::kFdatasync:
      io_uring_prep_fsync(sqe, op.fd, IORING_FSYNC_DATASYNC);
      break;
    case IoOp::Kind::kFallocate:
      io_uring_prep_fallocate(sqe, op.fd, 0, op.offset, op.len);
      break;
  }
  io_uring_sqe_set_data(sqe, &op);
}

// Applies one completion to its op. Returns a non-OK Status for a hard failure.
Status Complete(IoOp& op, int res, bool* progress) {
  if (res == -EAGAIN || res == -EINTR || res == -ECANCELED) {
    // Resubmitted next round. -ECANCELED: an earlier op of the chain ended short.
    return Status::OK();
  }
  if (res < 0) return Status::IOError(KindName(op.kind), -res);
  const bool transfers = op.kind == IoOp::Kind::kRead || op.kind == IoOp::Kind::kWrite;
  if (!transfers) {
    op.complete = true;
    *progress = true;
    return Status::OK();
  }
  if (res == 0 && op.done < op.len) {
    if (op.kind == IoOp::Kind::kWrite) {
      return Status::IOError("io_uring write made no progress", EIO);
    }
    op.complete = true;  // end of file
    *progress = true;
    return Status::OK();
  }
  op.done += static_cast<uint64_t>(res);
  op.complete = op.done == op.len || op.partial_ok;
  *progress = true;
  return Status::OK();
}

thread_local std::unique_ptr<Ring> t_ring;

}  // namespace

Status Ring::CheckSupport() {
  static const Status support = ProbeSupport();
  return support;
}

Result<Ring*> Ring::ForThisThread(unsigned queue_depth) {
  if (t_ring != nullptr) return t_ring.get();
  RETURN_IF_ERROR(CheckSupport());
  auto ring = std::make_unique<io_uring>();
  int rc = InitRing(ring.get(), queue_depth);
  if (rc == -ENOSYS || rc == -EPERM) return UnavailableStatus(-rc);
  if (rc < 0) return Status::IOError("io_uring_queue_init", -rc);
  t_ring.reset(new Ring(std::move(ring), queue_depth));
  return t_ring.get();
}

Ring::Ring(std::unique_ptr<io_uring> ring, unsigned queue_depth)
    : ring_(std::move(ring)), queue_depth_(queue_depth) {}

Ring::~Ring() { io_uring_queue_exit(ring_.get()); }

Status Ring::Run(std::span<IoOp> ops) {
  for (IoOp& op : ops) {
    op.done = 0;
    op.complete = false;
  }
  size_t first = 0;
  int idle_rounds = 0;
  while (true) {
    while (first < ops.size() && ops[first].complete) ++first;
    if (first == ops.size()) return Status::OK();
    bool progress = false;
    RETURN_IF_ERROR(RunRound(ops, first, &progress));
    idle_rounds = progress ? 0 : idle_rounds + 1;
    if (idle_rounds > kMaxIdleRounds) {
      return Status::IOError("io_uring kept asking to retry", EAGAIN);
    }
  }
}

Status Ring::RunRound(std::span<IoOp> ops, size_t first, bool* progress) {
  io_uring* ring = ring_.get();
  unsigned queued = 0;
  size_t i = first;
  while (i < ops.size()) {
    // The chain starting at i ends at the first op that does not link onward.
    size_t end = i;
    while (end + 1 < ops.size() && ops[end].link_next) ++end;
    unsigned incomplete = 0;
    for (size_t k = i; k <= end; ++k) incomplete += ops[k].complete ? 0 : 1;
    if (queued + incomplete > queue_depth_) {
      CHECK_GT(queued, 0u) << "a linked chain of " << incomplete
                           << " ops does not fit a ring of depth " << queue_depth_;
      break;
    }
    // The incomplete ops of a chain are always a suffix of it: links run in order.
    for (size_t k = i; k <= end; ++k) {
      if (ops[k].complete) continue;
      io_uring_sqe* sqe = io_uring_get_sqe(ring);
      CHECK(sqe != nullptr) << "submission queue full despite the depth bound";
      Prepare(sqe, ops[k]);
      if (k < end) io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK);
      ++queued;
    }
    i = end + 1;
  }
  if (queued == 0) return Status::OK();

  while (true) {
    int rc = io_uring_submit_and_wait(ring, queued);
    if (rc >= 0) break;
    // Queued entries still reference the callers' buffers: we may not return with them.
    CHECK(rc == -EINTR || rc == -EAGAIN || rc == -EBUSY)
        << "io_uring_submit_and_wait: " << std::strerror(-rc);
  }

  Status status;
  for (unsigned reaped = 0; reaped < queued;) {
    io_uring_cqe* cqe = nullptr;
    int rc = io_uring_wait_cqe(ring, &cqe);
    if (rc == -EINTR || rc == -EAGAIN) continue;
    CHECK_EQ(rc, 0) << "io_uring_wait_cqe: " << std::strerror(-rc);
    auto* op = static_cast<IoOp*>(io_uring_cqe_get_data(cqe));
    const int res = cqe->res;
    io_uring_cqe_seen(ring, cqe);
    ++reaped;
    Status op_status = Complete(*op, res, progress);
    if (status.ok() && !op_status.ok()) status = std::move(op_status);
  }
  return status;
}

}  // namespace ringlog
