#include "engine/varint.h"

namespace ringlog {
namespace {

constexpr int kMaxVarlongBytes = 10;

uint64_t ZigZagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t ZigZagDecode(uint64_t v) { return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1)); }

}  // namespace

Result<int64_t> VarintReader::ReadVarlong() {
  uint64_t raw = 0;
  for (int i = 0; i < kMaxVarlongBytes; ++i) {
    if (pos_ >= bytes_.size()) return Status::Corruption("varint runs past the end of the data");
    uint8_t b = bytes_[pos_++];
    // The tenth byte holds bit 63 alone; anything more does not fit 64 bits.
    if (i == kMaxVarlongBytes - 1 && b > 1) return Status::Corruption("varint overflows 64 bits");
    raw |= static_cast<uint64_t>(b & 0x7F) << (7 * i);
    if ((b & 0x80) == 0) return ZigZagDecode(raw);
  }
  return Status::Corruption("varint longer than 10 bytes");
}

Result<int32_t> VarintReader::ReadVarint() {
  ASSIGN_OR_RETURN(int64_t v, ReadVarlong());
  if (v < INT32_MIN || v > INT32_MAX) return Status::Corruption("varint does not fit 32 bits");
  return static_cast<int32_t>(v);
}

Result<std::span<const uint8_t>> VarintReader::ReadBytes(size_t n) {
  if (n > remaining()) {
    return Status::Corruption("field of " + std::to_string(n) + " bytes runs past the data");
  }
  auto out = bytes_.subspan(pos_, n);
  pos_ += n;
  return out;
}

void AppendVarlong(std::string* out, int64_t value) {
  uint64_t v = ZigZagEncode(value);
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

size_t VarlongSize(int64_t value) {
  uint64_t v = ZigZagEncode(value);
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

}  // namespace ringlog
