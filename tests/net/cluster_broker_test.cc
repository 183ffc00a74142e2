// The request handlers in cluster mode, behind the real Server on loopback, with a fake
// ClusterView (tests/net/fake_cluster_view.h) in place of ZooKeeper: Metadata from the
// snapshot, NOT_LEADER_OR_FOLLOWER on the data path for partitions led elsewhere, topic
// administration through ClusterAdmin on the controller and forwarded elsewhere,
// auto-creation by the controller, FindCoordinator from the offsets topic's leaders, and
// DescribeCluster.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/clock.h"
#include "engine/group/group_coordinator.h"
#include "engine/group/offset_store.h"
#include "engine/log/flusher.h"
#include "engine/log/log_manager.h"
#include "engine/log/record_batch_builder.h"
#include "net/broker/admin_worker.h"
#include "net/broker/broker.h"
#include "net/broker/partition_watchers.h"
#include "net/codec/alter_configs_codec.h"
#include "net/codec/create_topics_codec.h"
#include "net/codec/delete_records_codec.h"
#include "net/codec/delete_topics_codec.h"
#include "net/codec/describe_cluster_codec.h"
#include "net/codec/error_code.h"
#include "net/codec/fetch_codec.h"
#include "net/codec/find_coordinator_codec.h"
#include "net/codec/incremental_alter_configs_codec.h"
#include "net/codec/list_offsets_codec.h"
#include "net/codec/metadata_codec.h"
#include "net/codec/metadata_topics.h"
#include "net/codec/produce_codec.h"
#include "net/codec/request_header.h"
#include "net/server/server.h"
#include "tests/net/broker_test_client.h"
#include "tests/net/fake_cluster_view.h"
#include "tests/net/server_test_util.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {
namespace {

constexpr int16_t kProduceKey = 0;
constexpr int16_t kFetchKey = 1;
constexpr int16_t kListOffsetsKey = 2;
constexpr int16_t kMetadataKey = 3;
constexpr int16_t kFindCoordinatorKey = 10;
constexpr int16_t kCreateTopicsKey = 19;
constexpr int16_t kDeleteTopicsKey = 20;
constexpr int16_t kAlterConfigsKey = 33;
constexpr int16_t kDeleteRecordsKey = 21;
constexpr int16_t kIncrementalAlterConfigsKey = 44;
constexpr int16_t kDescribeClusterKey = 60;

constexpr int32_t kSelf = 1;

int16_t Code(ErrorCode code) { return ToWire(code); }

// A topic id whose every byte is `n`.
Uuid Id(uint8_t n) {
  Uuid id;
  id.bytes.fill(n);
  return id;
}

std::span<const uint8_t> AsBytes(const std::string& s) {
  return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

ClusterPartition Partition(std::vector<int32_t> replicas, int32_t leader, int32_t epoch,
                           std::vector<int32_t> isr) {
  ClusterPartition p;
  p.replicas = std::move(replicas);
  p.state.leader = leader;
  p.state.leader_epoch = epoch;
  p.state.isr = std::move(isr);
  return p;
}

// Brokers 1 (this one), 2 and 4 live; broker 3 is not. Broker 2 is the controller.
// "orders": partition 0 led here, 1 led by broker 2, 2 without a leader (its only replica,
// broker 3, is down).
ClusterSnapshot BaseSnapshot() {
  ClusterSnapshot s;
  s.cluster_id = "zk-cluster";
  s.controller_id = 2;
  s.controller_epoch = 5;
  s.brokers[1] = {1, "host-a", 9001, "rack-1"};
  s.brokers[2] = {2, "host-b", 9002, std::nullopt};
  s.brokers[4] = {4, "host-d", 9004, std::nullopt};
  ClusterTopic& orders = s.topics["orders"];
  orders.id = Id(0x11);
  orders.partitions.push_back(Partition({1, 3}, 1, 4, {1}));
  orders.partitions.push_back(Partition({2, 1}, 2, 1, {2, 1}));
  orders.partitions.push_back(Partition({3}, -1, 2, {}));
  return s;
}

// A topic of `partitions` partitions, each led by `leader`.
ClusterTopic LedTopic(int32_t partitions, int32_t leader, Uuid id = Id(7)) {
  ClusterTopic topic;
  topic.id = id;
  for (int32_t i = 0; i < partitions; ++i) {
    topic.partitions.push_back(Partition({leader}, leader, 0, {leader}));
  }
  return topic;
}

class ClusterBrokerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const Status opened = OpenTestLogs("mem", dir_.path(), {}, &clock_, &backend_, &logs_);
    ASSERT_TRUE(opened.ok()) << opened.ToString();
    // The local replicas of the snapshot's topic (LocalReplicas' work in a real broker).
    ASSERT_TRUE(logs_->CreateTopic("orders", 3, {}).ok());
    flusher_ = std::make_unique<Flusher>(1);
    Result<std::unique_ptr<OffsetStore>> offsets =
        OffsetStore::Open(logs_.get(), flusher_.get(), &clock_, {});
    ASSERT_TRUE(offsets.ok()) << offsets.status().ToString();
    groups_ =
        std::make_unique<GroupCoordinator>(std::move(*offsets), &clock_, GroupCoordinatorOptions{});
    cluster_.SetSnapshot(BaseSnapshot());
    cluster_.SetLeads(PartitionId{"orders", 0});
    services_.config.node_id = kSelf;
    services_.config.num_partitions = 3;
    services_.config.default_replication_factor = 2;
    services_.config.offsets_topic_num_partitions = 50;
    services_.config.offsets_topic_replication_factor = 3;
    services_.logs = logs_.get();
    services_.flusher = flusher_.get();
    services_.watchers = &watchers_;
    services_.groups = groups_.get();
    services_.admin = &admin_;
    services_.clock = &clock_;
    services_.cluster = &cluster_;
    broker_ = std::make_unique<Broker>(&services_);
    ServerOptions options = ringlog::testing::LoopbackOptions();
    options.num_loops = 1;
    server_ = std::make_unique<Server>(options, broker_.get());
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

  template <typename Response, typename Encode, typename Decode>
  Response Call(int16_t key, int16_t version, bool flexible, Encode encode, Decode decode) {
    return CallBroker<Response>(*client_, key, version, next_id_++, flexible, encode, decode);
  }

  MetadataResponse Metadata(const MetadataRequest& request, int16_t version = 12) {
    return Call<MetadataResponse>(
        kMetadataKey, version, version >= kMetadataFirstFlexibleVersion,
        [&](WireWriter& w) { EncodeMetadataRequest(w, request, version); }, DecodeMetadataResponse);
  }

  MetadataRequest Named(std::vector<std::string> topics, bool allow_creation) {
    MetadataRequest request = MetadataRequestFor(std::move(topics));
    request.allow_auto_topic_creation = allow_creation;
    return request;
  }

  int16_t ProduceError(const std::string& topic, int32_t partition) {
    const std::string batch = BuildRecordBatch({RecordData{std::string("k"), "v", 1000, {}}});
    ProduceRequest request;
    request.acks = 1;
    request.timeout_ms = 5000;
    request.topics.push_back({topic, {{partition, AsBytes(batch), 0}}});
    const ProduceResponse response = Call<ProduceResponse>(
        kProduceKey, 7, false, [&](WireWriter& w) { EncodeProduceRequest(w, request, 7); },
        DecodeProduceResponse);
    if (response.topics.size() != 1 || response.topics[0].partitions.size() != 1) return -999;
    return response.topics[0].partitions[0].error_code;
  }

  int16_t FetchError(const std::string& topic, int32_t partition) {
    FetchRequest request;
    request.max_bytes = 1 << 20;
    request.topics.push_back(
        {.topic = topic,
         .partitions = {
             {.partition = partition, .fetch_offset = 0, .partition_max_bytes = 1 << 20}}});
    const FetchResponse response = Call<FetchResponse>(
        kFetchKey, 11, false, [&](WireWriter& w) { EncodeFetchRequest(w, request, 11); },
        DecodeFetchResponse);
    if (response.topics.size() != 1 || response.topics[0].partitions.size() != 1) return -999;
    return response.topics[0].partitions[0].error_code;
  }

  int16_t ListOffsetsError(const std::string& topic, int32_t partition) {
    ListOffsetsRequest request;
    ListOffsetsRequest::Topic& asked = request.topics.emplace_back();
    asked.name = topic;
    asked.partitions.emplace_back().partition_index = partition;
    const ListOffsetsResponse response = Call<ListOffsetsResponse>(
        kListOffsetsKey, 5, false, [&](WireWriter& w) { EncodeListOffsetsRequest(w, request, 5); },
        DecodeListOffsetsResponse);
    if (response.topics.size() != 1 || response.topics[0].partitions.size() != 1) return -999;
    return response.topics[0].partitions[0].error_code;
  }

  int16_t DeleteRecordsError(const std::string& topic, int32_t partition) {
    DeleteRecordsRequest request;
    request.timeout_ms = 5000;
    DeleteRecordsRequest::Topic& asked = request.topics.emplace_back();
    asked.name = topic;
    DeleteRecordsRequest::Partition& p = asked.partitions.emplace_back();
    p.partition_index = partition;
    p.offset = 0;
    const DeleteRecordsResponse response = Call<DeleteRecordsResponse>(
        kDeleteRecordsKey, 1, false,
        [&](WireWriter& w) { EncodeDeleteRecordsRequest(w, request, 1); },
        DecodeDeleteRecordsResponse);
    if (response.topics.size() != 1 || response.topics[0].partitions.size() != 1) return -999;
    return response.topics[0].partitions[0].error_code;
  }

  FindCoordinatorResponse FindCoordinator(std::vector<std::string> groups, int16_t version = 4) {
    FindCoordinatorRequest request;
    request.key_type = kCoordinatorKeyGroup;
    if (version >= kFindCoordinatorFirstBatchVersion) {
      request.coordinator_keys = std::move(groups);
    } else {
      request.key = groups.at(0);
    }
    return Call<FindCoordinatorResponse>(
        kFindCoordinatorKey, version, version >= kFindCoordinatorFirstFlexibleVersion,
        [&](WireWriter& w) { EncodeFindCoordinatorRequest(w, request, version); },
        DecodeFindCoordinatorResponse);
  }

  // Adds `topic` to the snapshot.
  void Publish(const std::string& name, ClusterTopic topic) {
    ClusterSnapshot next = *cluster_.Snapshot();
    next.topics[name] = std::move(topic);
    cluster_.SetSnapshot(std::move(next));
  }

  TempDir dir_;
  ManualClock clock_{1'700'000'000'000};
  std::unique_ptr<StorageBackend> backend_;
  std::unique_ptr<LogManager> logs_;
  std::unique_ptr<Flusher> flusher_;
  std::unique_ptr<GroupCoordinator> groups_;
  PartitionWatchers watchers_;
  AdminWorker admin_;
  FakeClusterView cluster_;
  FakeClusterAdmin controller_;
  BrokerServices services_;
  std::unique_ptr<Broker> broker_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<BrokerTestClient> client_;
  int32_t next_id_ = 1;
};

TEST_F(ClusterBrokerTest, MetadataComesFromTheSnapshot) {
  const MetadataResponse response = Metadata(Named({"orders"}, false));
  ASSERT_EQ(response.brokers.size(), 3u);
  EXPECT_EQ(response.brokers[0], (MetadataResponse::Broker{1, "host-a", 9001, "rack-1"}));
  EXPECT_EQ(response.brokers[1], (MetadataResponse::Broker{2, "host-b", 9002, std::nullopt}));
  EXPECT_EQ(response.brokers[2].node_id, 4);
  EXPECT_EQ(response.controller_id, 2);
  EXPECT_EQ(response.cluster_id, "zk-cluster");
  ASSERT_EQ(response.topics.size(), 1u);
  const MetadataResponse::Topic& topic = response.topics[0];
  EXPECT_EQ(topic.error_code, Code(ErrorCode::kNone));
  EXPECT_EQ(topic.topic_id, (Id(0x11)));
  ASSERT_EQ(topic.partitions.size(), 3u);
  const MetadataResponse::Partition& p0 = topic.partitions[0];
  EXPECT_EQ(p0.error_code, Code(ErrorCode::kNone));
  EXPECT_EQ(p0.leader_id, 1);
  EXPECT_EQ(p0.leader_epoch, 4);
  EXPECT_EQ(p0.replica_nodes, (std::vector<int32_t>{1, 3}));
  EXPECT_EQ(p0.isr_nodes, (std::vector<int32_t>{1}));
  EXPECT_EQ(p0.offline_replicas, (std::vector<int32_t>{3}));
  const MetadataResponse::Partition& p1 = topic.partitions[1];
  EXPECT_EQ(p1.leader_id, 2);
  EXPECT_EQ(p1.leader_epoch, 1);
  EXPECT_EQ(p1.isr_nodes, (std::vector<int32_t>{2, 1}));
  EXPECT_TRUE(p1.offline_replicas.empty());
  const MetadataResponse::Partition& p2 = topic.partitions[2];
  EXPECT_EQ(p2.error_code, Code(ErrorCode::kLeaderNotAvailable));
  EXPECT_EQ(p2.leader_id, -1);
  EXPECT_EQ(p2.offline_replicas, (std::vector<int32_t>{3}));
}

TEST_F(ClusterBrokerTest, MetadataOfEveryTopicAndOfUnknownOnes) {
  // v1: every topic is a null array; the snapshot's topics, not the local ones.
  ASSERT_TRUE(logs_->CreateTopic("local-only", 1, {}).ok());
  const MetadataResponse all = Metadata(MetadataRequestFor(std::nullopt), 1);
  ASSERT_EQ(all.topics.size(), 1u);
  EXPECT_EQ(all.topics[0].name, "orders");
  EXPECT_EQ(all.controller_id, 2);

  const MetadataResponse unknown = Metadata(Named({"ghost"}, false));
  ASSERT_EQ(unknown.topics.size(), 1u);
  EXPECT_EQ(unknown.topics[0].error_code, Code(ErrorCode::kUnknownTopicOrPartition));
  EXPECT_TRUE(controller_.created.empty());
}

TEST_F(ClusterBrokerTest, MetadataAutoCreationGoesToTheController) {
  cluster_.SetAdmin(&controller_);
  const MetadataResponse response = Metadata(Named({"fresh"}, true));
  ASSERT_EQ(response.topics.size(), 1u);
  EXPECT_EQ(response.topics[0].name, "fresh");
  EXPECT_EQ(response.topics[0].error_code, Code(ErrorCode::kLeaderNotAvailable));
  ASSERT_EQ(controller_.created.size(), 1u);
  EXPECT_EQ(controller_.created[0].name, "fresh");
  EXPECT_EQ(controller_.created[0].partitions, 3);
  EXPECT_EQ(controller_.created[0].replication_factor, 2);
  // Nothing is created locally: the local replicas follow the snapshot.
  EXPECT_FALSE(logs_->GetTopic("fresh").ok());
}

TEST_F(ClusterBrokerTest, AutoCreationWithoutAReachableControllerAsksTheClientToRetry) {
  const MetadataResponse response = Metadata(Named({"fresh"}, true));
  ASSERT_EQ(response.topics.size(), 1u);
  EXPECT_EQ(response.topics[0].error_code, Code(ErrorCode::kLeaderNotAvailable));
  EXPECT_EQ(cluster_.forwarded.size(), 1u);

  cluster_.SetAdmin(&controller_);
  controller_.outcome = {ErrorCode::kInvalidReplicationFactor, "2 > 1 live broker"};
  const MetadataResponse refused = Metadata(Named({"fresh"}, true));
  ASSERT_EQ(refused.topics.size(), 1u);
  EXPECT_EQ(refused.topics[0].error_code, Code(ErrorCode::kInvalidReplicationFactor));
}

TEST_F(ClusterBrokerTest, AutoCreationIsForwardedWhenAnotherBrokerIsTheController) {
  cluster_.SetForward([](std::string_view frame) -> Result<std::string> {
    const std::string copy(frame);
    WireReader reader(AsBytes(copy));
    Result<RequestHeader> header = DecodeRequestHeaderPrefix(reader);
    EXPECT_TRUE(header.ok());
    EXPECT_TRUE(DecodeRequestHeaderRest(reader, false, &*header).ok());
    EXPECT_EQ(header->api_key, kCreateTopicsKey);
    EXPECT_EQ(header->client_id, "ringlog-broker");
    Result<CreateTopicsRequest> request = DecodeCreateTopicsRequest(reader, header->api_version);
    EXPECT_TRUE(request.ok());
    std::string response;
    WireWriter writer(&response);
    EncodeResponseHeader(writer, header->correlation_id, false);
    CreateTopicsResponse answer;
    CreateTopicsResponse::TopicResult& result = answer.topics.emplace_back();
    result.name = request->topics.at(0).name;
    EncodeCreateTopicsResponse(writer, answer, header->api_version);
    return response;
  });
  EXPECT_EQ(ProduceError("fresh", 0), Code(ErrorCode::kLeaderNotAvailable));
  ASSERT_EQ(cluster_.forwarded.size(), 1u);
  WireReader reader(AsBytes(cluster_.forwarded[0]));
  Result<RequestHeader> header = DecodeRequestHeaderPrefix(reader);
  ASSERT_TRUE(header.ok());
  ASSERT_TRUE(DecodeRequestHeaderRest(reader, false, &*header).ok());
  Result<CreateTopicsRequest> request = DecodeCreateTopicsRequest(reader, header->api_version);
  ASSERT_TRUE(request.ok());
  ASSERT_EQ(request->topics.size(), 1u);
  EXPECT_EQ(request->topics[0].name, "fresh");
  EXPECT_EQ(request->topics[0].num_partitions, 3);
  EXPECT_EQ(request->topics[0].replication_factor, 2);
}

TEST_F(ClusterBrokerTest, DataPathServesOnlyPartitionsLedHere) {
  services_.config.auto_create_topics_enable = false;
  EXPECT_EQ(ProduceError("orders", 0), Code(ErrorCode::kNone));
  EXPECT_EQ(ProduceError("orders", 1), Code(ErrorCode::kNotLeaderOrFollower));
  EXPECT_EQ(ProduceError("orders", 2), Code(ErrorCode::kNotLeaderOrFollower));
  EXPECT_EQ(ProduceError("orders", 3), Code(ErrorCode::kUnknownTopicOrPartition));
  EXPECT_EQ(ProduceError("ghost", 0), Code(ErrorCode::kUnknownTopicOrPartition));

  EXPECT_EQ(FetchError("orders", 0), Code(ErrorCode::kNone));
  EXPECT_EQ(FetchError("orders", 1), Code(ErrorCode::kNotLeaderOrFollower));
  EXPECT_EQ(FetchError("ghost", 0), Code(ErrorCode::kUnknownTopicOrPartition));

  EXPECT_EQ(ListOffsetsError("orders", 0), Code(ErrorCode::kNone));
  EXPECT_EQ(ListOffsetsError("orders", 1), Code(ErrorCode::kNotLeaderOrFollower));
  EXPECT_EQ(ListOffsetsError("ghost", 0), Code(ErrorCode::kUnknownTopicOrPartition));

  EXPECT_EQ(DeleteRecordsError("orders", 0), Code(ErrorCode::kNone));
  EXPECT_EQ(DeleteRecordsError("orders", 1), Code(ErrorCode::kNotLeaderOrFollower));
  EXPECT_EQ(DeleteRecordsError("ghost", 0), Code(ErrorCode::kUnknownTopicOrPartition));
}

TEST_F(ClusterBrokerTest, ForwardedCreateTopicsRelaysTheControllersAnswer) {
  constexpr int16_t kVersion = 7;  // flexible: the response header has tagged fields
  constexpr int32_t kClientCorrelationId = 4242;
  CreateTopicsRequest request;
  request.timeout_ms = 5000;
  CreateTopicsRequest::Topic& asked = request.topics.emplace_back();
  asked.name = "made";
  asked.num_partitions = 2;
  // The controller's answer, with a message only it would write.
  CreateTopicsResponse answer;
  CreateTopicsResponse::TopicResult& result = answer.topics.emplace_back();
  result.name = "made";
  result.topic_id = Id(9);
  result.num_partitions = 2;
  result.replication_factor = 1;
  result.error_message = "from the controller";
  std::string body;
  WireWriter body_writer(&body);
  EncodeCreateTopicsResponse(body_writer, answer, kVersion);
  cluster_.SetForward([&](std::string_view frame) -> Result<std::string> {
    std::string response;
    WireWriter writer(&response);
    // The controller answers the forwarded frame's own correlation id.
    const std::string copy(frame);
    WireReader reader(AsBytes(copy));
    EncodeResponseHeader(writer, DecodeRequestHeaderPrefix(reader)->correlation_id, true);
    writer.WriteRaw(body);
    Publish("made", LedTopic(2, 4));
    return response;
  });
  client_->Send(kCreateTopicsKey, kVersion, kClientCorrelationId, true,
                [&](WireWriter& w) { EncodeCreateTopicsRequest(w, request, kVersion); });
  const CreateTopicsResponse got = ReceiveResponse<CreateTopicsResponse>(
      *client_, kCreateTopicsKey, kVersion, kClientCorrelationId, true, DecodeCreateTopicsResponse);
  EXPECT_EQ(got, answer);
  // The client's frame went as-is, and the broker waited for its snapshot to show the topic.
  ASSERT_EQ(cluster_.forwarded.size(), 1u);
  std::string sent;
  WireWriter sent_writer(&sent);
  EncodeRequestHeader(
      sent_writer, RequestHeader{kCreateTopicsKey, kVersion, kClientCorrelationId, "broker-test"},
      true);
  EncodeCreateTopicsRequest(sent_writer, request, kVersion);
  EXPECT_EQ(cluster_.forwarded[0], sent);
  EXPECT_GE(cluster_.waits, 1);
}

TEST_F(ClusterBrokerTest, UnreachableControllerIsNotController) {
  CreateTopicsRequest request;
  request.topics.emplace_back().name = "made";
  const CreateTopicsResponse response = Call<CreateTopicsResponse>(
      kCreateTopicsKey, 5, true, [&](WireWriter& w) { EncodeCreateTopicsRequest(w, request, 5); },
      DecodeCreateTopicsResponse);
  ASSERT_EQ(response.topics.size(), 1u);
  EXPECT_EQ(response.topics[0].error_code, Code(ErrorCode::kNotController));
}

TEST_F(ClusterBrokerTest, CreateTopicsOnTheControllerUsesClusterAdmin) {
  cluster_.SetAdmin(&controller_);
  controller_.on_create = [this](const NewTopic& topic) {
    Publish(topic.name, LedTopic(topic.partitions, 4, Id(5)));
  };
  CreateTopicsRequest request;
  request.timeout_ms = 5000;
  CreateTopicsRequest::Topic& asked = request.topics.emplace_back();
  asked.name = "made";
  asked.num_partitions = 4;
  asked.configs.push_back({"retention.ms", "1000"});
  const CreateTopicsResponse response = Call<CreateTopicsResponse>(
      kCreateTopicsKey, 7, true, [&](WireWriter& w) { EncodeCreateTopicsRequest(w, request, 7); },
      DecodeCreateTopicsResponse);
  ASSERT_EQ(response.topics.size(), 1u);
  EXPECT_EQ(response.topics[0].error_code, Code(ErrorCode::kNone));
  EXPECT_EQ(response.topics[0].topic_id, (Id(5)));
  EXPECT_EQ(response.topics[0].num_partitions, 4);
  EXPECT_EQ(response.topics[0].replication_factor, 1);
  ASSERT_EQ(controller_.created.size(), 1u);
  EXPECT_EQ(controller_.created[0].configs, (ConfigMap{{"retention.ms", "1000"}}));
  EXPECT_TRUE(cluster_.forwarded.empty());

  controller_.outcome = {ErrorCode::kInvalidReplicationFactor, "3 brokers"};
  asked.name = "too-wide";
  const CreateTopicsResponse refused = Call<CreateTopicsResponse>(
      kCreateTopicsKey, 7, true, [&](WireWriter& w) { EncodeCreateTopicsRequest(w, request, 7); },
      DecodeCreateTopicsResponse);
  ASSERT_EQ(refused.topics.size(), 1u);
  EXPECT_EQ(refused.topics[0].error_code, Code(ErrorCode::kInvalidReplicationFactor));
  EXPECT_EQ(refused.topics[0].error_message, "3 brokers");
}

TEST_F(ClusterBrokerTest, DeleteTopicsOnTheControllerWaitsUntilTheTopicIsGone) {
  cluster_.SetAdmin(&controller_);
  controller_.on_delete = [this](const std::string& name) {
    ClusterSnapshot next = *cluster_.Snapshot();
    next.topics.erase(name);
    cluster_.SetSnapshot(std::move(next));
  };
  Publish("__consumer_offsets", LedTopic(1, 1));
  Publish("extra", LedTopic(1, 2, Id(8)));
  DeleteTopicsRequest request;
  request.timeout_ms = 5000;
  request.topics.push_back({"orders", Uuid{}});
  request.topics.push_back({std::nullopt, Id(8)});  // "extra", by id
  request.topics.push_back({"__consumer_offsets", Uuid{}});
  request.topics.push_back({std::nullopt, Id(3)});
  const DeleteTopicsResponse response = Call<DeleteTopicsResponse>(
      kDeleteTopicsKey, 6, true, [&](WireWriter& w) { EncodeDeleteTopicsRequest(w, request, 6); },
      DecodeDeleteTopicsResponse);
  ASSERT_EQ(response.responses.size(), 4u);
  EXPECT_EQ(response.responses[0].error_code, Code(ErrorCode::kNone));
  EXPECT_EQ(response.responses[0].topic_id, (Id(0x11)));
  EXPECT_EQ(response.responses[1].error_code, Code(ErrorCode::kNone));
  EXPECT_EQ(response.responses[1].name, "extra");
  EXPECT_EQ(response.responses[2].error_code, Code(ErrorCode::kInvalidTopicException));
  EXPECT_EQ(response.responses[3].error_code, Code(ErrorCode::kUnknownTopicId));
  EXPECT_EQ(controller_.deleted, (std::vector<std::string>{"orders", "extra"}));
  EXPECT_FALSE(cluster_.Snapshot()->topics.contains("orders"));
  EXPECT_GE(cluster_.waits, 1);
}

TEST_F(ClusterBrokerTest, IncrementalAlterConfigsOnTheControllerStartsFromTheSnapshot) {
  cluster_.SetAdmin(&controller_);
  ClusterTopic orders = cluster_.Snapshot()->topics.at("orders");
  orders.configs = {{"retention.ms", "5000"}, {"segment.bytes", "1048576"}};
  Publish("orders", orders);
  controller_.on_alter = [this](const std::string& name, const ConfigMap& configs) {
    ClusterTopic changed = cluster_.Snapshot()->topics.at(name);
    changed.configs = configs;
    Publish(name, changed);
  };
  IncrementalAlterConfigsRequest request;
  IncrementalAlterConfigsRequest::Resource& resource = request.resources.emplace_back();
  resource.resource_type = 2;  // topic
  resource.resource_name = "orders";
  resource.configs.push_back({"retention.ms", 1, std::nullopt});  // DELETE
  resource.configs.push_back({"retention.bytes", 0, "1000"});     // SET
  const IncrementalAlterConfigsResponse response = Call<IncrementalAlterConfigsResponse>(
      kIncrementalAlterConfigsKey, 1, true,
      [&](WireWriter& w) { EncodeIncrementalAlterConfigsRequest(w, request, 1); },
      DecodeIncrementalAlterConfigsResponse);
  ASSERT_EQ(response.responses.size(), 1u);
  EXPECT_EQ(response.responses[0].error_code, Code(ErrorCode::kNone));
  ASSERT_EQ(controller_.altered.size(), 1u);
  EXPECT_EQ(controller_.altered[0].second,
            (ConfigMap{{"retention.bytes", "1000"}, {"segment.bytes", "1048576"}}));
  EXPECT_EQ(cluster_.Snapshot()->topics.at("orders").configs, controller_.altered[0].second);
}

TEST_F(ClusterBrokerTest, AlterConfigsOfTopicsIsForwardedAndOfThisBrokerStaysHere) {
  constexpr int16_t kVersion = 2;  // flexible
  AlterConfigsResponse answer;
  AlterConfigsResponse::ResourceResult& result = answer.responses.emplace_back();
  result.resource_type = 2;
  result.resource_name = "orders";
  cluster_.SetForward([&](std::string_view frame) -> Result<std::string> {
    const std::string copy(frame);
    WireReader reader(AsBytes(copy));
    std::string response;
    WireWriter writer(&response);
    EncodeResponseHeader(writer, DecodeRequestHeaderPrefix(reader)->correlation_id, true);
    EncodeAlterConfigsResponse(writer, answer, kVersion);
    ClusterTopic orders = cluster_.Snapshot()->topics.at("orders");
    orders.configs = {{"retention.ms", "1000"}};
    Publish("orders", orders);
    return response;
  });
  auto alter = [this](int8_t type, const std::string& name) {
    AlterConfigsRequest request;
    AlterConfigsRequest::Resource& resource = request.resources.emplace_back();
    resource.resource_type = type;
    resource.resource_name = name;
    if (type == 2) resource.configs.push_back({"retention.ms", "1000"});
    return Call<AlterConfigsResponse>(
        kAlterConfigsKey, kVersion, true,
        [&](WireWriter& w) { EncodeAlterConfigsRequest(w, request, kVersion); },
        DecodeAlterConfigsResponse);
  };
  // A broker resource alone: this broker answers it (no change asked: success).
  const AlterConfigsResponse own = alter(4, "1");
  ASSERT_EQ(own.responses.size(), 1u);
  EXPECT_EQ(own.responses[0].error_code, Code(ErrorCode::kNone));
  EXPECT_TRUE(cluster_.forwarded.empty());
  // A topic: the controller's answer, once this broker's snapshot shows the new configs.
  EXPECT_EQ(alter(2, "orders"), answer);
  EXPECT_EQ(cluster_.forwarded.size(), 1u);
  EXPECT_GE(cluster_.waits, 1);
}

TEST_F(ClusterBrokerTest, FindCoordinatorIsTheLeaderOfTheGroupsOffsetsPartition) {
  // Partition 22 ("hello") led by broker 4, the others by broker 1; 12 ("my-group", whose
  // hash is negative: Kafka takes its absolute value) has no leader.
  ClusterTopic offsets = LedTopic(50, 1);
  offsets.partitions[22].state.leader = 4;
  offsets.partitions[12].state.leader = -1;
  Publish("__consumer_offsets", offsets);
  const FindCoordinatorResponse batch =
      FindCoordinator({"hello", "console-consumer-12345", "my-group"});
  ASSERT_EQ(batch.coordinators.size(), 3u);
  EXPECT_EQ(batch.coordinators[0].key, "hello");
  EXPECT_EQ(batch.coordinators[0].node_id, 4);
  EXPECT_EQ(batch.coordinators[0].host, "host-d");
  EXPECT_EQ(batch.coordinators[0].port, 9004);
  EXPECT_EQ(batch.coordinators[1].node_id, 1);
  EXPECT_EQ(batch.coordinators[1].host, "host-a");
  EXPECT_EQ(batch.coordinators[2].error_code, Code(ErrorCode::kCoordinatorNotAvailable));
  EXPECT_EQ(batch.coordinators[2].node_id, -1);

  const FindCoordinatorResponse one = FindCoordinator({"hello"}, 3);
  EXPECT_EQ(one.error_code, Code(ErrorCode::kNone));
  EXPECT_EQ(one.node_id, 4);
  EXPECT_EQ(one.port, 9004);
}

TEST_F(ClusterBrokerTest, FindCoordinatorAsksForTheOffsetsTopic) {
  cluster_.SetAdmin(&controller_);
  const FindCoordinatorResponse response = FindCoordinator({"g"});
  ASSERT_EQ(response.coordinators.size(), 1u);
  EXPECT_EQ(response.coordinators[0].error_code, Code(ErrorCode::kCoordinatorNotAvailable));
  ASSERT_EQ(controller_.created.size(), 1u);
  EXPECT_EQ(controller_.created[0].name, "__consumer_offsets");
  EXPECT_EQ(controller_.created[0].partitions, 50);
  EXPECT_EQ(controller_.created[0].replication_factor, 3);
}

TEST_F(ClusterBrokerTest, DescribeCluster) {
  auto describe = [this] {
    DescribeClusterRequest request;
    return Call<DescribeClusterResponse>(
        kDescribeClusterKey, 1, true,
        [&](WireWriter& w) { EncodeDescribeClusterRequest(w, request, 1); },
        DecodeDescribeClusterResponse);
  };
  const DescribeClusterResponse cluster = describe();
  EXPECT_EQ(cluster.error_code, Code(ErrorCode::kNone));
  EXPECT_EQ(cluster.cluster_id, "zk-cluster");
  EXPECT_EQ(cluster.controller_id, 2);
  ASSERT_EQ(cluster.brokers.size(), 3u);
  EXPECT_EQ(cluster.brokers[0], (DescribeClusterResponse::Broker{1, "host-a", 9001, "rack-1"}));
  EXPECT_EQ(cluster.brokers[2].broker_id, 4);

  // The single broker describes itself.
  services_.cluster = nullptr;
  services_.config.cluster_id = "solo";
  services_.config.advertised_host = "me.example";
  const DescribeClusterResponse solo = describe();
  EXPECT_EQ(solo.cluster_id, "solo");
  EXPECT_EQ(solo.controller_id, kSelf);
  ASSERT_EQ(solo.brokers.size(), 1u);
  EXPECT_EQ(solo.brokers[0].host, "me.example");
  EXPECT_EQ(solo.brokers[0].port, server_->bound_port());
}

}  // namespace
}  // namespace ringlog::testing
