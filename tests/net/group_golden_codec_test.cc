// The consumer-group requests real clients sent (kafka-python 2.0.2 and kcat 1.7.1 with
// librdkafka 2.0.2), captured by tests/net/golden/capture_group.py: every frame decodes,
// re-encodes to the very same bytes, and carries what the client was configured to send.
// See tests/net/golden/README_group.md for how the frames were made.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <vector>

#include "net/codec/api_key.h"
#include "net/codec/delete_groups_codec.h"
#include "net/codec/describe_groups_codec.h"
#include "net/codec/find_coordinator_codec.h"
#include "net/codec/heartbeat_codec.h"
#include "net/codec/join_group_codec.h"
#include "net/codec/leave_group_codec.h"
#include "net/codec/list_groups_codec.h"
#include "net/codec/offset_commit_codec.h"
#include "net/codec/offset_fetch_codec.h"
#include "net/codec/request_header.h"
#include "net/codec/sync_group_codec.h"

namespace ringlog {
namespace {

std::filesystem::path GoldenDir() {
  return std::filesystem::path(RINGLOG_TEST_DATA_DIR).parent_path() / "net" / "golden";
}

// Request header v2 (with tags) exactly when the API version is flexible.
bool IsFlexibleRequest(int16_t api_key, int16_t version) {
  switch (static_cast<ApiKey>(api_key)) {
    case ApiKey::kOffsetFetch:
      return version >= kOffsetFetchFirstFlexibleVersion;
    case ApiKey::kListGroups:
      return version >= kListGroupsFirstFlexibleVersion;
    case ApiKey::kDescribeGroups:
      return version >= kDescribeGroupsFirstFlexibleVersion;
    case ApiKey::kDeleteGroups:
      return version >= kDeleteGroupsFirstFlexibleVersion;
    default:
      return false;  // no other group API is flexible in the ranges ringlog codes
  }
}

// A captured frame: the header decoded, the body still to decode.
struct Golden {
  std::string frame;
  RequestHeader header;
  bool flexible = false;
  size_t body_start = 0;

  WireReader Body() const {
    return WireReader(std::span(reinterpret_cast<const uint8_t*>(frame.data()) + body_start,
                                frame.size() - body_start));
  }
};

Golden Load(const std::string& name) {
  Golden golden;
  std::ifstream in(GoldenDir() / name, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << (GoldenDir() / name);
  golden.frame.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  WireReader reader(
      std::span(reinterpret_cast<const uint8_t*>(golden.frame.data()), golden.frame.size()));
  Result<RequestHeader> header = DecodeRequestHeaderPrefix(reader);
  EXPECT_TRUE(header.ok()) << name << ": " << header.status().ToString();
  if (!header.ok()) return golden;
  golden.header = *header;
  golden.flexible = IsFlexibleRequest(header->api_key, header->api_version);
  Status rest = DecodeRequestHeaderRest(reader, golden.flexible, &golden.header);
  EXPECT_TRUE(rest.ok()) << name << ": " << rest.ToString();
  golden.body_start = reader.position();
  return golden;
}

// Decodes the body with `decode`, checks it re-encodes to the captured bytes (header
// included), and returns the message.
template <typename Msg>
Msg DecodeGolden(const Golden& golden, Result<Msg> (*decode)(WireReader&, int16_t),
                 void (*encode)(WireWriter&, const Msg&, int16_t)) {
  const int16_t version = golden.header.api_version;
  WireReader body = golden.Body();
  Result<Msg> message = decode(body, version);
  EXPECT_TRUE(message.ok()) << message.status().ToString();
  if (!message.ok()) return Msg{};
  EXPECT_TRUE(body.at_end()) << body.remaining() << " bytes left";
  std::string again;
  WireWriter writer(&again);
  EncodeRequestHeader(writer, golden.header, golden.flexible);
  encode(writer, *message, version);
  EXPECT_EQ(again, golden.frame) << "re-encoding differs";
  return *message;
}

// Every captured frame decodes and re-encodes byte for byte.
TEST(GroupGoldenTest, EveryCaptureRoundTrips) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(GoldenDir())) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("group_") && name.ends_with(".bin")) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  EXPECT_GE(names.size(), 17u);
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    const Golden g = Load(name);
    switch (static_cast<ApiKey>(g.header.api_key)) {
      case ApiKey::kFindCoordinator:
        DecodeGolden(g, DecodeFindCoordinatorRequest, EncodeFindCoordinatorRequest);
        break;
      case ApiKey::kJoinGroup:
        DecodeGolden(g, DecodeJoinGroupRequest, EncodeJoinGroupRequest);
        break;
      case ApiKey::kSyncGroup:
        DecodeGolden(g, DecodeSyncGroupRequest, EncodeSyncGroupRequest);
        break;
      case ApiKey::kHeartbeat:
        DecodeGolden(g, DecodeHeartbeatRequest, EncodeHeartbeatRequest);
        break;
      case ApiKey::kLeaveGroup:
        DecodeGolden(g, DecodeLeaveGroupRequest, EncodeLeaveGroupRequest);
        break;
      case ApiKey::kOffsetCommit:
        DecodeGolden(g, DecodeOffsetCommitRequest, EncodeOffsetCommitRequest);
        break;
      case ApiKey::kOffsetFetch:
        DecodeGolden(g, DecodeOffsetFetchRequest, EncodeOffsetFetchRequest);
        break;
      case ApiKey::kListGroups:
        DecodeGolden(g, DecodeListGroupsRequest, EncodeListGroupsRequest);
        break;
      case ApiKey::kDescribeGroups:
        DecodeGolden(g, DecodeDescribeGroupsRequest, EncodeDescribeGroupsRequest);
        break;
      case ApiKey::kDeleteGroups:
        DecodeGolden(g, DecodeDeleteGroupsRequest, EncodeDeleteGroupsRequest);
        break;
      default:
        ADD_FAILURE() << "not a group API: " << g.header.api_key;
    }
  }
}

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

