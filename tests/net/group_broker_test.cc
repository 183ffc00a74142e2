// The group APIs behind the real Server on loopback, driven with raw frames built by the
// codecs: FindCoordinator, the JoinGroup v5 MEMBER_ID_REQUIRED round trip through
// SyncGroup, Heartbeat, OffsetCommit, OffsetFetch (require_stable against pending
// transactional offsets too) and the admin APIs, the error codes
// Kafka returns for requests that do not fit the group, the internal offsets topic, and a
// malformed body that must close the connection without hurting the broker.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/clock.h"
#include "engine/group/group_coordinator.h"
#include "engine/group/offset_store.h"
#include "engine/log/control_batch.h"
#include "engine/log/flusher.h"
#include "engine/log/internal_topics.h"
#include "engine/log/log_manager.h"
#include "net/broker/admin_worker.h"
#include "net/broker/broker.h"
#include "net/codec/delete_groups_codec.h"
#include "net/codec/delete_topics_codec.h"
#include "net/codec/describe_groups_codec.h"
#include "net/codec/error_code.h"
#include "net/codec/find_coordinator_codec.h"
#include "net/codec/heartbeat_codec.h"
#include "net/codec/join_group_codec.h"
#include "net/codec/leave_group_codec.h"
#include "net/codec/list_groups_codec.h"
#include "net/codec/metadata_codec.h"
#include "net/codec/offset_commit_codec.h"
#include "net/codec/offset_fetch_codec.h"
#include "net/codec/sync_group_codec.h"
#include "net/server/server.h"
#include "tests/net/broker_test_client.h"
#include "tests/net/server_test_util.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {
namespace {

constexpr int16_t kMetadataKey = 3;
constexpr int16_t kOffsetCommitKey = 8;
constexpr int16_t kOffsetFetchKey = 9;
constexpr int16_t kFindCoordinatorKey = 10;
constexpr int16_t kJoinGroupKey = 11;
constexpr int16_t kHeartbeatKey = 12;
constexpr int16_t kLeaveGroupKey = 13;
constexpr int16_t kSyncGroupKey = 14;
constexpr int16_t kDescribeGroupsKey = 15;
constexpr int16_t kListGroupsKey = 16;
constexpr int16_t kDeleteTopicsKey = 20;
constexpr int16_t kDeleteGroupsKey = 42;

int16_t Code(ErrorCode code) { return ToWire(code); }

class GroupBrokerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const Status opened =
        OpenTestLogs("mem", dir_.path(), {}, SystemClock::Get(), &backend_, &logs_);
    ASSERT_TRUE(opened.ok()) << opened.ToString();
    ASSERT_TRUE(logs_->CreateTopic("orders", 2, {}).ok());
    flusher_ = std::make_unique<Flusher>(1);
    Result<std::unique_ptr<OffsetStore>> offsets =
        OffsetStore::Open(logs_.get(), flusher_.get(), SystemClock::Get(), {});
    ASSERT_TRUE(offsets.ok()) << offsets.status().ToString();
    GroupCoordinatorOptions options;
    options.initial_rebalance_delay_ms = 0;
    groups_ = std::make_unique<GroupCoordinator>(std::move(*offsets), SystemClock::Get(), options);
    services_.config.advertised_host = "broker.example";
    services_.logs = logs_.get();
    services_.flusher = flusher_.get();
    services_.groups = groups_.get();
    services_.admin = &admin_;
    services_.clock = SystemClock::Get();
    broker_ = std::make_unique<Broker>(&services_);
    ServerOptions server_options = ringlog::testing::LoopbackOptions();
    server_ = std::make_unique<Server>(server_options, broker_.get());
    ASSERT_TRUE(server_->Start().ok());
    services_.config.advertised_port = server_->bound_port();
    client_ = std::make_unique<BrokerTestClient>(server_->bound_port());
    ASSERT_TRUE(client_->connected());
  }

  void TearDown() override {
    client_.reset();
    server_->Stop();
    admin_.Stop();
    flusher_.reset();
    groups_.reset();
    EXPECT_TRUE(logs_->Close().ok());
  }

  // Sends a request (with the flexible header when `flexible`) and decodes the response
  // with `decode`.
  template <typename Response, typename Request, typename Encode, typename Decode>
  Response Call(int16_t key, int16_t version, const Request& request, Encode encode, Decode decode,
                bool flexible = false) {
    return CallBroker<Response>(
        *client_, key, version, next_correlation_id_++, flexible,
        [&](WireWriter& w) { encode(w, request, version); }, decode);
  }

  JoinGroupResponse JoinGroup(const JoinGroupRequest& request, int16_t version = 5) {
    return Call<JoinGroupResponse>(kJoinGroupKey, version, request, EncodeJoinGroupRequest,
                                   DecodeJoinGroupResponse,
                                   version >= kJoinGroupFirstFlexibleVersion);
  }
  SyncGroupResponse SyncGroup(const SyncGroupRequest& request, int16_t version = 3) {
    return Call<SyncGroupResponse>(kSyncGroupKey, version, request, EncodeSyncGroupRequest,
                                   DecodeSyncGroupResponse,
                                   version >= kSyncGroupFirstFlexibleVersion);
  }
  HeartbeatResponse Heartbeat(const HeartbeatRequest& request, int16_t version = 3) {
    return Call<HeartbeatResponse>(kHeartbeatKey, version, request, EncodeHeartbeatRequest,
                                   DecodeHeartbeatResponse,
                                   version >= kHeartbeatFirstFlexibleVersion);
  }
  OffsetCommitResponse OffsetCommit(const OffsetCommitRequest& request, int16_t version = 7) {
    return Call<OffsetCommitResponse>(kOffsetCommitKey, version, request, EncodeOffsetCommitRequest,
                                      DecodeOffsetCommitResponse,
                                      version >= kOffsetCommitFirstFlexibleVersion);
  }
  OffsetFetchResponse OffsetFetch(const OffsetFetchRequest& request, int16_t version = 5) {
    return Call<OffsetFetchResponse>(kOffsetFetchKey, version, request, EncodeOffsetFetchRequest,
                                     DecodeOffsetFetchResponse,
                                     version >= kOffsetFetchFirstFlexibleVersion);
  }

  static JoinGroupRequest Join(const std::string& member_id) {
    JoinGroupRequest request;
    request.group_id = "g";
    request.session_timeout_ms = 10000;
    request.rebalance_timeout_ms = 10000;
    request.member_id = member_id;
    request.protocol_type = "consumer";
    request.protocols = {{"range", "subscription"}};
    return request;
  }

  static OffsetCommitRequest Commit(int32_t generation, const std::string& member,
                                    const std::string& topic, int64_t offset) {
    OffsetCommitRequest request;
    request.group_id = "g";
    request.generation_id = generation;
    request.member_id = member;
    request.topics = {{topic, {{0, offset, 3, -1, std::string("meta")}}}};
    return request;
  }

  // The one member of group "g" through JoinGroup v5 (with its MEMBER_ID_REQUIRED round
  // trip); returns its join answer (generation 1, CompletingRebalance).
  JoinGroupResponse JoinAlone() {
    const JoinGroupResponse first = JoinGroup(Join(""));
    EXPECT_EQ(first.error_code, Code(ErrorCode::kMemberIdRequired));
    EXPECT_FALSE(first.member_id.empty());
    const JoinGroupResponse second = JoinGroup(Join(first.member_id));
    EXPECT_EQ(second.error_code, Code(ErrorCode::kNone));
    EXPECT_EQ(second.member_id, first.member_id);
    return second;
  }

  TempDir dir_;
  std::unique_ptr<StorageBackend> backend_;
  std::unique_ptr<LogManager> logs_;
  std::unique_ptr<Flusher> flusher_;
  std::unique_ptr<GroupCoordinator> groups_;
  AdminWorker admin_;
  BrokerServices services_;
  std::unique_ptr<Broker> broker_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<BrokerTestClient> client_;
  int32_t next_correlation_id_ = 1;
};

