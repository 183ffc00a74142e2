#include "engine/log/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace ringlog {
namespace {

constexpr uint32_t kPolynomial = 0x82F63B78;  // Castagnoli, bit-reflected

// Slicing-by-8 tables: table[k][b] is the CRC of byte b followed by k zero bytes.
using Tables = std::array<std::array<uint32_t, 256>, 8>;

constexpr Tables MakeTables() {
  Tables t{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t crc = b;
    for (int i = 0; i < 8; ++i) crc = (crc >> 1) ^ ((crc & 1) ? kPolynomial : 0);
    t[0][b] = crc;
  }
  for (uint32_t b = 0; b < 256; ++b) {
    for (int k = 1; k < 8; ++k) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xFF];
  }
  return t;
}

constexpr Tables kTables = MakeTables();

uint32_t LoadLE32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;  // x86 and every platform Debian builds this for here are little-endian
}

// Shifting a CRC register over zero bytes is linear over GF(2), so the register after
// `a || b` is shift(register after a, |b|) ^ (register of b started from 0). That lets
// three independent streams share the crc32 instruction's pipeline (latency 3, one per
// cycle) and be combined at the end of each round.

// a * b modulo the polynomial, both bit-reflected (x^0 is the top bit).
constexpr uint32_t MulModP(uint32_t a, uint32_t b) {
  uint32_t product = 0;
  for (uint32_t m = 1u << 31; m != 0; m >>= 1) {
    if (a & m) product ^= b;
    b = (b & 1) ? (b >> 1) ^ kPolynomial : b >> 1;
  }
  return product;
}

// x^(8 * n) modulo the polynomial: the factor that moves a register over n zero bytes.
constexpr uint32_t XPow8n(uint64_t n) {
  uint32_t result = 1u << 31;  // x^0
  uint32_t square = 1u << 23;  // x^8
  for (; n != 0; n >>= 1) {
    if (n & 1) result = MulModP(square, result);
    square = MulModP(square, square);
  }
  return result;
}

// shift[k][b]: byte b at byte position k of a register, moved over `n` zero bytes.
using ShiftTable = std::array<std::array<uint32_t, 256>, 4>;

constexpr ShiftTable MakeShiftTable(uint64_t n) {
  ShiftTable t{};
  const uint32_t factor = XPow8n(n);
  for (uint32_t k = 0; k < 4; ++k) {
    for (uint32_t b = 0; b < 256; ++b) t[k][b] = MulModP(factor, b << (8 * k));
  }
  return t;
}

constexpr size_t kStreamBytes = 1024;  // per stream and round: 3 KiB a round
constexpr ShiftTable kShiftOne = MakeShiftTable(kStreamBytes);
constexpr ShiftTable kShiftTwo = MakeShiftTable(2 * kStreamBytes);

constexpr uint32_t Shift(const ShiftTable& t, uint32_t crc) {
  return t[0][crc & 0xFF] ^ t[1][(crc >> 8) & 0xFF] ^ t[2][(crc >> 16) & 0xFF] ^ t[3][crc >> 24];
}

static_assert(Shift(kShiftOne, 1u << 31) == XPow8n(kStreamBytes));

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

// Raw register update (no pre/post inversion).
__attribute__((target("sse4.2"))) uint32_t Crc32cSse42(uint32_t crc, const uint8_t* p, size_t n) {
  while (n >= 3 * kStreamBytes) {
    uint64_t a = crc;
    uint64_t b = 0;
    uint64_t c = 0;
    for (size_t i = 0; i < kStreamBytes; i += 8) {
      a = _mm_crc32_u64(a, Load64(p + i));
      b = _mm_crc32_u64(b, Load64(p + kStreamBytes + i));
      c = _mm_crc32_u64(c, Load64(p + 2 * kStreamBytes + i));
    }
    crc = Shift(kShiftTwo, static_cast<uint32_t>(a)) ^ Shift(kShiftOne, static_cast<uint32_t>(b)) ^
          static_cast<uint32_t>(c);
    p += 3 * kStreamBytes;
    n -= 3 * kStreamBytes;
  }
  uint64_t c = crc;
  while (n >= 8) {
    c = _mm_crc32_u64(c, Load64(p));
    p += 8;
    n -= 8;
  }
  auto c32 = static_cast<uint32_t>(c);
  while (n-- > 0) c32 = _mm_crc32_u8(c32, *p++);
  return c32;
}

bool CpuHasSse42() {
  static const bool has = __builtin_cpu_supports("sse4.2");
  return has;
}
#endif

}  // namespace

uint32_t Crc32cPortable(uint32_t crc, std::span<const uint8_t> data) {
  const uint8_t* p = data.data();
  size_t n = data.size();
  uint32_t c = ~crc;
  while (n >= 8) {
    uint32_t lo = LoadLE32(p) ^ c;
    uint32_t hi = LoadLE32(p + 4);
    c = kTables[7][lo & 0xFF] ^ kTables[6][(lo >> 8) & 0xFF] ^ kTables[5][(lo >> 16) & 0xFF] ^
        kTables[4][lo >> 24] ^ kTables[3][hi & 0xFF] ^ kTables[2][(hi >> 8) & 0xFF] ^
        kTables[1][(hi >> 16) & 0xFF] ^ kTables[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) c = (c >> 8) ^ kTables[0][(c ^ *p++) & 0xFF];
  return ~c;
}

uint32_t Crc32c(uint32_t crc, std::span<const uint8_t> data) {
#if defined(__x86_64__)
  if (CpuHasSse42()) return ~Crc32cSse42(~crc, data.data(), data.size());
#endif
  return Crc32cPortable(crc, data);
}

bool Crc32cIsHardwareAccelerated() {
#if defined(__x86_64__)
  return CpuHasSse42();
#else
  return false;
#endif
}

}  // namespace ringlog
