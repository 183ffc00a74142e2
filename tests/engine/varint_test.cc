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
    Result<int64_t> got = in.ReadVarlong();
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, v);
  }
  EXPECT_EQ(in.remaining(), 0u);
  EXPECT_EQ(in.position(), buf.size());
  EXPECT_EQ(VarlongSize(std::numeric_limits<int64_t>::min()), 10u);
}

TEST(VarintTest, ReadVarintChecks32BitRange) {
  std::string buf;
  AppendVarlong(&buf, std::numeric_limits<int32_t>::min());
  AppendVarlong(&buf, std::numeric_limits<int32_t>::max());
  AppendVarlong(&buf, int64_t{1} << 31);
  VarintReader in(Bytes(buf));
  EXPECT_EQ(*in.ReadVarint(), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(*in.ReadVarint(), std::numeric_limits<int32_t>::max());
  EXPECT_TRUE(in.ReadVarint().status().IsCorruption());
}

TEST(VarintTest, TruncatedAndOverlongAreCorruption) {
  EXPECT_TRUE(VarintReader({}).ReadVarlong().status().IsCorruption());
  const std::string truncated = "\x80\x80";
  EXPECT_TRUE(VarintReader(Bytes(truncated)).ReadVarlong().status().IsCorruption());
  const std::string eleven(11, '\x80');
  EXPECT_TRUE(VarintReader(Bytes(eleven)).ReadVarlong().status().IsCorruption());
  // Ten bytes whose last carries more than bit 63.
  const std::string overflow = std::string(9, '\xff') + "\x02";
  EXPECT_TRUE(VarintReader(Bytes(overflow)).ReadVarlong().status().IsCorruption());
  const std::string max_ten = std::string(9, '\xff') + "\x01";
  EXPECT_TRUE(VarintReader(Bytes(max_ten)).ReadVarlong().ok());
}

TEST(VarintTest, ReadBytes) {
  const std::string buf = "abcdef";
  VarintReader in(Bytes(buf));
  Result<std::span<const uint8_t>> first = in.ReadBytes(2);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0], 'a');
  EXPECT_EQ(in.position(), 2u);
  EXPECT_TRUE(in.ReadBytes(5).status().IsCorruption());
  EXPECT_EQ(in.position(), 2u);  // a failed read consumes nothing
  EXPECT_TRUE(in.ReadBytes(4).ok());
  EXPECT_TRUE(in.ReadBytes(0).ok());
  EXPECT_EQ(in.remaining(), 0u);
}

}  // namespace
}  // namespace ringlog
