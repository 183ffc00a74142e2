// Whether a ring can run the server's event loop: every opcode the loop submits is
// supported by the kernel. Each loop asks once, when its ring is created.
#pragma once

#include "engine/status.h"

struct io_uring;

namespace ringlog {

// OK, or NotSupported naming the first missing opcode (or that probing is unsupported).
Status CheckOpcodeSupport(io_uring* ring);

// NotSupported when io_uring itself is unavailable (disabled, filtered, too old a
// kernel); IOError for other failures to create a ring. `err` is io_uring_queue_init's
// negative errno.
Status RingCreationError(int err);

}  // namespace ringlog