TEST_F(GroupBrokerTest, FindCoordinatorNamesThisBroker) {
  for (int16_t version : {0, 1, 2}) {
    const FindCoordinatorResponse response = Call<FindCoordinatorResponse>(
        kFindCoordinatorKey, version, FindCoordinatorRequest{"g", kCoordinatorKeyGroup},
        EncodeFindCoordinatorRequest, DecodeFindCoordinatorResponse);
    EXPECT_EQ(response.error_code, 0);
    EXPECT_EQ(response.host, "broker.example");
    EXPECT_EQ(response.port, server_->bound_port());
  }
  const FindCoordinatorResponse txn = Call<FindCoordinatorResponse>(
      kFindCoordinatorKey, 2, FindCoordinatorRequest{"tx", kCoordinatorKeyTransaction},
      EncodeFindCoordinatorRequest, DecodeFindCoordinatorResponse);
  EXPECT_EQ(txn.error_code, Code(ErrorCode::kCoordinatorNotAvailable));
  EXPECT_EQ(txn.node_id, -1);
}

TEST_F(GroupBrokerTest, JoinSyncHeartbeatCommitFetchAndDescribe) {
  const JoinGroupResponse joined = JoinAlone();
  EXPECT_EQ(joined.generation_id, 1);
  EXPECT_EQ(joined.leader, joined.member_id);
  ASSERT_EQ(joined.members.size(), 1u);
  EXPECT_EQ(joined.members[0].metadata, "subscription");

  const SyncGroupResponse synced = SyncGroup({.group_id = "g",
                                              .generation_id = 1,
                                              .member_id = joined.member_id,
                                              .assignments = {{joined.member_id, "orders-0-1"}}});
  EXPECT_EQ(synced.error_code, 0);
  EXPECT_EQ(synced.assignment, "orders-0-1");
  EXPECT_EQ(Heartbeat({"g", 1, joined.member_id, std::nullopt}).error_code, 0);

  const OffsetCommitResponse committed = OffsetCommit(Commit(1, joined.member_id, "orders", 42));
  ASSERT_EQ(committed.topics.size(), 1u);
  EXPECT_EQ(committed.topics[0].partitions[0].error_code, 0);

  OffsetFetchRequest all;
  all.group_id = "g";
  const OffsetFetchResponse fetched_all = OffsetFetch(all);
  ASSERT_EQ(fetched_all.topics.size(), 1u);
  EXPECT_EQ(fetched_all.topics[0].name, "orders");
  ASSERT_EQ(fetched_all.topics[0].partitions.size(), 1u);
  EXPECT_EQ(fetched_all.topics[0].partitions[0].committed_offset, 42);
  EXPECT_EQ(fetched_all.topics[0].partitions[0].committed_leader_epoch, 3);
  EXPECT_EQ(fetched_all.topics[0].partitions[0].metadata, "meta");

  OffsetFetchRequest listed;
  listed.group_id = "g";
  listed.topics = std::vector<OffsetFetchRequest::Topic>{{"orders", {0, 1}}};
  const OffsetFetchResponse fetched = OffsetFetch(listed, 1);
  ASSERT_EQ(fetched.topics.size(), 1u);
  ASSERT_EQ(fetched.topics[0].partitions.size(), 2u);
  EXPECT_EQ(fetched.topics[0].partitions[0].committed_offset, 42);
  EXPECT_EQ(fetched.topics[0].partitions[1].committed_offset, -1);
  EXPECT_EQ(fetched.topics[0].partitions[1].metadata, "");

  const ListGroupsResponse listed_groups = Call<ListGroupsResponse>(
      kListGroupsKey, 2, ListGroupsRequest{}, EncodeListGroupsRequest, DecodeListGroupsResponse);
  ASSERT_EQ(listed_groups.groups.size(), 1u);
  EXPECT_EQ(listed_groups.groups[0].group_id, "g");
  EXPECT_EQ(listed_groups.groups[0].protocol_type, "consumer");

  const DescribeGroupsResponse described = Call<DescribeGroupsResponse>(
      kDescribeGroupsKey, 4, DescribeGroupsRequest{{"g", "nobody"}, false},
      EncodeDescribeGroupsRequest, DecodeDescribeGroupsResponse);
  ASSERT_EQ(described.groups.size(), 2u);
  EXPECT_EQ(described.groups[0].group_state, "Stable");
  EXPECT_EQ(described.groups[0].protocol_data, "range");
  ASSERT_EQ(described.groups[0].members.size(), 1u);
  EXPECT_EQ(described.groups[0].members[0].client_id, "broker-test");
  EXPECT_EQ(described.groups[0].members[0].client_host, "/127.0.0.1");
  EXPECT_EQ(described.groups[0].members[0].member_assignment, "orders-0-1");
  EXPECT_EQ(described.groups[1].group_state, "Dead");

  const DeleteGroupsResponse busy =
      Call<DeleteGroupsResponse>(kDeleteGroupsKey, 1, DeleteGroupsRequest{{"g", "nobody"}},
                                 EncodeDeleteGroupsRequest, DecodeDeleteGroupsResponse);
  ASSERT_EQ(busy.results.size(), 2u);
  EXPECT_EQ(busy.results[0].error_code, Code(ErrorCode::kNonEmptyGroup));
  EXPECT_EQ(busy.results[1].error_code, Code(ErrorCode::kGroupIdNotFound));

  LeaveGroupRequest leave;
  leave.group_id = "g";
  leave.members = {{joined.member_id, std::nullopt}};
  const LeaveGroupResponse left = Call<LeaveGroupResponse>(
      kLeaveGroupKey, 3, leave, EncodeLeaveGroupRequest, DecodeLeaveGroupResponse);
  ASSERT_EQ(left.members.size(), 1u);
  EXPECT_EQ(left.members[0].error_code, 0);
  const DeleteGroupsResponse deleted =
      Call<DeleteGroupsResponse>(kDeleteGroupsKey, 1, DeleteGroupsRequest{{"g"}},
                                 EncodeDeleteGroupsRequest, DecodeDeleteGroupsResponse);
  EXPECT_EQ(deleted.results[0].error_code, 0);
  EXPECT_TRUE(OffsetFetch(all).topics.empty());
}

