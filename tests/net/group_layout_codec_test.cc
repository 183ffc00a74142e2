// Byte-exact layouts of the consumer-group codecs, written out by hand from the Kafka JSON
// schemas: where each version adds a field, the compact forms of flexible versions, and
// how malformed input is refused.
#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "net/codec/delete_groups_codec.h"
#include "net/codec/describe_groups_codec.h"
#include "net/codec/find_coordinator_codec.h"
#include "net/codec/heartbeat_codec.h"
#include "net/codec/join_group_codec.h"
#include "net/codec/leave_group_codec.h"
#include "net/codec/list_groups_codec.h"
#include "net/codec/sync_group_codec.h"
#include "tests/net/codec_test_util.h"

namespace ringlog {
namespace {

using testing::DecodeWith;
using testing::EncodeWith;
using testing::Hex;

TEST(GroupLayoutTest, HeartbeatAddsTheInstanceIdAtV3) {
  const HeartbeatRequest request{"g", 5, "m", std::nullopt};
  const std::string v0 = Hex("0001") + "g" + Hex("00000005 0001") + "m";
  EXPECT_EQ(EncodeWith(EncodeHeartbeatRequest, request, 0), v0);
  EXPECT_EQ(EncodeWith(EncodeHeartbeatRequest, request, 2), v0);
  EXPECT_EQ(EncodeWith(EncodeHeartbeatRequest, request, 3), v0 + Hex("ffff"));
  EXPECT_EQ(EncodeWith(EncodeHeartbeatResponse, HeartbeatResponse{100, 27}, 0), Hex("001b"));
  EXPECT_EQ(EncodeWith(EncodeHeartbeatResponse, HeartbeatResponse{100, 27}, 1),
            Hex("00000064 001b"));
}

TEST(GroupLayoutTest, JoinGroupRebalanceTimeoutFollowsTheSessionTimeout) {
  const JoinGroupRequest request{
      "g", 10000, 300000, "", std::nullopt, "consumer", {{"range", "\x01"}}};
  const std::string tail =
      Hex("0008") + "consumer" + Hex("00000001 0005") + "range" + Hex("00000001 01");
  EXPECT_EQ(EncodeWith(EncodeJoinGroupRequest, request, 0),
            Hex("0001") + "g" + Hex("00002710 0000") + tail);
  EXPECT_EQ(EncodeWith(EncodeJoinGroupRequest, request, 1),
            Hex("0001") + "g" + Hex("00002710 000493e0 0000") + tail);
  EXPECT_EQ(EncodeWith(EncodeJoinGroupRequest, request, 5),
            Hex("0001") + "g" + Hex("00002710 000493e0 0000 ffff") + tail);
}

TEST(GroupLayoutTest, JoinGroupResponseThrottleFromV2AndInstanceIdsFromV5) {
  const JoinGroupResponse response{.throttle_time_ms = 1,
                                   .error_code = 0,
                                   .generation_id = 2,
                                   .protocol_name = "range",
                                   .leader = "m",
                                   .member_id = "m",
                                   .members = {{"m", "i", "x"}}};
  const std::string body = Hex("0000 00000002 0005") + "range" + Hex("0001") + "m" + Hex("0001") +
                           "m" + Hex("00000001 0001") + "m";
  EXPECT_EQ(EncodeWith(EncodeJoinGroupResponse, response, 1), body + Hex("00000001") + "x");
  EXPECT_EQ(EncodeWith(EncodeJoinGroupResponse, response, 2),
            Hex("00000001") + body + Hex("00000001") + "x");
  EXPECT_EQ(EncodeWith(EncodeJoinGroupResponse, response, 5),
            Hex("00000001") + body + Hex("0001") + "i" + Hex("00000001") + "x");
}

TEST(GroupLayoutTest, SyncGroupCarriesAssignmentsAsBytes) {
  const SyncGroupRequest request{.group_id = "g",
                                 .generation_id = 3,
                                 .member_id = "m",
                                 .group_instance_id = "i",
                                 .assignments = {{"m", std::string("\0\xff", 2)}}};
  const std::string head = Hex("0001") + "g" + Hex("00000003 0001") + "m";
  const std::string assignments = Hex("00000001 0001") + "m" + Hex("00000002 00ff");
  EXPECT_EQ(EncodeWith(EncodeSyncGroupRequest, request, 2), head + assignments);
  EXPECT_EQ(EncodeWith(EncodeSyncGroupRequest, request, 3), head + Hex("0001") + "i" + assignments);
  EXPECT_EQ(EncodeWith(EncodeSyncGroupResponse, SyncGroupResponse{.assignment = "ab"}, 0),
            Hex("0000 00000002") + "ab");
}

TEST(GroupLayoutTest, LeaveGroupSwitchesToAMemberListAtV3) {
  const LeaveGroupRequest v2{"g", "m", {}};
  EXPECT_EQ(EncodeWith(EncodeLeaveGroupRequest, v2, 2), Hex("0001") + "g" + Hex("0001") + "m");
  const LeaveGroupRequest v3{"g", "", {{"m", std::nullopt}, {"n", "i"}}};
  const std::string v3_bytes = Hex("0001") + "g" + Hex("00000002 0001") + "m" + Hex("ffff") +
                               Hex("0001") + "n" + Hex("0001") + "i";
  EXPECT_EQ(EncodeWith(EncodeLeaveGroupRequest, v3, 3), v3_bytes);

  const LeaveGroupResponse response{0, 0, {{"m", std::nullopt, 25}}};
  EXPECT_EQ(EncodeWith(EncodeLeaveGroupResponse, response, 2), Hex("00000000 0000"));
  EXPECT_EQ(EncodeWith(EncodeLeaveGroupResponse, response, 3),
            Hex("00000000 0000 00000001 0001") + "m" + Hex("ffff 0019"));
}

TEST(GroupLayoutTest, FindCoordinatorKeyTypeAndErrorMessageFromV1) {
  const FindCoordinatorRequest request{"g", kCoordinatorKeyGroup};
  EXPECT_EQ(EncodeWith(EncodeFindCoordinatorRequest, request, 0), Hex("0001") + "g");
  EXPECT_EQ(EncodeWith(EncodeFindCoordinatorRequest, request, 1), Hex("0001") + "g" + Hex("00"));
  const FindCoordinatorResponse response{0, 0, std::nullopt, 1, "h", 9092};
  EXPECT_EQ(EncodeWith(EncodeFindCoordinatorResponse, response, 0),
            Hex("0000 00000001 0001") + "h" + Hex("00002384"));
  EXPECT_EQ(EncodeWith(EncodeFindCoordinatorResponse, response, 2),
            Hex("00000000 0000 ffff 00000001 0001") + "h" + Hex("00002384"));
}

TEST(GroupLayoutTest, ListGroupsIsCompactFromV3AndFiltersStatesFromV4) {
  const ListGroupsRequest request{{"Stable"}};
  EXPECT_EQ(EncodeWith(EncodeListGroupsRequest, request, 2), "");
  EXPECT_EQ(EncodeWith(EncodeListGroupsRequest, request, 3), Hex("00"));
  EXPECT_EQ(EncodeWith(EncodeListGroupsRequest, request, 4), Hex("02 07") + "Stable" + Hex("00"));

  const ListGroupsResponse response{0, 0, {{"g", "consumer", "Stable"}}};
  EXPECT_EQ(EncodeWith(EncodeListGroupsResponse, response, 2),
            Hex("00000000 0000 00000001 0001") + "g" + Hex("0008") + "consumer");
  EXPECT_EQ(EncodeWith(EncodeListGroupsResponse, response, 4),
            Hex("00000000 0000 02 02") + "g" + Hex("09") + "consumer" + Hex("07") + "Stable" +
                Hex("00 00"));
}

TEST(GroupLayoutTest, DescribeGroupsIsCompactAtV5) {
  const DescribeGroupsRequest request{{"g"}, true};
  EXPECT_EQ(EncodeWith(EncodeDescribeGroupsRequest, request, 2), Hex("00000001 0001") + "g");
  EXPECT_EQ(EncodeWith(EncodeDescribeGroupsRequest, request, 3),
            Hex("00000001 0001") + "g" + Hex("01"));
  EXPECT_EQ(EncodeWith(EncodeDescribeGroupsRequest, request, 5), Hex("02 02") + "g" + Hex("01 00"));

  DescribeGroupsResponse response{0, {{0, "g", "Stable", "consumer", "range", {}, 8}}};
  response.groups[0].members.push_back({"m", std::nullopt, "c", "h", "M", "A"});
  EXPECT_EQ(EncodeWith(EncodeDescribeGroupsResponse, response, 5),
            Hex("00000000 02 0000 02") + "g" + Hex("07") + "Stable" + Hex("09") + "consumer" +
                Hex("06") + "range" + Hex("02 02") + "m" + Hex("00 02") + "c" + Hex("02") + "h" +
                Hex("02") + "M" + Hex("02") + "A" + Hex("00 00000008 00 00"));
}

TEST(GroupLayoutTest, DeleteGroupsIsCompactAtV2) {
  const DeleteGroupsRequest request{{"g"}};
  EXPECT_EQ(EncodeWith(EncodeDeleteGroupsRequest, request, 1), Hex("00000001 0001") + "g");
  EXPECT_EQ(EncodeWith(EncodeDeleteGroupsRequest, request, 2), Hex("02 02") + "g" + Hex("00"));
  const DeleteGroupsResponse response{0, {{"g", 69}}};
  EXPECT_EQ(EncodeWith(EncodeDeleteGroupsResponse, response, 0),
            Hex("00000000 00000001 0001") + "g" + Hex("0045"));
  EXPECT_EQ(EncodeWith(EncodeDeleteGroupsResponse, response, 2),
            Hex("00000000 02 02") + "g" + Hex("0045 00 00"));
}

TEST(GroupLayoutTest, FlexibleDecodersSkipUnknownTaggedFields) {
  // DeleteGroups v2 with two unknown fields in its top-level tag section; ListGroups v4
  // with one in a group's section.
  const std::string request = Hex("02 02") + "g" + Hex("00");
  Result<DeleteGroupsRequest> plain = DecodeWith(DecodeDeleteGroupsRequest, request, 2);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  const std::string tagged = Hex("02 02") + "g" + Hex("02 00 01 aa 05 00");
  Result<DeleteGroupsRequest> decoded = DecodeWith(DecodeDeleteGroupsRequest, tagged, 2);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->group_ids, std::vector<std::string>{"g"});

