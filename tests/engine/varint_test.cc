#include "engine/varint.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace ringlog {
namespace {

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(VarintTest, ZigZagEncodings) {
  const std::vector<std::pair<int64_t, std::string>> cases = {
      {0, std::string("\x00", 1)},
      {-1, "\x01"},
      {1, "\x02"},
      {-2, "\x03"},
      {63, "\x7e"},
      {-64, "\x7f"},
      {64, "\x80\x01"},
      {300, "\xd8\x04"},
  };
  for (const auto& [value, encoded] : cases) {
    std::string out;
    AppendVarlong(&out, value);
    EXPECT_EQ(out, encoded) << value;
    EXPECT_EQ(VarlongSize(value), encoded.size()) << value;
  }
}

TEST(VarintTest, RoundTripsEdgeValues) {
  const int64_t values[] = {0,
                            1,
                            -1,
                            127,
                            128,
                            -129,
                            std::numeric_limits<int32_t>::max(),
                            std::numeric_limits<int32_t>::min(),
                            std::numeric_limits<int64_t>::max(),
                            std::numeric_limits<int64_t>::min()};
  std::string buf;
  for (int64_t v : values) AppendVarlong(&buf, v);
  VarintReader in(Bytes(buf));
  for (int64_t v : values) {
    int64_t got = 0;
    ASSERT_TRUE(in.ReadVarlong(&got)) << in.error().ToString();
    EXPECT_EQ(got, v);
  }
  EXPECT_EQ(in.remaining(), 0u);
  EXPECT_EQ(in.position(), buf.size());
  EXPECT_TRUE(in.error().ok());
  EXPECT_EQ(VarlongSize(std::numeric_limits<int64_t>::min()), 10u);
}

TEST(VarintTest, ReadVarintChecks32BitRange) {
  std::string buf;
  AppendVarlong(&buf, std::numeric_limits<int32_t>::min());
  AppendVarlong(&buf, std::numeric_limits<int32_t>::max());
  AppendVarlong(&buf, int64_t{1} << 31);
  VarintReader in(Bytes(buf));
  int32_t got = 0;
  ASSERT_TRUE(in.ReadVarint(&got));
  EXPECT_EQ(got, std::numeric_limits<int32_t>::min());
  ASSERT_TRUE(in.ReadVarint(&got));
  EXPECT_EQ(got, std::numeric_limits<int32_t>::max());
  EXPECT_FALSE(in.ReadVarint(&got));
  EXPECT_TRUE(in.error().IsCorruption());
}

// Whether reading one varlong from `bytes` fails with Corruption.
bool VarlongIsCorrupt(const std::string& bytes) {
  VarintReader in(Bytes(bytes));
  int64_t v;
  return !in.ReadVarlong(&v) && in.error().IsCorruption();
}

TEST(VarintTest, TruncatedAndOverlongAreCorruption) {
  EXPECT_TRUE(VarlongIsCorrupt(""));
  EXPECT_TRUE(VarlongIsCorrupt("\x80\x80"));
  EXPECT_TRUE(VarlongIsCorrupt(std::string(11, '\x80')));
  // Ten bytes whose last carries more than bit 63.
  EXPECT_TRUE(VarlongIsCorrupt(std::string(9, '\xff') + "\x02"));
  EXPECT_FALSE(VarlongIsCorrupt(std::string(9, '\xff') + "\x01"));
}

TEST(VarintTest, ReadBytes) {
  const std::string buf = "abcdef";
  VarintReader in(Bytes(buf));
  std::span<const uint8_t> got;
  ASSERT_TRUE(in.ReadBytes(2, &got));
  EXPECT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], 'a');
  EXPECT_EQ(in.position(), 2u);
  EXPECT_FALSE(in.ReadBytes(5, &got));
  EXPECT_TRUE(in.error().IsCorruption());
  EXPECT_EQ(in.position(), 2u);  // a failed read consumes nothing
  EXPECT_TRUE(in.ReadBytes(4, &got));
  EXPECT_TRUE(in.ReadBytes(0, &got));
  EXPECT_EQ(in.remaining(), 0u);
  // The first failure is the one reported.
  EXPECT_NE(in.error().ToString().find("5 bytes"), std::string::npos) << in.error().ToString();
}

}  // namespace
}  // namespace ringlog