TEST_F(GroupBrokerTest, RequestsThatDoNotFitTheGroupGetKafkasErrors) {
  const JoinGroupResponse joined = JoinAlone();
  // CompletingRebalance: the leader has not sent the assignment yet.
  EXPECT_EQ(
      OffsetCommit(Commit(1, joined.member_id, "orders", 1)).topics[0].partitions[0].error_code,
      Code(ErrorCode::kRebalanceInProgress));
  EXPECT_EQ(
      SyncGroup({.group_id = "g", .generation_id = 7, .member_id = joined.member_id}).error_code,
      Code(ErrorCode::kIllegalGeneration));
  EXPECT_EQ(Heartbeat({"g", 1, "stranger", std::nullopt}).error_code,
            Code(ErrorCode::kUnknownMemberId));
  EXPECT_EQ(Heartbeat({"other-group", 1, joined.member_id, std::nullopt}, 1).error_code,
            Code(ErrorCode::kUnknownMemberId));
  JoinGroupRequest bad_timeout = Join("");
  bad_timeout.session_timeout_ms = 1;
  EXPECT_EQ(JoinGroup(bad_timeout, 2).error_code, Code(ErrorCode::kInvalidSessionTimeout));
  EXPECT_EQ(
      SyncGroup({.group_id = "g", .generation_id = 1, .member_id = joined.member_id}).error_code,
      0);
  EXPECT_EQ(
      OffsetCommit(Commit(0, joined.member_id, "orders", 1), 2).topics[0].partitions[0].error_code,
      Code(ErrorCode::kIllegalGeneration));
  EXPECT_EQ(OffsetCommit(Commit(1, joined.member_id, "no-such-topic", 1))
                .topics[0]
                .partitions[0]
                .error_code,
            Code(ErrorCode::kUnknownTopicOrPartition));
  EXPECT_EQ(OffsetCommit(Commit(-1, "", "orders", 1), 0).topics[0].partitions[0].error_code,
            Code(ErrorCode::kUnknownMemberId))
      << "a group with members refuses commits from outside it";
}

