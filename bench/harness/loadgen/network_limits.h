// The machine's own limits the network suites compare ringlog with, measured in the same
// run: how fast plain TCP moves bytes over loopback, and how fast the kernel sends a
// file's bytes to a loopback socket with sendfile (the zero-copy ideal).
//
// Each runs a sender and a receiver thread in this process over a fresh loopback
// connection for `seconds`; the receiver reads into a user buffer and drops the bytes,
// as the load generator's consumer does. Throughput is what the receiver got, per second
// from the first send until it has received everything sent.
#pragma once

#include <cstddef>
#include <string>

#include "engine/status.h"

namespace ringlog::bench {

struct TransferRate {
  double bytes = 0;
  double seconds = 0;
  double mb_per_s() const { return seconds > 0 ? bytes / seconds / 1e6 : 0; }
};

// Sends `chunk_bytes`-sized writes (the size of the requests being compared) as fast as
// the receiver takes them.
Result<TransferRate> MeasureLoopbackTcp(size_t chunk_bytes, double seconds);

// sendfile()s the whole of `path` over and over (hot in the page cache after the first
// pass, which callers should make beforehand).
Result<TransferRate> MeasureFileToSocket(const std::string& path, double seconds);

}  // namespace ringlog::bench
