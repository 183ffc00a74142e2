// OutputBuffer: where a decoder writes, growing on demand up to a hard limit. The bytes
// are never zero-filled, and the memory is kept from one use to the next, so that
// decompressing batch after batch allocates only while the largest batch so far grows.
//
// Thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace ringlog {

class OutputBuffer {
 public:
  OutputBuffer() = default;
  OutputBuffer(const OutputBuffer&) = delete;
  OutputBuffer& operator=(const OutputBuffer&) = delete;

  // Empties the buffer and sets the most it may hold; the memory is kept.
  void Reset(size_t limit);

  // Makes free() at least `bytes` long, growing the memory (at least doubling it, never
  // past the limit). False, with nothing changed, when size() + bytes exceeds the limit.
  bool Reserve(size_t bytes);
  // Makes free() non-empty, growing as Reserve does. False when size() is the limit.
  bool Grow();

  // The written bytes, and the room after them for a decoder to write into, which never
  // reaches past the limit (the memory kept from an earlier use may).
  std::span<const uint8_t> data() const { return {bytes_.get(), size_}; }
  std::span<uint8_t> free() { return {bytes_.get() + size_, usable() - size_}; }
  // Counts `bytes` written at the start of free(). REQUIRES: bytes <= free().size().
  void Commit(size_t bytes);

  size_t size() const { return size_; }  // never above limit()
  size_t capacity() const { return capacity_; }
  size_t limit() const { return limit_; }

  // Frees the memory when more than `keep` bytes are held.
  void Trim(size_t keep);

 private:
  size_t usable() const { return capacity_ < limit_ ? capacity_ : limit_; }

  std::unique_ptr<uint8_t[]> bytes_;
  size_t size_ = 0;
  size_t capacity_ = 0;
  size_t limit_ = 0;
};

}  // namespace ringlog
