// The committed-offset record format: round trips, null metadata, and the refusals of
// truncated, oversized and unknown-version records.
#include "engine/group/offset_record.h"

#include <gtest/gtest.h>

#include <string>

namespace ringlog::testing {
namespace {

TEST(OffsetRecordTest, KeysRoundTrip) {
  const OffsetKey key{"my-group", PartitionId{"orders", 17}};
  Result<OffsetKey> decoded = DecodeOffsetKey(EncodeOffsetKey(key));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, key);
}

TEST(OffsetRecordTest, ValuesRoundTripWithAndWithoutMetadata) {
  for (const CommittedOffset& value :
       {CommittedOffset{12345678901, 7, std::string("meta\0data", 9), 1700000000000},
        CommittedOffset{0, -1, std::nullopt, 0}, CommittedOffset{-1, -1, std::string(), 5}}) {
    Result<CommittedOffset> decoded = DecodeOffsetValue(EncodeOffsetValue(value));
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(*decoded, value);
  }
}

TEST(OffsetRecordTest, MalformedRecordsAreRefused) {
  const std::string key = EncodeOffsetKey(OffsetKey{"g", PartitionId{"t", 1}});
  const std::string value = EncodeOffsetValue(CommittedOffset{1, 2, std::string("m"), 3});
  for (size_t cut = 0; cut < key.size(); ++cut) {
    EXPECT_TRUE(DecodeOffsetKey(key.substr(0, cut)).status().IsCorruption()) << cut;
  }
  for (size_t cut = 0; cut < value.size(); ++cut) {
    EXPECT_TRUE(DecodeOffsetValue(value.substr(0, cut)).status().IsCorruption()) << cut;
  }
  EXPECT_TRUE(DecodeOffsetKey(key + "x").status().IsCorruption());
  EXPECT_TRUE(DecodeOffsetValue(value + "x").status().IsCorruption());
  std::string future = key;
  future[1] = 9;
  EXPECT_TRUE(DecodeOffsetKey(future).status().IsNotSupported());
}

}  // namespace
}  // namespace ringlog::testing
