#include "engine/log/offset_index.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/big_endian.h"
#include "engine/log/format.h"

namespace ringlog {
namespace {

// Base 1000; entries (1000,0) (1010,500) (1020,1000) (1030,1500).
OffsetIndex MakeIndex() {
  OffsetIndex index(1000);
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(index.Append(1000 + 10 * i, static_cast<uint32_t>(500 * i)).ok());
  }
  return index;
}

TEST(OffsetIndexTest, EmptyLookupsGiveSegmentStart) {
  OffsetIndex index(42);
  EXPECT_EQ(index.entries(), 0u);
  EXPECT_EQ(index.Lookup(42), (IndexEntry{42, 0}));
  EXPECT_EQ(index.Lookup(1000000), (IndexEntry{42, 0}));
  EXPECT_EQ(index.LookupPosition(12345), (IndexEntry{42, 0}));
}

TEST(OffsetIndexTest, LookupFindsFloorEntry) {
  const OffsetIndex index = MakeIndex();
  EXPECT_EQ(index.Lookup(999), (IndexEntry{1000, 0}));  // below every entry
  EXPECT_EQ(index.Lookup(1000), (IndexEntry{1000, 0}));
  EXPECT_EQ(index.Lookup(1009), (IndexEntry{1000, 0}));
  EXPECT_EQ(index.Lookup(1010), (IndexEntry{1010, 500}));
  EXPECT_EQ(index.Lookup(1029), (IndexEntry{1020, 1000}));
  EXPECT_EQ(index.Lookup(1030), (IndexEntry{1030, 1500}));
  EXPECT_EQ(index.Lookup(INT64_MAX), (IndexEntry{1030, 1500}));
}

TEST(OffsetIndexTest, LookupBelowFirstEntryGivesSegmentStart) {
  OffsetIndex index(100);
  ASSERT_TRUE(index.Append(150, 4096).ok());
  EXPECT_EQ(index.Lookup(120), (IndexEntry{100, 0}));
  EXPECT_EQ(index.Lookup(150), (IndexEntry{150, 4096}));
  EXPECT_EQ(index.LookupPosition(4095), (IndexEntry{100, 0}));
  EXPECT_EQ(index.LookupPosition(4096), (IndexEntry{150, 4096}));
}

TEST(OffsetIndexTest, LookupPositionFindsFloorEntry) {
  const OffsetIndex index = MakeIndex();
  EXPECT_EQ(index.LookupPosition(0), (IndexEntry{1000, 0}));
  EXPECT_EQ(index.LookupPosition(499), (IndexEntry{1000, 0}));
  EXPECT_EQ(index.LookupPosition(500), (IndexEntry{1010, 500}));
  EXPECT_EQ(index.LookupPosition(UINT32_MAX), (IndexEntry{1030, 1500}));
}

TEST(OffsetIndexTest, AppendRejectsNonAscendingAndOutOfRange) {
  OffsetIndex index = MakeIndex();
  EXPECT_TRUE(index.Append(1030, 2000).IsInvalidArgument());  // same offset
  EXPECT_TRUE(index.Append(1025, 2000).IsInvalidArgument());  // lower offset
  EXPECT_TRUE(index.Append(1040, 1500).IsInvalidArgument());  // same position
  EXPECT_TRUE(index.Append(1040, 100).IsInvalidArgument());   // lower position
  EXPECT_TRUE(index.Append(1000 + (1ll << 32), 3000).IsInvalidArgument());
  EXPECT_TRUE(OffsetIndex(1000).Append(999, 0).IsInvalidArgument());  // below base
  EXPECT_EQ(index.entries(), 4u);
  EXPECT_TRUE(index.Append(1000 + static_cast<Offset>(UINT32_MAX), 3000)
                  .ok());  // the largest relative offset
  EXPECT_EQ(index.Lookup(INT64_MAX).offset, 1000 + static_cast<Offset>(UINT32_MAX));
}

TEST(OffsetIndexTest, TruncateDropsEntriesAtOrAbove) {
  OffsetIndex index = MakeIndex();
  index.TruncateTo(1021);
  ASSERT_EQ(index.entries(), 3u);
  EXPECT_EQ(index.Lookup(2000), (IndexEntry{1020, 1000}));
  index.TruncateTo(1020);
  ASSERT_EQ(index.entries(), 2u);
  EXPECT_EQ(index.Lookup(2000), (IndexEntry{1010, 500}));
  index.TruncateTo(5000);  // above every entry: nothing changes
  EXPECT_EQ(index.entries(), 2u);
  index.TruncateTo(0);
  EXPECT_EQ(index.entries(), 0u);
  // Appends continue after a truncation, from the new end.
  EXPECT_TRUE(index.Append(1005, 100).ok());
  EXPECT_EQ(index.Lookup(1007), (IndexEntry{1005, 100}));
}

TEST(OffsetIndexTest, EncodeLayoutMatchesFormat) {
  const OffsetIndex index = MakeIndex();
  const std::string image = index.Encode(2000);
  ASSERT_EQ(image.size(), kIndexFileHeaderSize + 4 * kOffsetIndexEntrySize);
  const auto* p = reinterpret_cast<const uint8_t*>(image.data());
  EXPECT_EQ(LoadBigEndian<uint32_t>(p), kOffsetIndexMagic);
  EXPECT_EQ(p[4], kIndexFormatVersion);
  EXPECT_EQ(p[5] | p[6] | p[7], 0);
  EXPECT_EQ(LoadBigEndian<uint64_t>(p + 8), 2000u);
  // Third entry: relative offset 20, position 1000.
  EXPECT_EQ(LoadBigEndian<uint32_t>(p + 16 + 2 * 8), 20u);
  EXPECT_EQ(LoadBigEndian<uint32_t>(p + 16 + 2 * 8 + 4), 1000u);
}

TEST(OffsetIndexTest, EncodeDecodeRoundTrip) {
  const OffsetIndex index = MakeIndex();
  Result<OffsetIndex> decoded = OffsetIndex::Decode(1000, index.Encode(2000), 2000);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->base_offset(), 1000);
  EXPECT_EQ(decoded->all(), index.all());

