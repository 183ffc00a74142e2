// Big-endian (network order) loads and stores: Kafka's wire and batch formats and our
// index files all use them.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace ringlog {

namespace internal {
inline uint16_t ByteSwap(uint16_t v) { return __builtin_bswap16(v); }
inline uint32_t ByteSwap(uint32_t v) { return __builtin_bswap32(v); }
inline uint64_t ByteSwap(uint64_t v) { return __builtin_bswap64(v); }
}  // namespace internal

template <typename T>
inline T LoadBigEndian(const uint8_t* p) {
  static_assert(std::is_integral_v<T>);
  std::make_unsigned_t<T> v;
  std::memcpy(&v, p, sizeof(v));
  if constexpr (std::endian::native == std::endian::little && sizeof(T) > 1) {
    v = internal::ByteSwap(v);
  }
  return static_cast<T>(v);
}

template <typename T>
inline void StoreBigEndian(uint8_t* p, T value) {
  static_assert(std::is_integral_v<T>);
  auto v = static_cast<std::make_unsigned_t<T>>(value);
  if constexpr (std::endian::native == std::endian::little && sizeof(T) > 1) {
    v = internal::ByteSwap(v);
  }
  std::memcpy(p, &v, sizeof(v));
}

}  // namespace ringlog
