// FrameDecoder: splits a connection's incoming byte stream into Kafka request frames, each
// a 4-byte big-endian size followed by that many bytes. Bytes are read into the buffer it
// hands out; frames come out whole, one at a time, as the connection asks for them (so a
// connection at its in-flight limit leaves the rest staged).
//
// A size prefix is checked before anything of that size is allocated: a negative one or
// one above the limit is an error that ends the stream.
//
// Small frames are staged in a fixed buffer, so many of them arrive in one read; the body
// of a large frame is read straight into the frame's own string, so it is not copied again.
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

namespace ringlog {

class FrameDecoder {
 public:
  // Frames whose size prefix is above `max_frame_bytes` are rejected.
  explicit FrameDecoder(int32_t max_frame_bytes);
  FrameDecoder(const FrameDecoder&) = delete;
  FrameDecoder& operator=(const FrameDecoder&) = delete;

  // Where the next read should land. Not empty once Next() has returned nullopt.
  std::span<char> ReadBuffer();
  // `n` bytes were read into the span last returned by ReadBuffer().
  void Commit(size_t n);

  // The next whole frame (the bytes after its size prefix), or nullopt when more bytes are
  // needed. InvalidArgument for a negative size, TooLarge for one above the limit; the
  // stream is unusable after an error.
  Result<std::optional<std::string>> Next();

 private:
  static constexpr size_t kStagingBytes = 64 * 1024;
  // A frame body with at least this much left is read into the frame directly.
  static constexpr size_t kDirectReadMinBytes = 16 * 1024;

  const int32_t max_frame_bytes_;
  // Bytes read but not yet taken: staging_[begin_, end_).
  std::unique_ptr<char[]> staging_;
  size_t begin_ = 0;
  size_t end_ = 0;
  // The frame whose size prefix was taken; body_filled_ of its bytes are in.
  bool in_body_ = false;
  std::string body_;
  size_t body_filled_ = 0;
  // The last ReadBuffer() pointed into body_ rather than staging_.
  bool direct_read_ = false;
};

}  // namespace ringlog