TEST_F(GroupBrokerTest, TheOffsetsTopicIsInternalAndOutlivesTopicDeletions) {
  OffsetCommitRequest commit = Commit(-1, "", "orders", 9);
  commit.group_id = "standalone";
  ASSERT_EQ(OffsetCommit(commit, 2).topics[0].partitions[0].error_code, 0);

  MetadataRequest everything;
  const MetadataResponse metadata = Call<MetadataResponse>(
      kMetadataKey, 1, everything, EncodeMetadataRequest, DecodeMetadataResponse);
  bool found = false;
  for (const MetadataResponse::Topic& topic : metadata.topics) {
    EXPECT_EQ(topic.is_internal, topic.name == kConsumerOffsetsTopic) << topic.name.value_or("");
    found = found || topic.name == kConsumerOffsetsTopic;
  }
  EXPECT_TRUE(found);

  DeleteTopicsRequest deletion;
  deletion.topic_names = {std::string(kConsumerOffsetsTopic), "orders"};
  const DeleteTopicsResponse deleted = Call<DeleteTopicsResponse>(
      kDeleteTopicsKey, 1, deletion, EncodeDeleteTopicsRequest, DecodeDeleteTopicsResponse);
  ASSERT_EQ(deleted.responses.size(), 2u);
  EXPECT_EQ(deleted.responses[0].error_code, Code(ErrorCode::kInvalidTopicException));
  EXPECT_EQ(deleted.responses[1].error_code, 0);
  OffsetFetchRequest all;
  all.group_id = "standalone";
  EXPECT_TRUE(OffsetFetch(all).topics.empty()) << "the deleted topic's offsets went with it";
}