  const std::string response = Hex("00000000 0000 02 02") + "g" + Hex("09") + "consumer" +
                               Hex("07") + "Stable" + Hex("01 07 02 abcd 00");
  Result<ListGroupsResponse> listed = DecodeWith(DecodeListGroupsResponse, response, 4);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->groups.size(), 1u);
  EXPECT_EQ(listed->groups[0].group_state, "Stable");
}

TEST(GroupLayoutTest, MalformedInputIsInvalidArgument) {
  // A null group id, where the schema allows none.
  Result<HeartbeatRequest> null_group =
      DecodeWith(DecodeHeartbeatRequest, Hex("ffff 00000001 0001") + "m", 0);
  EXPECT_TRUE(null_group.status().IsInvalidArgument()) << null_group.status().ToString();
  // A null protocol list.
  const std::string head = Hex("0001") + "g" + Hex("00002710 0000 0008") + "consumer";
  Result<JoinGroupRequest> null_list =
      DecodeWith(DecodeJoinGroupRequest, head + Hex("ffffffff"), 0);
  EXPECT_TRUE(null_list.status().IsInvalidArgument()) << null_list.status().ToString();
  // A count no input could back is refused before anything is allocated.
  Result<JoinGroupRequest> huge = DecodeWith(DecodeJoinGroupRequest, head + Hex("7fffffff"), 0);
  EXPECT_TRUE(huge.status().IsInvalidArgument()) << huge.status().ToString();
  // A compact length running past the end.
  Result<DeleteGroupsRequest> overrun = DecodeWith(DecodeDeleteGroupsRequest, Hex("02 7f 61"), 2);
  EXPECT_TRUE(overrun.status().IsInvalidArgument()) << overrun.status().ToString();
  // A negative bytes length other than -1.
  Result<SyncGroupResponse> bad_bytes =
      DecodeWith(DecodeSyncGroupResponse, Hex("0000 fffffffe"), 0);
  EXPECT_TRUE(bad_bytes.status().IsInvalidArgument()) << bad_bytes.status().ToString();
}

}  // namespace
}  // namespace ringlog
