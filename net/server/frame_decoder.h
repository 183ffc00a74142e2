// FrameDecoder: splits a connection's incoming byte stream into Kafka request frames, each
// a 4-byte big-endian size followed by that many bytes. Bytes are read into the buffer it
// hands out; frames come out whole, one at a time, as the connection asks for them (so a
// connection at its in-flight limit leaves the rest staged).
//
// A size prefix is checked before anything else: a negative one or one above the limit is
// an error that ends the stream. The prefix allocates nothing; memory is taken from the
// connection's account (and so the server's request memory pool) as the bytes arrive:
//   - a frame that fits the fixed staging buffer (64 KiB) is taken whole once all of it is
//     in, so many small frames arrive in one read;
//   - the body of a larger frame grows in steps as its bytes arrive, doubling each time
//     (so the copies add up to less than the frame, and the body holds at most about twice
//     what arrived), and once it has begun it is read straight into the body, so it is not
//     copied again.
// While the account refuses memory, the decoder waits: Next() gives no frame and
// ReadBuffer() offers no room once the staging buffer is full. The account's owner is told
// when to try again.
//
// Thread safety: none; one connection's loop thread uses it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "engine/status.h"
#include "net/server/connection_memory.h"

namespace ringlog {

class FrameDecoder {
 public:
  // A whole request frame (the bytes after its size prefix) and the memory it holds.
  struct Frame {
    std::string bytes;
    ConnectionMemory::Lease lease;
  };

  // Frames whose size prefix is above `max_frame_bytes` are rejected. `memory` must outlive
  // the decoder and every Frame it returns.
  FrameDecoder(int32_t max_frame_bytes, ConnectionMemory* memory);
  FrameDecoder(const FrameDecoder&) = delete;
  FrameDecoder& operator=(const FrameDecoder&) = delete;

  // Where the next read should land; empty while the decoder waits for memory (with the
  // staging buffer full) or holds staged frames nobody asked for.
  std::span<char> ReadBuffer();
  // `n` bytes were read into the span last returned by ReadBuffer().
  void Commit(size_t n);

  // The next whole frame, or nullopt when more bytes (or memory) are needed.
  // InvalidArgument for a negative size, TooLarge for one above the limit; the stream is
  // unusable after an error.
  Result<std::optional<Frame>> Next();

 private:
  static constexpr size_t kStagingBytes = 64 * 1024;
  // A frame body with at least this much left is read into the frame directly.
  static constexpr size_t kDirectReadMinBytes = 16 * 1024;

  bool large() const { return body_size_ > kStagingBytes; }
  // Makes room for at least `min_room` more body bytes: doubles the body (at least to the
  // staging size, at most to the frame's size). False when the memory is refused.
  bool GrowBody(size_t min_room);

  const int32_t max_frame_bytes_;
  ConnectionMemory* const memory_;
  // Bytes read but not yet taken: staging_[begin_, end_).
  std::unique_ptr<char[]> staging_;
  size_t begin_ = 0;
  size_t end_ = 0;
  // The frame whose size prefix was taken: body_size_ bytes long; of a large one, body_
  // holds the first body_filled_, with room for more up to body_.size().
  bool in_body_ = false;
  size_t body_size_ = 0;
  std::string body_;
  size_t body_filled_ = 0;
  // The memory of the frame being received (all of body_).
  ConnectionMemory::Lease lease_;
  // The last ReadBuffer() pointed into body_ rather than staging_.
  bool direct_read_ = false;
};

}  // namespace ringlog