std::vector<std::string> ProtocolNames(const JoinGroupRequest& request) {
  std::vector<std::string> names;
  for (const auto& protocol : request.protocols) names.push_back(protocol.name);
  return names;
}

TEST(GroupGoldenTest, KafkaPythonConsumer) {
  const Golden find = Load("group_kafka_python_find_coordinator_v0.bin");
  EXPECT_EQ(find.header.api_key, static_cast<int16_t>(ApiKey::kFindCoordinator));
  EXPECT_EQ(find.header.client_id, "golden-kafka-python");
  EXPECT_EQ(DecodeGolden(find, DecodeFindCoordinatorRequest, EncodeFindCoordinatorRequest).key,
            "golden-group");

  const JoinGroupRequest join = DecodeGolden(Load("group_kafka_python_join_group_v2.bin"),
                                             DecodeJoinGroupRequest, EncodeJoinGroupRequest);
  EXPECT_EQ(join.group_id, "golden-group");
  EXPECT_EQ(join.session_timeout_ms, 10000);
  EXPECT_EQ(join.rebalance_timeout_ms, 300000);  // max_poll_interval_ms
  EXPECT_EQ(join.member_id, "");                 // a first join
  EXPECT_EQ(join.protocol_type, "consumer");
  EXPECT_EQ(ProtocolNames(join), (std::vector<std::string>{"range", "roundrobin"}));
  EXPECT_TRUE(Contains(join.protocols[0].metadata, "golden-topic"));

  const SyncGroupRequest sync = DecodeGolden(Load("group_kafka_python_sync_group_v1.bin"),
                                             DecodeSyncGroupRequest, EncodeSyncGroupRequest);
  EXPECT_EQ(sync.group_id, "golden-group");
  EXPECT_EQ(sync.generation_id, 1);
  ASSERT_EQ(sync.assignments.size(), 1u);  // the leader assigns to itself
  EXPECT_EQ(sync.assignments[0].member_id, sync.member_id);
  EXPECT_TRUE(Contains(sync.assignments[0].assignment, "golden-topic"));

  const HeartbeatRequest heartbeat = DecodeGolden(Load("group_kafka_python_heartbeat_v1.bin"),
                                                  DecodeHeartbeatRequest, EncodeHeartbeatRequest);
  EXPECT_EQ(heartbeat.group_id, "golden-group");
  EXPECT_EQ(heartbeat.member_id, sync.member_id);

  const OffsetFetchRequest fetch = DecodeGolden(Load("group_kafka_python_offset_fetch_v1.bin"),
                                                DecodeOffsetFetchRequest, EncodeOffsetFetchRequest);
  EXPECT_EQ(fetch.group_id, "golden-group");
  ASSERT_TRUE(fetch.topics.has_value());
  ASSERT_EQ(fetch.topics->size(), 1u);
  EXPECT_EQ((*fetch.topics)[0].name, "golden-topic");
  EXPECT_EQ((*fetch.topics)[0].partition_indexes, (std::vector<int32_t>{0, 1}));

  const OffsetCommitRequest commit =
      DecodeGolden(Load("group_kafka_python_offset_commit_v2.bin"), DecodeOffsetCommitRequest,
                   EncodeOffsetCommitRequest);
  EXPECT_EQ(commit.group_id, "golden-group");
  EXPECT_EQ(commit.generation_id, 1);
  EXPECT_EQ(commit.member_id, sync.member_id);
  EXPECT_EQ(commit.retention_time_ms, -1);
  ASSERT_EQ(commit.topics.size(), 1u);
  ASSERT_EQ(commit.topics[0].partitions.size(), 1u);
  EXPECT_EQ(commit.topics[0].partitions[0].committed_offset, 1);
  EXPECT_EQ(commit.topics[0].partitions[0].committed_metadata, "golden-meta");

  const LeaveGroupRequest leave = DecodeGolden(Load("group_kafka_python_leave_group_v1.bin"),
                                               DecodeLeaveGroupRequest, EncodeLeaveGroupRequest);
  EXPECT_EQ(leave.group_id, "golden-group");
  EXPECT_EQ(leave.member_id, sync.member_id);
}