TEST_F(GroupBrokerTest, FindCoordinatorV4AnswersEveryKeyOfTheBatch) {
  FindCoordinatorRequest groups;
  groups.coordinator_keys = {"g", "h"};
  const FindCoordinatorResponse found =
      Call<FindCoordinatorResponse>(kFindCoordinatorKey, 4, groups, EncodeFindCoordinatorRequest,
                                    DecodeFindCoordinatorResponse, true);
  ASSERT_EQ(found.coordinators.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(found.coordinators[i].key, groups.coordinator_keys[i]);
    EXPECT_EQ(found.coordinators[i].error_code, 0);
    EXPECT_EQ(found.coordinators[i].host, "broker.example");
    EXPECT_EQ(found.coordinators[i].port, server_->bound_port());
    EXPECT_FALSE(found.coordinators[i].error_message.has_value());
  }
  FindCoordinatorRequest transactions;
  transactions.key_type = kCoordinatorKeyTransaction;
  transactions.coordinator_keys = {"tx"};
  const FindCoordinatorResponse none = Call<FindCoordinatorResponse>(
      kFindCoordinatorKey, 5, transactions, EncodeFindCoordinatorRequest,
      DecodeFindCoordinatorResponse, true);
  ASSERT_EQ(none.coordinators.size(), 1u);
  EXPECT_EQ(none.coordinators[0].key, "tx");
  EXPECT_EQ(none.coordinators[0].error_code, Code(ErrorCode::kCoordinatorNotAvailable));
  EXPECT_EQ(none.coordinators[0].node_id, -1);
}

TEST_F(GroupBrokerTest, FlexibleJoinAndSyncNameTheProtocolAndSyncChecksIt) {
  JoinGroupRequest join = Join("");
  join.reason = "a test joins";
  const JoinGroupResponse first = JoinGroup(join, 9);
  EXPECT_EQ(first.error_code, Code(ErrorCode::kMemberIdRequired));
  EXPECT_FALSE(first.protocol_type.has_value());
  EXPECT_FALSE(first.protocol_name.has_value()) << "no protocol chosen yet: null from v7";
  join.member_id = first.member_id;
  const JoinGroupResponse joined = JoinGroup(join, 9);
  EXPECT_EQ(joined.error_code, 0);
  EXPECT_EQ(joined.protocol_type, "consumer");
  EXPECT_EQ(joined.protocol_name, "range");
  EXPECT_FALSE(joined.skip_assignment);

  SyncGroupRequest sync{.group_id = "g",
                        .generation_id = joined.generation_id,
                        .member_id = joined.member_id,
                        .assignments = {{joined.member_id, "orders-0"}}};
  EXPECT_EQ(SyncGroup(sync, 5).error_code, Code(ErrorCode::kInconsistentGroupProtocol))
      << "v5 requires the protocol type and name";
  sync.protocol_type = "consumer";
  sync.protocol_name = "roundrobin";
  EXPECT_EQ(SyncGroup(sync, 5).error_code, Code(ErrorCode::kInconsistentGroupProtocol));
  sync.protocol_name = "range";
  const SyncGroupResponse synced = SyncGroup(sync, 5);
  EXPECT_EQ(synced.error_code, 0);
  EXPECT_EQ(synced.assignment, "orders-0");
  EXPECT_EQ(synced.protocol_type, "consumer");
  EXPECT_EQ(synced.protocol_name, "range");
  EXPECT_EQ(Heartbeat({"g", joined.generation_id, joined.member_id, std::nullopt}, 4).error_code,
            0);

  LeaveGroupRequest leave;
  leave.group_id = "g";
  leave.members.push_back({.member_id = joined.member_id, .reason = "the test is over"});
  const LeaveGroupResponse left = Call<LeaveGroupResponse>(
      kLeaveGroupKey, 5, leave, EncodeLeaveGroupRequest, DecodeLeaveGroupResponse, true);
  ASSERT_EQ(left.members.size(), 1u);
  EXPECT_EQ(left.members[0].member_id, joined.member_id);
  EXPECT_EQ(left.members[0].error_code, 0);
}

