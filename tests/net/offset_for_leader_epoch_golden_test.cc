// Known bytes of OffsetForLeaderEpoch v4 (flexible from v4), written out by hand from
// Kafka's schema, decoded and encoded by the generated codec; and v0, which has neither the
// replica id, the current leader epoch nor the epoch of the answer.
#include <gtest/gtest.h>

#include <string>

#include "net/codec/offset_for_leader_epoch_codec.h"
#include "tests/net/codec_test_util.h"

namespace ringlog {
namespace {

using testing::AsBytes;
using testing::EncodeWith;
using testing::Hex;

TEST(OffsetForLeaderEpochGoldenTest, RequestV4) {
  const std::string bytes =
      Hex("00 00 00 02"  // replica_id 2 (a follower)
          "02"           // one topic (compact array: n + 1)
          "02 74"        // topic "t"
          "03"           // two partitions
          "00 00 00 00"  // partition 0
          "00 00 00 05"  // current_leader_epoch 5
          "00 00 00 03"  // leader_epoch 3
          "00"           // the partition's tagged fields
          "00 00 00 01"  // partition 1
          "ff ff ff ff"  // current_leader_epoch -1 (no check)
          "00 00 00 04"  // leader_epoch 4
          "00"           // the partition's tagged fields
          "00"           // the topic's tagged fields
          "00");         // tagged fields
  WireReader reader(AsBytes(bytes));
  Result<OffsetForLeaderEpochRequest> request = DecodeOffsetForLeaderEpochRequest(reader, 4);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_TRUE(reader.at_end());
  OffsetForLeaderEpochRequest expected;
  expected.replica_id = 2;
  expected.topics.push_back({"t", {{0, 5, 3}, {1, -1, 4}}});
  EXPECT_EQ(*request, expected);
  EXPECT_EQ(EncodeWith(&EncodeOffsetForLeaderEpochRequest, expected, 4), bytes);
}

TEST(OffsetForLeaderEpochGoldenTest, ResponseV4) {
  const std::string bytes =
      Hex("00 00 00 00"              // throttle_time_ms
          "02"                       // one topic
          "02 74"                    // topic "t"
          "03"                       // two partitions
          "00 00"                    // no error
          "00 00 00 00"              // partition 0
          "00 00 00 03"              // leader_epoch 3
          "00 00 00 00 00 00 00 64"  // end_offset 100
          "00"                       // the partition's tagged fields
          "00 4a"                    // FENCED_LEADER_EPOCH (74)
          "00 00 00 01"              // partition 1
          "ff ff ff ff"              // leader_epoch -1
          "ff ff ff ff ff ff ff ff"  // end_offset -1
          "00"                       // the partition's tagged fields
          "00"                       // the topic's tagged fields
          "00");                     // tagged fields
  WireReader reader(AsBytes(bytes));
  Result<OffsetForLeaderEpochResponse> response = DecodeOffsetForLeaderEpochResponse(reader, 4);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_TRUE(reader.at_end());
  OffsetForLeaderEpochResponse expected;
  expected.topics.push_back({"t", {{0, 0, 3, 100}, {74, 1, -1, -1}}});
  EXPECT_EQ(*response, expected);
  EXPECT_EQ(EncodeWith(&EncodeOffsetForLeaderEpochResponse, expected, 4), bytes);
}

TEST(OffsetForLeaderEpochGoldenTest, V0HasOnlyTheEpochAskedAndTheEndOffset) {
  OffsetForLeaderEpochRequest request;
  request.replica_id = 2;
  request.topics.push_back({"t", {{0, 5, 3}}});
  EXPECT_EQ(EncodeWith(&EncodeOffsetForLeaderEpochRequest, request, 0),
            Hex("00 00 00 01"     // one topic
                "00 01 74"        // topic "t"
                "00 00 00 01"     // one partition
                "00 00 00 00"     // partition 0
                "00 00 00 03"));  // leader_epoch 3
  OffsetForLeaderEpochResponse response;
  response.topics.push_back({"t", {{0, 0, 3, 100}}});
  EXPECT_EQ(EncodeWith(&EncodeOffsetForLeaderEpochResponse, response, 0),
            Hex("00 00 00 01"                 // one topic
                "00 01 74"                    // topic "t"
                "00 00 00 01"                 // one partition
                "00 00"                       // no error
                "00 00 00 00"                 // partition 0
                "00 00 00 00 00 00 00 64"));  // end_offset 100
}

}  // namespace
}  // namespace ringlog
