// Properties every consumer-group codec must have, checked for each request and response
// type at every version it supports:
//   * encode then decode gives the message back, minus the fields that version lacks (which
//     come back as their defaults, per the Kafka JSON schemas);
//   * fields a version lacks do not change the bytes;
//   * every strict prefix of a valid encoding fails with InvalidArgument;
//   * random byte flips yield a value or InvalidArgument, never a crash (run under ASan);
//   * versions outside the range are NotSupported.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <span>
#include <string>

#include "net/codec/delete_groups_codec.h"
#include "net/codec/describe_groups_codec.h"
#include "net/codec/find_coordinator_codec.h"
#include "net/codec/heartbeat_codec.h"
#include "net/codec/join_group_codec.h"
#include "net/codec/leave_group_codec.h"
#include "net/codec/list_groups_codec.h"
#include "net/codec/offset_commit_codec.h"
#include "net/codec/offset_fetch_codec.h"
#include "net/codec/sync_group_codec.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog {
namespace {

// Opaque bytes with a zero and high bytes in them, for bytes fields.
const std::string kBinary("\x00\x01\x7f\x80\xff", 5);

// CodecCase<Msg> ties a message type to its codec, its version range, a sample with every
// field set away from its default (Full), and the schema's view of that sample at a
// version (AtVersion: the fields the version lacks reset to their defaults).
template <typename Msg>
struct CodecCase;

#define RINGLOG_CODEC_FUNCTIONS(Msg, Api)                                              \
  static constexpr const char* kName = #Msg;                                           \
  static constexpr int16_t kMin = k##Api##MinVersion;                                  \
  static constexpr int16_t kMax = k##Api##MaxVersion;                                  \
  static void Encode(WireWriter& w, const Msg& m, int16_t v) { Encode##Msg(w, m, v); } \
  static Result<Msg> Decode(WireReader& r, int16_t v) { return Decode##Msg(r, v); }

template <>
struct CodecCase<FindCoordinatorRequest> {
  RINGLOG_CODEC_FUNCTIONS(FindCoordinatorRequest, FindCoordinator)
  static FindCoordinatorRequest Full() { return {"txn-7", kCoordinatorKeyTransaction}; }
  static FindCoordinatorRequest AtVersion(FindCoordinatorRequest m, int16_t v) {
    if (v < 1) m.key_type = kCoordinatorKeyGroup;
    if (v >= 4) m.key.clear();  // v4+ name keys in a batch instead
    return m;
  }
};

template <>
struct CodecCase<FindCoordinatorResponse> {
  RINGLOG_CODEC_FUNCTIONS(FindCoordinatorResponse, FindCoordinator)
  static FindCoordinatorResponse Full() { return {25, 15, "loading", 3, "broker-3", 9093}; }
  static FindCoordinatorResponse AtVersion(FindCoordinatorResponse m, int16_t v) {
    if (v < 1) {
      m.throttle_time_ms = 0;
      m.error_message.reset();
    }
    if (v >= 4) {  // v4+ answer each key of a batch instead
      m.error_code = 0;
      m.error_message.reset();
      m.node_id = 0;
      m.host.clear();
      m.port = 0;
    }
    return m;
  }
};

template <>
struct CodecCase<JoinGroupRequest> {
  RINGLOG_CODEC_FUNCTIONS(JoinGroupRequest, JoinGroup)
  static JoinGroupRequest Full() {
    return {"orders",
            10000,
            300000,
            "member-a",
            "instance-a",
            "consumer",
            {{"range", kBinary}, {"roundrobin", ""}}};
  }
  static JoinGroupRequest AtVersion(JoinGroupRequest m, int16_t v) {
    if (v < 1) m.rebalance_timeout_ms = -1;
    if (v < 5) m.group_instance_id.reset();
    return m;
  }
};

template <>
struct CodecCase<JoinGroupResponse> {
  RINGLOG_CODEC_FUNCTIONS(JoinGroupResponse, JoinGroup)
  static JoinGroupResponse Full() {
    return {.throttle_time_ms = 7,
            .error_code = 79,
            .generation_id = 12,
            .protocol_name = "range",
            .leader = "member-a",
            .member_id = "member-b",
            .members = {{"member-a", "instance-a", kBinary}, {"member-b", std::nullopt, "meta-b"}}};
  }
  static JoinGroupResponse AtVersion(JoinGroupResponse m, int16_t v) {
    if (v < 2) m.throttle_time_ms = 0;
    if (v < 5) {
      for (auto& member : m.members) member.group_instance_id.reset();
    }
    return m;
  }
};

template <>
struct CodecCase<SyncGroupRequest> {
  RINGLOG_CODEC_FUNCTIONS(SyncGroupRequest, SyncGroup)
  static SyncGroupRequest Full() {
    return {.group_id = "orders",
            .generation_id = 12,
            .member_id = "member-a",
            .group_instance_id = "instance-a",
            .assignments = {{"member-a", kBinary}, {"member-b", ""}}};
  }
  static SyncGroupRequest AtVersion(SyncGroupRequest m, int16_t v) {
    if (v < 3) m.group_instance_id.reset();
    return m;
  }
};

template <>
struct CodecCase<SyncGroupResponse> {
  RINGLOG_CODEC_FUNCTIONS(SyncGroupResponse, SyncGroup)
  static SyncGroupResponse Full() {
    return {.throttle_time_ms = 5, .error_code = 27, .assignment = kBinary};
  }
  static SyncGroupResponse AtVersion(SyncGroupResponse m, int16_t v) {
    if (v < 1) m.throttle_time_ms = 0;
    return m;
  }
};

template <>
struct CodecCase<HeartbeatRequest> {
  RINGLOG_CODEC_FUNCTIONS(HeartbeatRequest, Heartbeat)
  static HeartbeatRequest Full() { return {"orders", 12, "member-a", "instance-a"}; }
  static HeartbeatRequest AtVersion(HeartbeatRequest m, int16_t v) {
    if (v < 3) m.group_instance_id.reset();
    return m;
  }
};

template <>
struct CodecCase<HeartbeatResponse> {
  RINGLOG_CODEC_FUNCTIONS(HeartbeatResponse, Heartbeat)
  static HeartbeatResponse Full() { return {9, 27}; }
  static HeartbeatResponse AtVersion(HeartbeatResponse m, int16_t v) {
    if (v < 1) m.throttle_time_ms = 0;
    return m;
  }
};

template <>
struct CodecCase<LeaveGroupRequest> {
  RINGLOG_CODEC_FUNCTIONS(LeaveGroupRequest, LeaveGroup)
  static LeaveGroupRequest Full() {
    return {"orders", "member-a", {{"member-a", "instance-a"}, {"member-b", std::nullopt}}};
  }
  static LeaveGroupRequest AtVersion(LeaveGroupRequest m, int16_t v) {
    if (v < 3) {
      m.members.clear();
    } else {
      m.member_id.clear();
    }
    return m;
  }
};

template <>
struct CodecCase<LeaveGroupResponse> {
  RINGLOG_CODEC_FUNCTIONS(LeaveGroupResponse, LeaveGroup)
  static LeaveGroupResponse Full() {
    return {3, 25, {{"member-a", "instance-a", 0}, {"member-b", std::nullopt, 25}}};
  }
  static LeaveGroupResponse AtVersion(LeaveGroupResponse m, int16_t v) {
    if (v < 1) m.throttle_time_ms = 0;
    if (v < 3) m.members.clear();
    return m;
  }
};

template <>
struct CodecCase<OffsetCommitRequest> {
  RINGLOG_CODEC_FUNCTIONS(OffsetCommitRequest, OffsetCommit)
  static OffsetCommitRequest Full() {
    return {"orders",
            12,
            "member-a",
            "instance-a",
            86400000,
            {{"clicks", {{0, 42, 5, 1700000000000, "meta"}, {3, 7, 5, 1700000000001, {}}}},
             {"views", {{1, 0, 6, 1700000000002, ""}}}}};
  }
  static OffsetCommitRequest AtVersion(OffsetCommitRequest m, int16_t v) {
    if (v < 1) {
      m.generation_id = -1;
      m.member_id.clear();
    }
    if (v < 7) m.group_instance_id.reset();
    if (v < 2 || v > 4) m.retention_time_ms = -1;
    for (auto& topic : m.topics) {
      for (auto& partition : topic.partitions) {
        if (v < 6) partition.committed_leader_epoch = -1;
        if (v != 1) partition.commit_timestamp_ms = -1;
      }
    }
    return m;
  }
};

template <>
struct CodecCase<OffsetCommitResponse> {
  RINGLOG_CODEC_FUNCTIONS(OffsetCommitResponse, OffsetCommit)
  static OffsetCommitResponse Full() {
    return {4, {{"clicks", {{0, 0}, {3, 22}}}, {"views", {{1, 25}}}}};
  }
  static OffsetCommitResponse AtVersion(OffsetCommitResponse m, int16_t v) {
    if (v < 3) m.throttle_time_ms = 0;
    return m;
  }
};

template <>
struct CodecCase<OffsetFetchRequest> {
  RINGLOG_CODEC_FUNCTIONS(OffsetFetchRequest, OffsetFetch)
  static OffsetFetchRequest Full() {
    return {.group_id = "orders",
            .topics = std::vector<OffsetFetchRequest::Topic>{{"clicks", {0, 3}}, {"views", {}}},
            .require_stable = true};
  }
  static OffsetFetchRequest AtVersion(OffsetFetchRequest m, int16_t v) {
    if (v < 7) m.require_stable = false;
    if (v >= 8) {  // v8+ name groups in a batch instead
      m.group_id.clear();
      m.topics.reset();
    }
    return m;
  }
};

template <>
struct CodecCase<OffsetFetchResponse> {
  RINGLOG_CODEC_FUNCTIONS(OffsetFetchResponse, OffsetFetch)
  static OffsetFetchResponse Full() {
    return {6,
            {{"clicks", {{0, 42, 5, "meta", 0}, {3, -1, 5, std::nullopt, 3}}},
             {"views", {{1, 9, 6, "", 0}}}},
            16};
  }
  static OffsetFetchResponse AtVersion(OffsetFetchResponse m, int16_t v) {
    if (v < 3) m.throttle_time_ms = 0;
    if (v < 2) m.error_code = 0;
    for (auto& topic : m.topics) {
      for (auto& partition : topic.partitions) {
        if (v < 5) partition.committed_leader_epoch = -1;
      }
    }
    if (v >= 8) {  // v8+ answer each group of a batch instead
      m.topics.clear();
      m.error_code = 0;
    }
    return m;
  }
};

template <>
struct CodecCase<ListGroupsRequest> {
  RINGLOG_CODEC_FUNCTIONS(ListGroupsRequest, ListGroups)
  static ListGroupsRequest Full() { return {{"Stable", "Empty"}}; }
  static ListGroupsRequest AtVersion(ListGroupsRequest m, int16_t v) {
    if (v < 4) m.states_filter.clear();
    return m;
  }
};

template <>
struct CodecCase<ListGroupsResponse> {
  RINGLOG_CODEC_FUNCTIONS(ListGroupsResponse, ListGroups)
  static ListGroupsResponse Full() {
    return {8, 15, {{"orders", "consumer", "Stable"}, {"idle", "", "Empty"}}};
  }
  static ListGroupsResponse AtVersion(ListGroupsResponse m, int16_t v) {
    if (v < 1) m.throttle_time_ms = 0;
    if (v < 4) {
      for (auto& group : m.groups) group.group_state.clear();
    }
    return m;
  }
};

template <>
struct CodecCase<DescribeGroupsRequest> {
  RINGLOG_CODEC_FUNCTIONS(DescribeGroupsRequest, DescribeGroups)
  static DescribeGroupsRequest Full() { return {{"orders", "idle"}, true}; }
  static DescribeGroupsRequest AtVersion(DescribeGroupsRequest m, int16_t v) {
    if (v < 3) m.include_authorized_operations = false;
    return m;
  }
};

template <>
struct CodecCase<DescribeGroupsResponse> {
  RINGLOG_CODEC_FUNCTIONS(DescribeGroupsResponse, DescribeGroups)
  static DescribeGroupsResponse Full() {
    return {11,
            {{0,
              "orders",
              "Stable",
              "consumer",
              "range",
              {{"member-a", "instance-a", "client-a", "/10.0.0.1", kBinary, "assign-a"},
               {"member-b", std::nullopt, "client-b", "/10.0.0.2", "", ""}},
              0x0f00},
             {69, "gone", "Dead", "", "", {}, 0}}};
  }
  static DescribeGroupsResponse AtVersion(DescribeGroupsResponse m, int16_t v) {
    if (v < 1) m.throttle_time_ms = 0;
    for (auto& group : m.groups) {
      if (v < 3) group.authorized_operations = kAuthorizedOperationsUnknown;
      if (v < 4) {
        for (auto& member : group.members) member.group_instance_id.reset();
      }
    }
    return m;
  }
};

template <>
struct CodecCase<DeleteGroupsRequest> {
  RINGLOG_CODEC_FUNCTIONS(DeleteGroupsRequest, DeleteGroups)
  static DeleteGroupsRequest Full() { return {{"orders", "idle", ""}}; }
  static DeleteGroupsRequest AtVersion(DeleteGroupsRequest m, int16_t) { return m; }
};

template <>
struct CodecCase<DeleteGroupsResponse> {
  RINGLOG_CODEC_FUNCTIONS(DeleteGroupsResponse, DeleteGroups)
  static DeleteGroupsResponse Full() { return {13, {{"orders", 68}, {"idle", 0}}}; }
  static DeleteGroupsResponse AtVersion(DeleteGroupsResponse m, int16_t) { return m; }
};

#undef RINGLOG_CODEC_FUNCTIONS

template <typename Msg>
std::string EncodeAt(const Msg& message, int16_t version) {
  std::string out;
  WireWriter writer(&out);
  CodecCase<Msg>::Encode(writer, message, version);
  return out;
}

template <typename Msg>
Result<Msg> DecodeAt(std::string_view bytes, int16_t version) {
  WireReader reader(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  return CodecCase<Msg>::Decode(reader, version);
}

template <typename Msg>
class GroupCodecTest : public ::testing::Test {};

using AllMessages =
    ::testing::Types<FindCoordinatorRequest, FindCoordinatorResponse, JoinGroupRequest,
                     JoinGroupResponse, SyncGroupRequest, SyncGroupResponse, HeartbeatRequest,
                     HeartbeatResponse, LeaveGroupRequest, LeaveGroupResponse, OffsetCommitRequest,
                     OffsetCommitResponse, OffsetFetchRequest, OffsetFetchResponse,
                     ListGroupsRequest, ListGroupsResponse, DescribeGroupsRequest,
                     DescribeGroupsResponse, DeleteGroupsRequest, DeleteGroupsResponse>;

struct MessageName {
  template <typename Msg>
  static std::string GetName(int) {
    return CodecCase<Msg>::kName;
  }
};

TYPED_TEST_SUITE(GroupCodecTest, AllMessages, MessageName);

TYPED_TEST(GroupCodecTest, RoundTripsEveryVersionWithAbsentFieldsAsDefaults) {
  using Case = CodecCase<TypeParam>;
  for (int16_t v = Case::kMin; v <= Case::kMax; ++v) {
    SCOPED_TRACE("version " + std::to_string(v));
    const TypeParam expected = Case::AtVersion(Case::Full(), v);
    const std::string bytes = EncodeAt(Case::Full(), v);
    WireReader reader(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
    Result<TypeParam> decoded = Case::Decode(reader, v);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_TRUE(*decoded == expected);
    EXPECT_TRUE(reader.at_end()) << reader.remaining() << " bytes left";
  }
}

TYPED_TEST(GroupCodecTest, FieldsAVersionLacksDoNotReachTheWire) {
  using Case = CodecCase<TypeParam>;
  for (int16_t v = Case::kMin; v <= Case::kMax; ++v) {
    EXPECT_EQ(EncodeAt(Case::Full(), v), EncodeAt(Case::AtVersion(Case::Full(), v), v))
        << "version " << v;
  }
}

TYPED_TEST(GroupCodecTest, DefaultMessageRoundTrips) {
  using Case = CodecCase<TypeParam>;
  // Below v2 OffsetFetch has no null topic list, so its default (all topics) starts at v2.
  const int16_t first = std::is_same_v<TypeParam, OffsetFetchRequest>
                            ? kOffsetFetchFirstAllTopicsVersion
                            : Case::kMin;
  for (int16_t v = first; v <= Case::kMax; ++v) {
    Result<TypeParam> decoded = DecodeAt<TypeParam>(EncodeAt(TypeParam{}, v), v);
    ASSERT_TRUE(decoded.ok()) << "version " << v << ": " << decoded.status().ToString();
    EXPECT_TRUE(*decoded == TypeParam{}) << "version " << v;
  }
}

TYPED_TEST(GroupCodecTest, EveryTruncationIsInvalidArgument) {
  using Case = CodecCase<TypeParam>;
  for (int16_t v = Case::kMin; v <= Case::kMax; ++v) {
    const std::string bytes = EncodeAt(Case::Full(), v);
    for (size_t n = 0; n < bytes.size(); ++n) {
      Result<TypeParam> decoded = DecodeAt<TypeParam>(std::string_view(bytes).substr(0, n), v);
      ASSERT_FALSE(decoded.ok()) << "version " << v << ", " << n << " of " << bytes.size();
      EXPECT_TRUE(decoded.status().IsInvalidArgument()) << decoded.status().ToString();
    }
  }
}

TYPED_TEST(GroupCodecTest, ByteFlipsGiveAValueOrInvalidArgument) {
  using Case = CodecCase<TypeParam>;
  std::mt19937 rng(20240611);
  for (int16_t v = Case::kMin; v <= Case::kMax; ++v) {
    const std::string bytes = EncodeAt(Case::Full(), v);
    if (bytes.empty()) continue;  // ListGroups requests below v3 have no body
    std::uniform_int_distribution<size_t> position(0, bytes.size() - 1);
    std::uniform_int_distribution<int> value(0, 255);
    for (int trial = 0; trial < 300; ++trial) {
      std::string damaged = bytes;
      const int flips = 1 + trial % 3;
      for (int i = 0; i < flips; ++i) damaged[position(rng)] = static_cast<char>(value(rng));
      Result<TypeParam> decoded = DecodeAt<TypeParam>(damaged, v);
      if (!decoded.ok()) {
        EXPECT_TRUE(decoded.status().IsInvalidArgument()) << decoded.status().ToString();
        continue;
      }
      // What decodes must encode back to something that decodes to the same value.
      Result<TypeParam> again = DecodeAt<TypeParam>(EncodeAt(*decoded, v), v);
      ASSERT_TRUE(again.ok()) << again.status().ToString();
      EXPECT_TRUE(*again == *decoded);
    }
  }
}

TYPED_TEST(GroupCodecTest, VersionsOutsideTheRangeAreNotSupported) {
  using Case = CodecCase<TypeParam>;
  const std::string bytes = EncodeAt(Case::Full(), Case::kMax);
  for (int16_t v : {static_cast<int16_t>(Case::kMin - 1), static_cast<int16_t>(Case::kMax + 1)}) {
    Result<TypeParam> decoded = DecodeAt<TypeParam>(bytes, v);
    ASSERT_FALSE(decoded.ok());
    EXPECT_TRUE(decoded.status().IsNotSupported()) << decoded.status().ToString();
  }
}

}  // namespace
}  // namespace ringlog