TEST_F(GroupBrokerTest, OffsetFetchV8ServesEveryGroupOfTheBatch) {
  const JoinGroupResponse joined = JoinAlone();
  SyncGroup({.group_id = "g",
             .generation_id = 1,
             .member_id = joined.member_id,
             .assignments = {{joined.member_id, "orders-0"}}});
  ASSERT_EQ(
      OffsetCommit(Commit(1, joined.member_id, "orders", 42), 9).topics[0].partitions[0].error_code,
      0);
  OffsetCommitRequest other = Commit(-1, "", "orders", 7);
  other.group_id = "other";
  ASSERT_EQ(OffsetCommit(other, 8).topics[0].partitions[0].error_code, 0);

  OffsetFetchRequest request;
  request.groups.push_back({.group_id = "g"});  // null topics: all of them
  request.groups.push_back(
      {.group_id = "other", .topics = std::vector<OffsetFetchRequest::Topic>{{"orders", {0, 1}}}});
  request.groups.push_back({.group_id = "nobody"});
  const OffsetFetchResponse fetched = OffsetFetch(request, 8);
  ASSERT_EQ(fetched.groups.size(), 3u);
  EXPECT_EQ(fetched.groups[0].group_id, "g");
  ASSERT_EQ(fetched.groups[0].topics.size(), 1u);
  ASSERT_EQ(fetched.groups[0].topics[0].partitions.size(), 1u);
  EXPECT_EQ(fetched.groups[0].topics[0].partitions[0].committed_offset, 42);
  EXPECT_EQ(fetched.groups[0].topics[0].partitions[0].metadata, "meta");
  EXPECT_EQ(fetched.groups[1].group_id, "other");
  ASSERT_EQ(fetched.groups[1].topics.size(), 1u);
  ASSERT_EQ(fetched.groups[1].topics[0].partitions.size(), 2u);
  EXPECT_EQ(fetched.groups[1].topics[0].partitions[0].committed_offset, 7);
  EXPECT_EQ(fetched.groups[1].topics[0].partitions[1].committed_offset, -1);
  EXPECT_EQ(fetched.groups[2].group_id, "nobody");
  EXPECT_TRUE(fetched.groups[2].topics.empty());
  for (const OffsetFetchResponse::Group& group : fetched.groups) EXPECT_EQ(group.error_code, 0);
  EXPECT_TRUE(fetched.topics.empty());
}

