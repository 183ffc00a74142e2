// The RocksDB backend's key and value encodings: order, round trips, damage detection.
#include "backends/rocksdb/rocksdb_format.h"

#include <gtest/gtest.h>

#include "engine/log/record_batch_builder.h"

namespace ringlog::rocksdb_format {
namespace {

TEST(RocksDbFormatTest, DataKeysSortByPartitionThenOffset) {
  EXPECT_LT(DataKey(1, 0), DataKey(1, 1));
  EXPECT_LT(DataKey(1, 255), DataKey(1, 256));
  EXPECT_LT(DataKey(1, (int64_t{1} << 40)), DataKey(2, 0));
  EXPECT_LT(DataKey(1, INT64_MAX), DataKeyEnd(1));
  EXPECT_LT(DataKeyEnd(1), DataKey(2, 0));
  EXPECT_EQ(DataKey(7, 0).size(), kDataKeySize);

  Result<Offset> offset = DecodeDataKey(7, DataKey(7, 123456789));
  ASSERT_TRUE(offset.ok());
  EXPECT_EQ(*offset, 123456789);
  EXPECT_TRUE(DecodeDataKey(8, DataKey(7, 1)).status().IsCorruption());
  EXPECT_TRUE(DecodeDataKey(7, "short").status().IsCorruption());
}

TEST(RocksDbFormatTest, TaggedKeysStayInTheirOwnRanges) {
  EXPECT_LT(SegmentKey(3, INT64_MAX), SegmentKeyEnd(3));
  EXPECT_LT(SegmentKeyEnd(3), SegmentKey(4, 0));
  EXPECT_LT(SegmentKeyEnd(UINT32_MAX), TimeKey(0, 0));
  EXPECT_LT(MetaKey("zzz"), PartitionKey({"", 0}));
  EXPECT_LT(PartitionKey({"zzz", 9}), SegmentKey(0, 0));

  Result<Offset> base = DecodeSegmentKey(3, SegmentKey(3, 42));
  ASSERT_TRUE(base.ok());
  EXPECT_EQ(*base, 42);
  EXPECT_TRUE(DecodeSegmentKey(3, TimeKey(3, 42)).status().IsCorruption());
  Result<Offset> time_offset = DecodeTimeKey(3, TimeKey(3, 43));
  ASSERT_TRUE(time_offset.ok());
  EXPECT_EQ(*time_offset, 43);
}

TEST(RocksDbFormatTest, PartitionKeysAndRecordsRoundTrip) {
  const PartitionId partition{"orders.v2_x-y", 17};
  Result<PartitionId> decoded = DecodePartitionKey(PartitionKey(partition));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, partition);
  EXPECT_TRUE(DecodePartitionKey("Pno-terminator").status().IsCorruption());

  Result<uint32_t> id = DecodePartitionRecord(EncodePartitionRecord(0xABCDEF01));
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, 0xABCDEF01u);
  EXPECT_TRUE(DecodePartitionRecord("xx").status().IsCorruption());
}

TEST(RocksDbFormatTest, SegmentRecordsRoundTripAndDetectDamage) {
  const SegmentRecord record{.next_offset = 1000,
                             .size_bytes = 1 << 20,
                             .max_timestamp = 1'700'000'000'123,
                             .sealed = true};
  const std::string encoded = EncodeSegmentRecord(record);
  ASSERT_EQ(encoded.size(), kSegmentRecordSize);
  Result<SegmentRecord> decoded = DecodeSegmentRecord(encoded);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, record);

  for (size_t i = 0; i < encoded.size(); ++i) {
    std::string damaged = encoded;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x10);
    EXPECT_TRUE(DecodeSegmentRecord(damaged).status().IsCorruption()) << "byte " << i;
  }
  EXPECT_TRUE(DecodeSegmentRecord(encoded.substr(1)).status().IsCorruption());
}

TEST(RocksDbFormatTest, MetaValuesCarryAChecksum) {
  Result<std::string> value = DecodeMetaValue(EncodeMetaValue("hello"));
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, "hello");
  Result<std::string> empty = DecodeMetaValue(EncodeMetaValue(""));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "");

  std::string damaged = EncodeMetaValue("hello");
  damaged.back() = 'X';
  EXPECT_TRUE(DecodeMetaValue(damaged).status().IsCorruption());
  EXPECT_TRUE(DecodeMetaValue("ab").status().IsCorruption());
}

TEST(RocksDbFormatTest, TimeValuesRoundTrip) {
  Result<TimestampMs> ts = DecodeTimeValue(EncodeTimeValue(-1));
  ASSERT_TRUE(ts.ok());
  EXPECT_EQ(*ts, -1);
  EXPECT_TRUE(DecodeTimeValue("1234567").status().IsCorruption());
}

TEST(RocksDbFormatTest, StoredBatchMustMatchItsKey) {
  BatchOptions options;
  options.base_offset = 10;
  const std::string batch = BuildUniformBatch(3, "value", 1000, options);
  Result<BatchHeader> header = DecodeStoredBatch(10, batch);
  ASSERT_TRUE(header.ok()) << header.status().ToString();
  EXPECT_EQ(header->next_offset(), 13);
  EXPECT_TRUE(DecodeStoredBatch(11, batch).status().IsCorruption());
  EXPECT_TRUE(DecodeStoredBatch(10, batch + "x").status().IsCorruption());
  EXPECT_TRUE(DecodeStoredBatch(10, batch.substr(0, 30)).status().IsCorruption());
}

TEST(RocksDbFormatTest, PrefixEndBoundsEveryKeyWithThePrefix) {
  EXPECT_EQ(PrefixEnd("M"), "N");
  EXPECT_EQ(PrefixEnd(std::string("a\xFF", 2)), "b");
  EXPECT_EQ(PrefixEnd(std::string("\xFF\xFF", 2)), "");
  EXPECT_LT(MetaKey("topic.zzz"), PrefixEnd(MetaKey("topic.")));
}

}  // namespace
}  // namespace ringlog::rocksdb_format
