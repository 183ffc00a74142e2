#include "net/server/uring_support.h"

#include <liburing.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace ringlog {
namespace {

struct RequiredOp {
  int opcode;
  const char* name;
};

// Every opcode an event loop submits.
constexpr RequiredOp kRequiredOps[] = {
    {IORING_OP_ACCEPT, "ACCEPT"}, {IORING_OP_RECV, "RECV"}, {IORING_OP_SENDMSG, "SENDMSG"},
    {IORING_OP_SPLICE, "SPLICE"}, {IORING_OP_READ, "READ"},
};

}  // namespace

Status CheckOpcodeSupport(io_uring* ring) {
  io_uring_probe* probe = io_uring_get_probe_ring(ring);
  if (probe == nullptr) return Status::NotSupported("io_uring opcode probe unavailable");
  Status status;
  for (const RequiredOp& op : kRequiredOps) {
    if (!io_uring_opcode_supported(probe, op.opcode)) {
      status = Status::NotSupported(std::string("io_uring lacks IORING_OP_") + op.name);
      break;
    }
  }
  io_uring_free_probe(probe);
  return status;
}

Status RingCreationError(int err) {
  const std::string reason = std::string("create io_uring: ") + std::strerror(-err);
  if (err == -ENOSYS || err == -EPERM) return Status::NotSupported(reason);
  return Status::IOError(reason, -err);
}

}  // namespace ringlog
