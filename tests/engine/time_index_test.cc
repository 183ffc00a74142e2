#include "engine/log/time_index.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/big_endian.h"
#include "engine/log/format.h"

namespace ringlog {
namespace {

// Base 500; entries (100,500) (200,510) (300,530).
TimeIndex MakeIndex() {
  TimeIndex index(500);
  EXPECT_TRUE(index.Append(100, 500).ok());
  EXPECT_TRUE(index.Append(200, 510).ok());
  EXPECT_TRUE(index.Append(300, 530).ok());
  return index;
}

TEST(TimeIndexTest, EmptyIndex) {
  const TimeIndex index(9);
  EXPECT_EQ(index.entries(), 0u);
  EXPECT_EQ(index.last_timestamp(), kNoTimestamp);
  EXPECT_EQ(index.Lookup(0), 9);
  EXPECT_EQ(index.Lookup(INT64_MAX), 9);
}

TEST(TimeIndexTest, LookupGivesLastEntryBelowTarget) {
  const TimeIndex index = MakeIndex();
  EXPECT_EQ(index.last_timestamp(), 300);
  EXPECT_EQ(index.Lookup(INT64_MIN), 500);
  EXPECT_EQ(index.Lookup(100), 500);  // nothing below 100: scan from the start
  EXPECT_EQ(index.Lookup(101), 500);
  EXPECT_EQ(index.Lookup(200), 500);  // the batch at 510 may be the first to reach 200
  EXPECT_EQ(index.Lookup(201), 510);
  EXPECT_EQ(index.Lookup(300), 510);
  EXPECT_EQ(index.Lookup(301), 530);
  EXPECT_EQ(index.Lookup(INT64_MAX), 530);
}

TEST(TimeIndexTest, AppendRejectsNonAscendingAndOutOfRange) {
  TimeIndex index = MakeIndex();
  EXPECT_TRUE(index.Append(300, 540).IsInvalidArgument());  // same timestamp
  EXPECT_TRUE(index.Append(250, 540).IsInvalidArgument());  // lower timestamp
  EXPECT_TRUE(index.Append(400, 530).IsInvalidArgument());  // same offset
  EXPECT_TRUE(index.Append(400, 520).IsInvalidArgument());  // lower offset
  EXPECT_TRUE(index.Append(400, 500 + (1ll << 32)).IsInvalidArgument());
  EXPECT_TRUE(TimeIndex(500).Append(1, 499).IsInvalidArgument());  // below base
  EXPECT_EQ(index.entries(), 3u);
  EXPECT_TRUE(index.Append(400, 540).ok());
  EXPECT_EQ(index.last_timestamp(), 400);
}

TEST(TimeIndexTest, TruncateDropsEntriesAtOrAboveOffset) {
  TimeIndex index = MakeIndex();
  index.TruncateTo(530);
  EXPECT_EQ(index.entries(), 2u);
  EXPECT_EQ(index.last_timestamp(), 200);
  EXPECT_EQ(index.Lookup(INT64_MAX), 510);
  index.TruncateTo(505);
  EXPECT_EQ(index.entries(), 1u);
  index.TruncateTo(500);
  EXPECT_EQ(index.entries(), 0u);
  EXPECT_EQ(index.last_timestamp(), kNoTimestamp);
  // After truncation the running maximum may be lower than before.
  EXPECT_TRUE(index.Append(50, 500).ok());
}

TEST(TimeIndexTest, EncodeLayoutAndRoundTrip) {
  const TimeIndex index = MakeIndex();
  const std::string image = index.Encode(777);
  ASSERT_EQ(image.size(), kIndexFileHeaderSize + 3 * kTimeIndexEntrySize);
  const auto* p = reinterpret_cast<const uint8_t*>(image.data());
  EXPECT_EQ(LoadBigEndian<uint32_t>(p), kTimeIndexMagic);
  EXPECT_EQ(p[4], kIndexFormatVersion);
  EXPECT_EQ(LoadBigEndian<uint64_t>(p + 8), 777u);
  EXPECT_EQ(LoadBigEndian<int64_t>(p + 16 + 12), 200);
  EXPECT_EQ(LoadBigEndian<uint32_t>(p + 16 + 12 + 8), 10u);

  Result<TimeIndex> decoded = TimeIndex::Decode(500, image, 777);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->all(), index.all());
  EXPECT_EQ(decoded->last_timestamp(), 300);
}

TEST(TimeIndexTest, DecodeRejectsDamage) {
  const std::string good = MakeIndex().Encode(777);
  auto decode = [](const std::string& image, uint64_t log_bytes = 777) {
    return TimeIndex::Decode(500, image, log_bytes).status();
  };
  ASSERT_TRUE(decode(good).ok());
  EXPECT_TRUE(decode(good.substr(0, 10)).IsCorruption());
  EXPECT_TRUE(decode(good.substr(0, good.size() - 1)).IsCorruption());
  EXPECT_TRUE(decode(good, 778).IsCorruption());
  std::string s = good;
  s[4] = static_cast<char>(kIndexFormatVersion + 1);
  EXPECT_TRUE(decode(s).IsCorruption());
  // An offset index image is refused.
  std::string foreign = good;
  StoreBigEndian<uint32_t>(reinterpret_cast<uint8_t*>(foreign.data()), kOffsetIndexMagic);
  EXPECT_TRUE(decode(foreign).IsCorruption());
  // Timestamps not ascending.
  std::string disordered = good;
  StoreBigEndian<int64_t>(reinterpret_cast<uint8_t*>(disordered.data()) + 16 + 12, 50);
  EXPECT_TRUE(decode(disordered).IsCorruption());
}

}  // namespace
}  // namespace ringlog