  Result<OffsetIndex> empty = OffsetIndex::Decode(7, OffsetIndex(7).Encode(0), 0);
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(empty->entries(), 0u);
}

TEST(OffsetIndexTest, DecodeRejectsDamage) {
  const std::string good = MakeIndex().Encode(2000);
  auto decode = [](const std::string& image, uint64_t log_bytes = 2000) {
    return OffsetIndex::Decode(1000, image, log_bytes).status();
  };
  auto patched = [&good](size_t pos, uint8_t byte) {
    std::string s = good;
    s[pos] = static_cast<char>(byte);
    return s;
  };
  ASSERT_TRUE(decode(good).ok());
  EXPECT_TRUE(decode("").IsCorruption());
  EXPECT_TRUE(decode(good.substr(0, kIndexFileHeaderSize - 1)).IsCorruption());  // short
  EXPECT_TRUE(decode(good.substr(0, good.size() - 3)).IsCorruption());           // torn entry
  EXPECT_TRUE(decode(patched(0, 0xFF)).IsCorruption());                          // magic
  EXPECT_TRUE(decode(patched(4, kIndexFormatVersion + 1)).IsCorruption());       // version
  EXPECT_TRUE(decode(patched(6, 1)).IsCorruption());                             // reserved
  EXPECT_TRUE(decode(good, 2001).IsCorruption());                                // stale
  EXPECT_TRUE(decode(good, 1500).IsCorruption());  // stale, and a position past the end
  // The time index's image is not an offset index.
  std::string foreign = good;
  StoreBigEndian<uint32_t>(reinterpret_cast<uint8_t*>(foreign.data()), kTimeIndexMagic);
  EXPECT_TRUE(decode(foreign).IsCorruption());
  // Entries out of order: swap the relative offsets of entries 1 and 2.
  std::string disordered = good;
  auto* p = reinterpret_cast<uint8_t*>(disordered.data()) + kIndexFileHeaderSize;
  StoreBigEndian<uint32_t>(p + 8, 20);
  StoreBigEndian<uint32_t>(p + 16, 10);
  EXPECT_TRUE(decode(disordered).IsCorruption());
  // A position at or past the end of the log it claims to cover.
  OffsetIndex far(0);
  ASSERT_TRUE(far.Append(5, 100).ok());
  EXPECT_TRUE(OffsetIndex::Decode(0, far.Encode(100), 100).status().IsCorruption());
  EXPECT_TRUE(OffsetIndex::Decode(0, far.Encode(101), 101).ok());
}

}  // namespace
}  // namespace ringlog
