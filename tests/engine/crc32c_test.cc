#include "engine/log/crc32c.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string_view>
#include <vector>

namespace ringlog {
namespace {

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(Crc32cTest, KnownAnswers) {
  EXPECT_EQ(Crc32c(Bytes("")), 0u);
  EXPECT_EQ(Crc32c(Bytes("123456789")), 0xE3069283u);
  EXPECT_EQ(Crc32c(Bytes("a")), 0xC1D04330u);
  // RFC 3720 (iSCSI) B.4 test patterns.
  std::vector<uint8_t> buf(32, 0x00);
  EXPECT_EQ(Crc32c(buf), 0x8A9136AAu);
  std::fill(buf.begin(), buf.end(), 0xFF);
  EXPECT_EQ(Crc32c(buf), 0x62A8AB43u);
  for (size_t i = 0; i < 32; ++i) buf[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(Crc32c(buf), 0x46DD794Eu);
  for (size_t i = 0; i < 32; ++i) buf[i] = static_cast<uint8_t>(31 - i);
  EXPECT_EQ(Crc32c(buf), 0x113FDB5Cu);
}

TEST(Crc32cTest, PortableKnownAnswers) {
  EXPECT_EQ(Crc32cPortable(0, Bytes("123456789")), 0xE3069283u);
  const std::vector<uint8_t> zeros(32, 0);
  EXPECT_EQ(Crc32cPortable(0, zeros), 0x8A9136AAu);
}

TEST(Crc32cTest, HardwareMatchesPortableOnEveryLengthAndAlignment) {
  std::mt19937 rng(12345);
  std::vector<uint8_t> buf(300 + 16);
  for (uint8_t& b : buf) b = static_cast<uint8_t>(rng());
  for (size_t start = 0; start < 8; ++start) {
    for (size_t len = 0; len <= 300; ++len) {
      const std::span<const uint8_t> data(buf.data() + start, len);
      ASSERT_EQ(Crc32c(data), Crc32cPortable(0, data)) << "start " << start << " len " << len;
      ASSERT_EQ(Crc32c(0xDEADBEEF, data), Crc32cPortable(0xDEADBEEF, data))
          << "start " << start << " len " << len;
    }
  }
}

// Long inputs take the three-stream path, which combines partial CRCs; lengths around each
// round boundary (3 KiB) and odd alignments exercise every seam of it.
TEST(Crc32cTest, HardwareMatchesPortableOnLongInputs) {
  std::mt19937 rng(54321);
  std::vector<uint8_t> buf((64 << 10) + 16);
  for (uint8_t& b : buf) b = static_cast<uint8_t>(rng());
  for (size_t len : {3071, 3072, 3073, 6143, 6144, 6151, 9216, 40000, 65536}) {
    for (size_t start : {0, 3, 8}) {
      const std::span<const uint8_t> data(buf.data() + start, len);
      ASSERT_EQ(Crc32c(data), Crc32cPortable(0, data)) << "start " << start << " len " << len;
      ASSERT_EQ(Crc32c(0x12345678, data), Crc32cPortable(0x12345678, data))
          << "start " << start << " len " << len;
    }
  }
}

TEST(Crc32cTest, ExtendingEqualsWhole) {
  std::mt19937 rng(7);
  std::vector<uint8_t> buf(1000);
  for (uint8_t& b : buf) b = static_cast<uint8_t>(rng());
  const std::span<const uint8_t> all(buf);
  const uint32_t whole = Crc32c(all);
  for (size_t split : {0, 1, 7, 8, 9, 63, 500, 999, 1000}) {
    EXPECT_EQ(Crc32c(Crc32c(all.first(split)), all.subspan(split)), whole) << split;
    EXPECT_EQ(Crc32cPortable(Crc32cPortable(0, all.first(split)), all.subspan(split)), whole)
        << split;
  }
}

TEST(Crc32cTest, DetectsSingleBitFlips) {
  std::vector<uint8_t> buf(64, 0x5A);
  const uint32_t before = Crc32c(buf);
  for (size_t bit = 0; bit < buf.size() * 8; ++bit) {
    buf[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_NE(Crc32c(buf), before) << bit;
    buf[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  }
}

TEST(Crc32cTest, ReportsAcceleration) {
#if defined(__x86_64__)
  EXPECT_EQ(Crc32cIsHardwareAccelerated(), __builtin_cpu_supports("sse4.2") != 0);
#else
  EXPECT_FALSE(Crc32cIsHardwareAccelerated());
#endif
}

}  // namespace
}  // namespace ringlog