TEST_F(GroupBrokerTest, RequireStableWaitsOutPendingTransactionalOffsets) {
  ASSERT_EQ(OffsetCommit(Commit(-1, "", "orders", 5), 8).topics[0].partitions[0].error_code, 0);
  constexpr int64_t kProducer = 77;
  TxnOffsetCommitParams txn;
  txn.group_id = "g";
  txn.producer_id = kProducer;
  txn.producer_epoch = 0;
  txn.offsets[PartitionId{"orders", 0}] = CommittedOffset{9, -1, "txn", 0};
  txn.offsets[PartitionId{"orders", 1}] = CommittedOffset{3, -1, "txn", 0};
  std::promise<std::map<PartitionId, GroupError>> stored;
  groups_->CommitTxnOffsets(
      txn, [&](const std::map<PartitionId, GroupError>& outcome) { stored.set_value(outcome); });
  for (const auto& [partition, error] : stored.get_future().get()) {
    EXPECT_EQ(error, GroupError::kNone) << partition.partition;
  }

  OffsetFetchRequest listed;
  listed.group_id = "g";
  listed.topics = std::vector<OffsetFetchRequest::Topic>{{"orders", {0, 1}}};
  const OffsetFetchResponse unstable = [&] {
    OffsetFetchRequest request = listed;
    request.require_stable = true;
    return OffsetFetch(request, 7);
  }();
  EXPECT_EQ(unstable.error_code, 0);
  ASSERT_EQ(unstable.topics.size(), 1u);
  ASSERT_EQ(unstable.topics[0].partitions.size(), 2u);
  for (const OffsetFetchResponse::Partition& p : unstable.topics[0].partitions) {
    EXPECT_EQ(p.error_code, Code(ErrorCode::kUnstableOffsetCommit)) << p.partition_index;
    EXPECT_EQ(p.committed_offset, -1);
  }
  const OffsetFetchResponse uncommitted = OffsetFetch(listed, 7);
  ASSERT_EQ(uncommitted.topics[0].partitions.size(), 2u);
  EXPECT_EQ(uncommitted.topics[0].partitions[0].committed_offset, 5) << "without require_stable";
  EXPECT_EQ(uncommitted.topics[0].partitions[0].error_code, 0);
  EXPECT_EQ(uncommitted.topics[0].partitions[1].committed_offset, -1);

  OffsetFetchRequest all;
  all.groups.push_back({.group_id = "g"});
  all.require_stable = true;
  const OffsetFetchResponse all_unstable = OffsetFetch(all, 8);
  ASSERT_EQ(all_unstable.groups.size(), 1u);
  ASSERT_EQ(all_unstable.groups[0].topics.size(), 1u);
  ASSERT_EQ(all_unstable.groups[0].topics[0].partitions.size(), 1u)
      << "all offsets: the committed partitions, as Kafka lists them";
  EXPECT_EQ(all_unstable.groups[0].topics[0].partitions[0].error_code,
            Code(ErrorCode::kUnstableOffsetCommit));

  // The COMMIT marker lands, and the WriteTxnMarkers handler tells the coordinator.
  const int32_t partition = groups_->PartitionFor("g");
  ControlMarker marker;
  marker.producer_id = kProducer;
  marker.producer_epoch = 0;
  marker.type = ControlType::kCommit;
  ASSERT_TRUE(logs_->GetPartition(PartitionId{std::string(kConsumerOffsetsTopic), partition})
                  ->AppendMarker(marker)
                  .ok());
  groups_->CompleteTransaction(partition, kProducer, ControlType::kCommit);
  OffsetFetchRequest stable_request = listed;
  stable_request.require_stable = true;
  const OffsetFetchResponse stable = OffsetFetch(stable_request, 7);
  ASSERT_EQ(stable.topics[0].partitions.size(), 2u);
  EXPECT_EQ(stable.topics[0].partitions[0].committed_offset, 9);
  EXPECT_EQ(stable.topics[0].partitions[0].metadata, "txn");
  EXPECT_EQ(stable.topics[0].partitions[1].committed_offset, 3);
  for (const OffsetFetchResponse::Partition& p : stable.topics[0].partitions) {
    EXPECT_EQ(p.error_code, 0);
  }
}

TEST_F(GroupBrokerTest, AdminAnswersAtTheFlexibleVersions) {
  const JoinGroupResponse joined = JoinAlone();
  SyncGroup({.group_id = "g",
             .generation_id = 1,
             .member_id = joined.member_id,
             .assignments = {{joined.member_id, "orders-0"}}});

  ListGroupsRequest classic;
  classic.types_filter = {"Classic"};
  const ListGroupsResponse listed = Call<ListGroupsResponse>(
      kListGroupsKey, 5, classic, EncodeListGroupsRequest, DecodeListGroupsResponse, true);
  ASSERT_EQ(listed.groups.size(), 1u);
  EXPECT_EQ(listed.groups[0].group_id, "g");
  EXPECT_EQ(listed.groups[0].group_state, "Stable");
  EXPECT_EQ(listed.groups[0].group_type, "classic");
  ListGroupsRequest other_type;
  other_type.types_filter = {"consumer"};
  EXPECT_TRUE(Call<ListGroupsResponse>(kListGroupsKey, 5, other_type, EncodeListGroupsRequest,
                                       DecodeListGroupsResponse, true)
                  .groups.empty());

  for (bool include : {false, true}) {
    const DescribeGroupsResponse described = Call<DescribeGroupsResponse>(
        kDescribeGroupsKey, 5, DescribeGroupsRequest{{"g"}, include}, EncodeDescribeGroupsRequest,
        DecodeDescribeGroupsResponse, true);
    ASSERT_EQ(described.groups.size(), 1u);
    EXPECT_EQ(described.groups[0].group_state, "Stable");
    // No authorizer: every group operation (READ 3, DELETE 6, DESCRIBE 8) is allowed.
    EXPECT_EQ(described.groups[0].authorized_operations,
              include ? (1 << 3) | (1 << 6) | (1 << 8) : kAuthorizedOperationsUnknown);
  }

  const DeleteGroupsResponse busy =
      Call<DeleteGroupsResponse>(kDeleteGroupsKey, 2, DeleteGroupsRequest{{"g"}},
                                 EncodeDeleteGroupsRequest, DecodeDeleteGroupsResponse, true);
  ASSERT_EQ(busy.results.size(), 1u);
  EXPECT_EQ(busy.results[0].error_code, Code(ErrorCode::kNonEmptyGroup));
}