TEST(GroupGoldenTest, KafkaPythonAdmin) {
  const Golden list = Load("group_kafka_python_list_groups_v1.bin");
  EXPECT_EQ(list.body_start, list.frame.size());  // ListGroups v1 has no body
  DecodeGolden(list, DecodeListGroupsRequest, EncodeListGroupsRequest);

  const DescribeGroupsRequest describe =
      DecodeGolden(Load("group_kafka_python_describe_groups_v3.bin"), DecodeDescribeGroupsRequest,
                   EncodeDescribeGroupsRequest);
  EXPECT_EQ(describe.group_ids, std::vector<std::string>{"golden-group"});
  EXPECT_FALSE(describe.include_authorized_operations);

  const DeleteGroupsRequest deleted =
      DecodeGolden(Load("group_kafka_python_delete_groups_v1.bin"), DecodeDeleteGroupsRequest,
                   EncodeDeleteGroupsRequest);
  EXPECT_EQ(deleted.group_ids, std::vector<std::string>{"golden-group"});
}

TEST(GroupGoldenTest, KcatBalancedConsumer) {
  const Golden find = Load("group_kcat_find_coordinator_v2.bin");
  EXPECT_EQ(find.header.client_id, "golden-kcat");
  const FindCoordinatorRequest coordinator =
      DecodeGolden(find, DecodeFindCoordinatorRequest, EncodeFindCoordinatorRequest);
  EXPECT_EQ(coordinator.key, "golden-group-kcat");
  EXPECT_EQ(coordinator.key_type, kCoordinatorKeyGroup);

  const JoinGroupRequest join = DecodeGolden(Load("group_kcat_join_group_v5.bin"),
                                             DecodeJoinGroupRequest, EncodeJoinGroupRequest);
  EXPECT_EQ(join.group_id, "golden-group-kcat");
  EXPECT_EQ(join.session_timeout_ms, 10000);
  EXPECT_EQ(join.rebalance_timeout_ms, 300000);
  EXPECT_EQ(join.member_id, "");
  EXPECT_FALSE(join.group_instance_id.has_value());
  EXPECT_EQ(join.protocol_type, "consumer");
  EXPECT_EQ(ProtocolNames(join), (std::vector<std::string>{"range", "roundrobin"}));
  EXPECT_TRUE(Contains(join.protocols[1].metadata, "golden-topic"));

  const SyncGroupRequest sync = DecodeGolden(Load("group_kcat_sync_group_v3.bin"),
                                             DecodeSyncGroupRequest, EncodeSyncGroupRequest);
  EXPECT_EQ(sync.generation_id, 1);
  EXPECT_FALSE(sync.group_instance_id.has_value());
  ASSERT_EQ(sync.assignments.size(), 1u);
  EXPECT_EQ(sync.assignments[0].member_id, sync.member_id);
  EXPECT_TRUE(Contains(sync.assignments[0].assignment, "golden-topic"));

  const HeartbeatRequest heartbeat = DecodeGolden(Load("group_kcat_heartbeat_v3.bin"),
                                                  DecodeHeartbeatRequest, EncodeHeartbeatRequest);
  EXPECT_EQ(heartbeat.member_id, sync.member_id);
  EXPECT_FALSE(heartbeat.group_instance_id.has_value());

  // librdkafka's only flexible group request: compact strings, tags, require_stable.
  const Golden fetch_frame = Load("group_kcat_offset_fetch_v7.bin");
  EXPECT_TRUE(fetch_frame.flexible);
  const OffsetFetchRequest fetch =
      DecodeGolden(fetch_frame, DecodeOffsetFetchRequest, EncodeOffsetFetchRequest);
  EXPECT_EQ(fetch.group_id, "golden-group-kcat");
  ASSERT_TRUE(fetch.topics.has_value());
  ASSERT_EQ(fetch.topics->size(), 1u);
  EXPECT_EQ((*fetch.topics)[0].partition_indexes, (std::vector<int32_t>{0, 1}));
  EXPECT_TRUE(fetch.require_stable);

  const OffsetCommitRequest commit =
      DecodeGolden(Load("group_kcat_offset_commit_v7.bin"), DecodeOffsetCommitRequest,
                   EncodeOffsetCommitRequest);
  EXPECT_EQ(commit.member_id, sync.member_id);
  EXPECT_FALSE(commit.group_instance_id.has_value());
  ASSERT_EQ(commit.topics.size(), 1u);
  EXPECT_EQ(commit.topics[0].name, "golden-topic");
  ASSERT_EQ(commit.topics[0].partitions.size(), 1u);
  EXPECT_EQ(commit.topics[0].partitions[0].partition_index, 0);
  EXPECT_EQ(commit.topics[0].partitions[0].committed_offset, 1);  // after the one record
  EXPECT_EQ(commit.topics[0].partitions[0].committed_leader_epoch, -1);

  const LeaveGroupRequest leave = DecodeGolden(Load("group_kcat_leave_group_v1.bin"),
                                               DecodeLeaveGroupRequest, EncodeLeaveGroupRequest);
  EXPECT_EQ(leave.group_id, "golden-group-kcat");
  EXPECT_EQ(leave.member_id, sync.member_id);
}

}  // namespace
}  // namespace ringlog
