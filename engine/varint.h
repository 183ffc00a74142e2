// Zig-zag varints (protobuf style), used inside Kafka records and by the batch builder.
// The Kafka protocol's unsigned varints (flexible versions) live in net/, not here.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "engine/status.h"

namespace ringlog {

// Reads signed zig-zag varints and raw bytes from a buffer the caller keeps alive.
// Every read past the end or of an over-long varint is a Corruption error, never a crash.
class VarintReader {
 public:
  explicit VarintReader(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  Result<int64_t> ReadVarlong();  // up to 10 bytes
  Result<int32_t> ReadVarint();   // up to 5 bytes, must fit int32
  Result<std::span<const uint8_t>> ReadBytes(size_t n);

  size_t position() const { return pos_; }
  size_t remaining() const { return bytes_.size() - pos_; }

 private:
  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
};

// Appends the zig-zag varint encoding of `value` to `out`.
void AppendVarlong(std::string* out, int64_t value);
// The number of bytes AppendVarlong writes for `value`.
size_t VarlongSize(int64_t value);

}  // namespace ringlog
