#include "engine/uuid.h"

#include <random>

namespace ringlog {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int DecodeChar(char c) {
  const size_t at = kAlphabet.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

}  // namespace

Uuid Uuid::Random() {
  std::random_device source;
  Uuid id;
  do {
    for (size_t i = 0; i < id.bytes.size(); i += 4) {
      const uint32_t word = source();
      for (size_t j = 0; j < 4; ++j) id.bytes[i + j] = static_cast<uint8_t>(word >> (8 * j));
    }
    id.bytes[6] = static_cast<uint8_t>((id.bytes[6] & 0x0f) | 0x40);  // version 4
    id.bytes[8] = static_cast<uint8_t>((id.bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  } while (id.IsZero());
  return id;
}

std::string Uuid::ToString() const {
  std::string out;
  out.reserve(22);
  uint32_t acc = 0;
  int bits = 0;
  for (uint8_t b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 0x3f]);
  return out;
}

std::optional<Uuid> Uuid::Parse(std::string_view text) {
  if (text.size() != 22) return std::nullopt;
  Uuid id;
  uint32_t acc = 0;
  int bits = 0;
  size_t next = 0;
  for (char c : text) {
    const int v = DecodeChar(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (next == id.bytes.size()) return std::nullopt;
      id.bytes[next++] = static_cast<uint8_t>(acc >> bits);
    }
  }
  // 22 characters carry 132 bits: the last 4 must be zero for the text to be canonical.
  if (next != id.bytes.size() || (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return id;
}

}  // namespace ringlog
