// Fuzz target: the bytes a client sends on one connection, cut into frames by the
// server's FrameDecoder exactly as a connection reads them (in reads of varying sizes),
// each frame dispatched to a fresh in-memory broker in order, as long as neither the
// decoder nor the broker closes the connection. Sequences of requests reach what one frame
// cannot: a JoinGroup then its SyncGroup, a Produce then the Fetch that reads it.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "net/server/frame_decoder.h"
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
  ringlog::fuzz::FuzzBroker broker;
  ringlog::FrameDecoder decoder(ringlog::fuzz::FuzzBroker::kMaxFrameBytes);
  size_t at = 0;
  for (size_t read = 0; at < size; ++read) {
    const std::span<char> buffer = decoder.ReadBuffer();
    const size_t n = std::min({buffer.size(), kReadSizes[read % kReadSizes.size()], size - at});
    std::memcpy(buffer.data(), data + at, n);
    decoder.Commit(n);
    at += n;
    while (true) {
      ringlog::Result<std::optional<std::string>> frame = decoder.Next();
      if (!frame.ok()) return 0;
      if (!frame->has_value()) break;
      if (!broker.Handle(std::move(**frame))) return 0;
    }
  }
  return 0;
}
