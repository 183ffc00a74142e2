// Byte-exact layouts of the consumer-group messages at versions the generated codecs
// added, written out by hand from the Kafka JSON schemas: FindCoordinator's batch of keys
// (v4), OffsetFetch's batch of groups (v8, v9), SyncGroup's protocol type and name (v5)
// and ListGroups' type filter (v5). Each is decoded and checked field by field, and the
// decoded message encodes back to the same bytes.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "net/codec/find_coordinator_codec.h"
#include "net/codec/list_groups_codec.h"
#include "net/codec/offset_fetch_codec.h"
#include "net/codec/sync_group_codec.h"
#include "tests/net/codec_test_util.h"

namespace ringlog {
namespace {

using testing::DecodeWith;
using testing::EncodeWith;
using testing::Hex;

TEST(GroupFlexibleLayoutTest, FindCoordinatorV4AsksForABatchOfKeys) {
  // key_type, then a compact array of compact strings, then an empty tag section.
  const std::string request = Hex("00 03 02") + "a" + Hex("03") + "bc" + Hex("00");
  Result<FindCoordinatorRequest> decoded = DecodeWith(DecodeFindCoordinatorRequest, request, 4);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->key_type, kCoordinatorKeyGroup);
  EXPECT_EQ(decoded->coordinator_keys, (std::vector<std::string>{"a", "bc"}));
  EXPECT_EQ(decoded->key, "");
  EXPECT_EQ(EncodeWith(EncodeFindCoordinatorRequest, *decoded, 4), request);

