// Zig-zag varints (protobuf style), used inside Kafka records and by the batch builder.
// The Kafka protocol's unsigned varints (flexible versions) live in net/, not here.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "engine/status.h"

namespace ringlog {

// Reads signed zig-zag varints and raw bytes from a buffer the caller keeps alive.
// A read past the end or of an over-long varint returns false, never crashes; error()
// then describes the first such failure as a Corruption. Reads return bool rather than
// Result and are inline because the produce path walks every record of every batch.
class VarintReader {
 public:
  explicit VarintReader(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  bool ReadVarlong(int64_t* out);  // up to 10 bytes
  bool ReadVarint(int32_t* out);   // up to 5 bytes, must fit int32
  bool ReadBytes(size_t n, std::span<const uint8_t>* out);

  // Corruption naming the first failed read; OK when none failed.
  Status error() const;

  size_t position() const { return pos_; }
  size_t remaining() const { return bytes_.size() - pos_; }

 private:
  enum class Failure : uint8_t { kNone, kPastEnd, kOverflow, kNotInt32, kBytesPastEnd };
  static constexpr int kMaxVarlongBytes = 10;

  bool Fail(Failure failure, size_t bytes = 0) {
    if (failure_ == Failure::kNone) {
      failure_ = failure;
      failed_bytes_ = bytes;
    }
    return false;
  }

  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
  Failure failure_ = Failure::kNone;
  size_t failed_bytes_ = 0;  // kBytesPastEnd: the length asked for
};

inline bool VarintReader::ReadVarlong(int64_t* out) {
  uint64_t raw = 0;
  for (int i = 0; i < kMaxVarlongBytes; ++i) {
    if (pos_ >= bytes_.size()) [[unlikely]]
      return Fail(Failure::kPastEnd);
    const uint8_t b = bytes_[pos_++];
    // The tenth byte holds bit 63 alone; anything more does not fit 64 bits.
    if (i == kMaxVarlongBytes - 1 && b > 1) [[unlikely]]
      return Fail(Failure::kOverflow);
    raw |= static_cast<uint64_t>(b & 0x7F) << (7 * i);
    if ((b & 0x80) == 0) {
      *out = static_cast<int64_t>((raw >> 1) ^ (~(raw & 1) + 1));
      return true;
    }
  }
  return Fail(Failure::kOverflow);  // not reached: the tenth byte ends it or overflows
}

inline bool VarintReader::ReadVarint(int32_t* out) {
  int64_t v;
  if (!ReadVarlong(&v)) return false;
  if (v < INT32_MIN || v > INT32_MAX) [[unlikely]]
    return Fail(Failure::kNotInt32);
  *out = static_cast<int32_t>(v);
  return true;
}

inline bool VarintReader::ReadBytes(size_t n, std::span<const uint8_t>* out) {
  if (n > remaining()) [[unlikely]]
    return Fail(Failure::kBytesPastEnd, n);
  *out = bytes_.subspan(pos_, n);
  pos_ += n;
  return true;
}

// Appends the zig-zag varint encoding of `value` to `out`.
void AppendVarlong(std::string* out, int64_t value);
// The number of bytes AppendVarlong writes for `value`.
size_t VarlongSize(int64_t value);

}  // namespace ringlog