TEST_F(GroupBrokerTest, AGroupOfAnUnloadedPartitionGetsNotCoordinator) {
  const JoinGroupResponse joined = JoinAlone();
  SyncGroup({.group_id = "g",
             .generation_id = 1,
             .member_id = joined.member_id,
             .assignments = {{joined.member_id, "orders-0"}}});
  ASSERT_EQ(
      OffsetCommit(Commit(1, joined.member_id, "orders", 5)).topics[0].partitions[0].error_code, 0);
  // The partition holding "g" moved to another broker.
  groups_->UnloadPartition(groups_->PartitionFor("g"));
  const int16_t not_coordinator = Code(ErrorCode::kNotCoordinator);

  EXPECT_EQ(JoinGroup(Join(joined.member_id)).error_code, not_coordinator);
  EXPECT_EQ(
      SyncGroup({.group_id = "g", .generation_id = 1, .member_id = joined.member_id}).error_code,
      not_coordinator);
  EXPECT_EQ(Heartbeat({"g", 1, joined.member_id, std::nullopt}).error_code, not_coordinator);
  EXPECT_EQ(
      OffsetCommit(Commit(1, joined.member_id, "orders", 6)).topics[0].partitions[0].error_code,
      not_coordinator);
  OffsetFetchRequest all;
  all.group_id = "g";
  const OffsetFetchResponse fetched = OffsetFetch(all);
  EXPECT_EQ(fetched.error_code, not_coordinator);
  EXPECT_TRUE(fetched.topics.empty());
  OffsetFetchRequest listed;
  listed.group_id = "g";
  listed.topics = std::vector<OffsetFetchRequest::Topic>{{"orders", {0}}};
  const OffsetFetchResponse fetched_v1 = OffsetFetch(listed, 1);
  ASSERT_EQ(fetched_v1.topics.size(), 1u);
  EXPECT_EQ(fetched_v1.topics[0].partitions[0].error_code, not_coordinator)
      << "v0-1 have no group-level error";
  EXPECT_EQ(fetched_v1.topics[0].partitions[0].committed_offset, -1);
  const DescribeGroupsResponse described =
      Call<DescribeGroupsResponse>(kDescribeGroupsKey, 4, DescribeGroupsRequest{{"g"}, false},
                                   EncodeDescribeGroupsRequest, DecodeDescribeGroupsResponse);
  ASSERT_EQ(described.groups.size(), 1u);
  EXPECT_EQ(described.groups[0].error_code, not_coordinator);
  const DeleteGroupsResponse deleted =
      Call<DeleteGroupsResponse>(kDeleteGroupsKey, 1, DeleteGroupsRequest{{"g"}},
                                 EncodeDeleteGroupsRequest, DecodeDeleteGroupsResponse);
  EXPECT_EQ(deleted.results[0].error_code, not_coordinator);
  LeaveGroupRequest leave;
  leave.group_id = "g";
  leave.members = {{joined.member_id, std::nullopt}};
  const LeaveGroupResponse left = Call<LeaveGroupResponse>(
      kLeaveGroupKey, 3, leave, EncodeLeaveGroupRequest, DecodeLeaveGroupResponse);
  EXPECT_EQ(left.error_code, not_coordinator);
  EXPECT_TRUE(left.members.empty());
  EXPECT_TRUE(Call<ListGroupsResponse>(kListGroupsKey, 2, ListGroupsRequest{},
                                       EncodeListGroupsRequest, DecodeListGroupsResponse)
                  .groups.empty());

  // It comes back: the offsets are there again.
  ASSERT_TRUE(groups_->LoadPartition(groups_->PartitionFor("g")).ok());
  const OffsetFetchResponse again = OffsetFetch(all);
  EXPECT_EQ(again.error_code, 0);
  ASSERT_EQ(again.topics.size(), 1u);
  EXPECT_EQ(again.topics[0].partitions[0].committed_offset, 5);
}

TEST_F(GroupBrokerTest, AMalformedJoinClosesTheConnectionOnly) {
  client_->Send(kJoinGroupKey, 5, 99, false, [](WireWriter& w) { w.WriteInt16(3); });
  EXPECT_TRUE(client_->WaitClosed());
  client_ = std::make_unique<BrokerTestClient>(server_->bound_port());
  EXPECT_EQ(JoinAlone().generation_id, 1);
}

}  // namespace
}  // namespace ringlog::testing