  // One coordinator per key: a found one (null error message) and a refused one.
  const std::string response = Hex("00000000 03") +                                   //
                               Hex("02") + "a" + Hex("00000001 02") + "h" +           //
                               Hex("00002384 0000 00 00") +                           //
                               Hex("03") + "bc" + Hex("ffffffff 01 ffffffff 000f") +  //
                               Hex("02") + "x" + Hex("00 00");
  Result<FindCoordinatorResponse> answer = DecodeWith(DecodeFindCoordinatorResponse, response, 4);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  ASSERT_EQ(answer->coordinators.size(), 2u);
  EXPECT_EQ(answer->coordinators[0].key, "a");
  EXPECT_EQ(answer->coordinators[0].node_id, 1);
  EXPECT_EQ(answer->coordinators[0].host, "h");
  EXPECT_EQ(answer->coordinators[0].port, 9092);
  EXPECT_FALSE(answer->coordinators[0].error_message.has_value());
  EXPECT_EQ(answer->coordinators[1].key, "bc");
  EXPECT_EQ(answer->coordinators[1].node_id, -1);
  EXPECT_EQ(answer->coordinators[1].error_code, 15);
  EXPECT_EQ(answer->coordinators[1].error_message, "x");
  EXPECT_EQ(EncodeWith(EncodeFindCoordinatorResponse, *answer, 4), response);
}

TEST(GroupFlexibleLayoutTest, OffsetFetchV8AndV9AskForSeveralGroups) {
  // Group "g" with a null topic list (all topics), group "h" with t-0 and t-1.
  const std::string group_h_topics = Hex("02 02") + "t" + Hex("03 00000000 00000001 00");
  const std::string v8 = Hex("03 02") + "g" + Hex("00 00") +  //
                         Hex("02") + "h" + group_h_topics + Hex("00") + Hex("01 00");
  Result<OffsetFetchRequest> decoded = DecodeWith(DecodeOffsetFetchRequest, v8, 8);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_EQ(decoded->groups.size(), 2u);
  EXPECT_EQ(decoded->groups[0].group_id, "g");
  EXPECT_FALSE(decoded->groups[0].topics.has_value());
  EXPECT_EQ(decoded->groups[1].group_id, "h");
  ASSERT_TRUE(decoded->groups[1].topics.has_value());
  ASSERT_EQ(decoded->groups[1].topics->size(), 1u);
  EXPECT_EQ((*decoded->groups[1].topics)[0].partition_indexes, (std::vector<int32_t>{0, 1}));
  EXPECT_TRUE(decoded->require_stable);
  EXPECT_EQ(EncodeWith(EncodeOffsetFetchRequest, *decoded, 8), v8);

  // v9: a member id (here null) and member epoch after each group id.
  const std::string v9 =
      Hex("02 02") + "h" + Hex("00 00000007") + group_h_topics + Hex("00") + Hex("00 00");
  Result<OffsetFetchRequest> with_epoch = DecodeWith(DecodeOffsetFetchRequest, v9, 9);
  ASSERT_TRUE(with_epoch.ok()) << with_epoch.status().ToString();
  ASSERT_EQ(with_epoch->groups.size(), 1u);
  EXPECT_FALSE(with_epoch->groups[0].member_id.has_value());
  EXPECT_EQ(with_epoch->groups[0].member_epoch, 7);
  EXPECT_FALSE(with_epoch->require_stable);
  EXPECT_EQ(EncodeWith(EncodeOffsetFetchRequest, *with_epoch, 9), v9);

  // The answer: per group its topics and its own error code.
  const std::string response = Hex("00000000 02 02") + "g" + Hex("02 02") + "t" +
                               Hex("02 00000000 0000000000000005 ffffffff 01 0000 00") +
                               Hex("00 0000 00 00");
  Result<OffsetFetchResponse> answer = DecodeWith(DecodeOffsetFetchResponse, response, 8);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  ASSERT_EQ(answer->groups.size(), 1u);
  EXPECT_EQ(answer->groups[0].group_id, "g");
  ASSERT_EQ(answer->groups[0].topics.size(), 1u);
  ASSERT_EQ(answer->groups[0].topics[0].partitions.size(), 1u);
  const OffsetFetchResponse::Partition& p = answer->groups[0].topics[0].partitions[0];
  EXPECT_EQ(p.committed_offset, 5);
  EXPECT_EQ(p.committed_leader_epoch, -1);
  EXPECT_EQ(p.metadata, "");
  EXPECT_TRUE(answer->topics.empty());
  EXPECT_EQ(EncodeWith(EncodeOffsetFetchResponse, *answer, 8), response);
}

TEST(GroupFlexibleLayoutTest, SyncGroupV5NamesTheProtocolTypeAndName) {
  const std::string request = Hex("02") + "g" + Hex("00000001 02") + "m" + Hex("00 09") +
                              "consumer" + Hex("06") + "range" + Hex("02 02") + "m" + Hex("02") +
                              "A" + Hex("00 00");
  Result<SyncGroupRequest> decoded = DecodeWith(DecodeSyncGroupRequest, request, 5);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_FALSE(decoded->group_instance_id.has_value());
  EXPECT_EQ(decoded->protocol_type, "consumer");
  EXPECT_EQ(decoded->protocol_name, "range");
  ASSERT_EQ(decoded->assignments.size(), 1u);
  EXPECT_EQ(decoded->assignments[0].assignment, "A");
  EXPECT_EQ(EncodeWith(EncodeSyncGroupRequest, *decoded, 5), request);

  const std::string response =
      Hex("00000000 0000 09") + "consumer" + Hex("06") + "range" + Hex("02") + "A" + Hex("00");
  Result<SyncGroupResponse> answer = DecodeWith(DecodeSyncGroupResponse, response, 5);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->protocol_type, "consumer");
  EXPECT_EQ(answer->protocol_name, "range");
  EXPECT_EQ(answer->assignment, "A");
  EXPECT_EQ(EncodeWith(EncodeSyncGroupResponse, *answer, 5), response);
}

TEST(GroupFlexibleLayoutTest, ListGroupsV5FiltersByType) {
  const std::string request = Hex("01 02 08") + "classic" + Hex("00");
  Result<ListGroupsRequest> decoded = DecodeWith(DecodeListGroupsRequest, request, 5);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_TRUE(decoded->states_filter.empty());
  EXPECT_EQ(decoded->types_filter, std::vector<std::string>{"classic"});
  EXPECT_EQ(EncodeWith(EncodeListGroupsRequest, *decoded, 5), request);

  const std::string response = Hex("00000000 0000 02 02") + "g" + Hex("09") + "consumer" +
                               Hex("07") + "Stable" + Hex("08") + "classic" + Hex("00 00");
  Result<ListGroupsResponse> answer = DecodeWith(DecodeListGroupsResponse, response, 5);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  ASSERT_EQ(answer->groups.size(), 1u);
  EXPECT_EQ(answer->groups[0].group_type, "classic");
  EXPECT_EQ(EncodeWith(EncodeListGroupsResponse, *answer, 5), response);
}

}  // namespace
}  // namespace ringlog
