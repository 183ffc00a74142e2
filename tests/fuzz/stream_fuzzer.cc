// Fuzz target: the bytes a client sends on one connection, cut into frames by the
// server's FrameDecoder exactly as a connection reads them (in reads of varying sizes),
// each frame dispatched to a fresh in-memory broker in order, as long as neither the
// decoder nor the broker closes the connection. Sequences of requests reach what one frame
// cannot: a JoinGroup then its SyncGroup, a Produce then the Fetch that reads it. The
// decoder draws on a connection's memory account as the server's connections do, bounded
// per connection by the frame limit, in a pool with room for several frames.
#include <glog/logging.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "net/server/connection_memory.h"
#include "net/server/frame_decoder.h"
#include "net/server/request_memory_pool.h"
#include "tests/fuzz/fuzz_broker.h"
#include "tests/fuzz/fuzz_common.h"

namespace {

// Read sizes, used in turn: a socket hands over bytes in arbitrary pieces.
constexpr std::array<size_t, 6> kReadSizes = {4096, 1, 7, 300, 65536, 2};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ringlog::fuzz::QuietLogging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using ringlog::fuzz::FuzzBroker;
  FuzzBroker broker;
  ringlog::RequestMemoryPool pool(4 * uint64_t{FuzzBroker::kMaxFrameBytes});
  ringlog::ConnectionMemory memory(&pool, FuzzBroker::kMaxFrameBytes, [] {});
  ringlog::FrameDecoder decoder(FuzzBroker::kMaxFrameBytes, &memory);
  size_t at = 0;
  for (size_t read = 0; at < size; ++read) {
    const std::span<char> buffer = decoder.ReadBuffer();
    // Every frame was taken and its memory given back: nothing would ever make room.
    CHECK(!buffer.empty()) << "the decoder waits with " << memory.held_bytes() << " bytes held";
    const size_t n = std::min({buffer.size(), kReadSizes[read % kReadSizes.size()], size - at});
    std::memcpy(buffer.data(), data + at, n);
    decoder.Commit(n);
    at += n;
    while (true) {
      ringlog::Result<std::optional<ringlog::FrameDecoder::Frame>> frame = decoder.Next();
      if (!frame.ok()) return 0;
      if (!frame->has_value()) break;
      if (!broker.Handle(std::move((*frame)->bytes))) return 0;
    }
  }
  return 0;
}
