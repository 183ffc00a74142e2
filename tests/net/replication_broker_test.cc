// The data path of a cluster leader with replication (net/apis: Fetch, Produce,
// ListOffsets, OffsetForLeaderEpoch), behind the real Server on loopback, with a fake
// ClusterView and a fake LeaderReplicas (tests/net/fake_*.h): replica fetches (who may
// fetch, how far, divergence, progress), leader-epoch fencing, acks=all against the ISR
// and the high watermark.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "engine/clock.h"
#include "engine/log/flusher.h"
#include "engine/log/log_manager.h"
#include "engine/log/record_batch_builder.h"
#include "net/broker/admin_worker.h"
#include "net/broker/broker.h"
#include "net/broker/partition_watchers.h"
#include "net/codec/error_code.h"
#include "net/codec/fetch_codec.h"
#include "net/codec/list_offsets_codec.h"
#include "net/codec/offset_for_leader_epoch_codec.h"
#include "net/codec/produce_codec.h"
#include "net/server/server.h"
#include "tests/net/broker_test_client.h"
#include "tests/net/fake_cluster_view.h"
#include "tests/net/fake_leader_replicas.h"
#include "tests/net/server_test_util.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {
namespace {

constexpr int16_t kProduceKey = 0;
constexpr int16_t kFetchKey = 1;
constexpr int16_t kListOffsetsKey = 2;
constexpr int16_t kOffsetForLeaderEpochKey = 23;

constexpr int32_t kSelf = 1;
constexpr int32_t kEpoch = 4;

int16_t Code(ErrorCode code) { return ToWire(code); }

std::span<const uint8_t> AsBytes(const std::string& s) {
  return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

std::string Batch(int records) {
  std::vector<RecordData> data;
  for (int i = 0; i < records; ++i) data.push_back({std::string("k"), "v", 1000, {}});
  return BuildRecordBatch(data);
}

ClusterPartition Partition(std::vector<int32_t> replicas, int32_t leader, int32_t epoch) {
  ClusterPartition p;
  p.replicas = replicas;
  p.state.leader = leader;
  p.state.leader_epoch = epoch;
  p.state.isr = std::move(replicas);
  return p;
}

// "orders": partition 0 led here at kEpoch with replicas 1, 2 and 3; partition 1 led by 2.
ClusterSnapshot BaseSnapshot() {
  ClusterSnapshot s;
  s.cluster_id = "zk-cluster";
  s.controller_id = 2;
  s.brokers[1] = {1, "host-a", 9001, std::nullopt};
  s.brokers[2] = {2, "host-b", 9002, std::nullopt};
  s.brokers[3] = {3, "host-c", 9003, std::nullopt};
  ClusterTopic& orders = s.topics["orders"];
  orders.partitions.push_back(Partition({1, 2, 3}, 1, kEpoch));
  orders.partitions.push_back(Partition({2, 1, 3}, 2, 7));
  return s;
}

const PartitionId kLed{"orders", 0};
const PartitionId kElsewhere{"orders", 1};

class ReplicationBrokerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const Status opened = OpenTestLogs("mem", dir_.path(), defaults_, &clock_, &backend_, &logs_);
    ASSERT_TRUE(opened.ok()) << opened.ToString();
    ASSERT_TRUE(logs_->CreateTopic("orders", 2, {}).ok());
    log_ = logs_->GetPartition(kLed);
    ASSERT_NE(log_, nullptr);
    flusher_ = std::make_unique<Flusher>(1);
    cluster_.SetSnapshot(BaseSnapshot());
    cluster_.SetLeads(kLed);
    replicas_.Lead(kLed, kEpoch, {1, 2, 3});
    services_.config.node_id = kSelf;
    services_.logs = logs_.get();
    services_.flusher = flusher_.get();
    services_.watchers = &watchers_;
    services_.admin = &admin_;
    services_.clock = &clock_;
    services_.cluster = &cluster_;
    services_.replication = &replicas_;
    broker_ = std::make_unique<Broker>(&services_);
    ServerOptions options = LoopbackOptions();
    options.num_loops = 1;
    server_ = std::make_unique<Server>(options, broker_.get());
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<BrokerTestClient>(server_->bound_port());
    ASSERT_TRUE(client_->connected());
  }

  void TearDown() override {
    client_.reset();
    server_->Stop();
    admin_.Stop();
    flusher_.reset();
    log_.reset();
    EXPECT_TRUE(logs_->Close().ok());
  }

  ProduceRequest ProduceOf(const std::string& batch, int16_t acks, int32_t partition = 0) {
    ProduceRequest request;
    request.acks = acks;
    request.timeout_ms = 3000;
    request.topics.push_back({"orders", {{partition, AsBytes(batch), 0}}});
    return request;
  }

  void SendProduce(const ProduceRequest& request, int32_t id) {
    client_->Send(kProduceKey, 7, id, false,
                  [&](WireWriter& w) { EncodeProduceRequest(w, request, 7); });
  }

  ProduceResponse::Partition ReceiveProduce(int32_t id) {
    const ProduceResponse response = ReceiveResponse<ProduceResponse>(*client_, kProduceKey, 7, id,
                                                                      false, DecodeProduceResponse);
    if (response.topics.size() != 1 || response.topics[0].partitions.size() != 1) {
      ADD_FAILURE() << "produce response with an unexpected shape";
      return {};
    }
    return response.topics[0].partitions[0];
  }

  ProduceResponse::Partition Produce(const std::string& batch, int16_t acks,
                                     int32_t partition = 0) {
    const int32_t id = next_id_++;
    SendProduce(ProduceOf(batch, acks, partition), id);
    return ReceiveProduce(id);
  }

  // A Fetch of one partition of "orders" by `replica` (-1: a consumer).
  FetchRequest FetchOf(int32_t partition, Offset offset, int32_t replica,
                       int32_t current_leader_epoch = -1, int32_t last_fetched_epoch = -1) {
    FetchRequest request;
    request.replica_id = replica;
    request.replica_state.replica_id = replica;
    request.max_bytes = 1 << 20;
    FetchRequest::Partition p;
    p.partition = partition;
    p.fetch_offset = offset;
    p.current_leader_epoch = current_leader_epoch;
    p.last_fetched_epoch = last_fetched_epoch;
    p.partition_max_bytes = 1 << 20;
    request.topics.push_back({.topic = "orders", .partitions = {p}});
    return request;
  }

  void SendFetch(BrokerTestClient& client, const FetchRequest& request, int32_t id,
                 int16_t version = 12) {
    client.Send(kFetchKey, version, id, version >= kFetchFirstFlexibleVersion,
                [&](WireWriter& w) { EncodeFetchRequest(w, request, version); });
  }

  FetchResponse::Partition ReceiveFetch(BrokerTestClient& client, int32_t id,
                                        int16_t version = 12) {
    const FetchResponse response = ReceiveResponse<FetchResponse>(
        client, kFetchKey, version, id, version >= kFetchFirstFlexibleVersion, DecodeFetchResponse);
    if (response.topics.size() != 1 || response.topics[0].partitions.size() != 1) {
      ADD_FAILURE() << "fetch response with an unexpected shape";
      return {};
    }
    return response.topics[0].partitions[0];
  }

  FetchResponse::Partition Fetch(const FetchRequest& request, int16_t version = 12) {
    const int32_t id = next_id_++;
    SendFetch(*client_, request, id, version);
    return ReceiveFetch(*client_, id, version);
  }

  ListOffsetsResponse::Partition ListOffsets(int64_t timestamp, int32_t current_leader_epoch = -1) {
    ListOffsetsRequest request;
    ListOffsetsRequest::Topic& topic = request.topics.emplace_back();
    topic.name = "orders";
    ListOffsetsRequest::Partition& p = topic.partitions.emplace_back();
    p.partition_index = 0;
    p.timestamp = timestamp;
    p.current_leader_epoch = current_leader_epoch;
    const ListOffsetsResponse response = CallBroker<ListOffsetsResponse>(
        *client_, kListOffsetsKey, 5, next_id_++, false,
        [&](WireWriter& w) { EncodeListOffsetsRequest(w, request, 5); }, DecodeListOffsetsResponse);
    if (response.topics.size() != 1 || response.topics[0].partitions.size() != 1) {
      ADD_FAILURE() << "list offsets response with an unexpected shape";
      return {};
    }
    return response.topics[0].partitions[0];
  }

  OffsetForLeaderEpochResponse::Partition EndOf(int32_t partition, int32_t epoch,
                                                int32_t current_leader_epoch = -1) {
    OffsetForLeaderEpochRequest request;
    request.replica_id = 2;
    request.topics.push_back({"orders", {{partition, current_leader_epoch, epoch}}});
    const OffsetForLeaderEpochResponse response = CallBroker<OffsetForLeaderEpochResponse>(
        *client_, kOffsetForLeaderEpochKey, 4, next_id_++, true,
        [&](WireWriter& w) { EncodeOffsetForLeaderEpochRequest(w, request, 4); },
        DecodeOffsetForLeaderEpochResponse);
    if (response.topics.size() != 1 || response.topics[0].partitions.size() != 1) {
      ADD_FAILURE() << "OffsetForLeaderEpoch response with an unexpected shape";
      return {};
    }
    return response.topics[0].partitions[0];
  }

  LogOptions defaults_;
  TempDir dir_;
  ManualClock clock_{1'700'000'000'000};
  std::unique_ptr<StorageBackend> backend_;
  std::unique_ptr<LogManager> logs_;
  std::shared_ptr<PartitionLog> log_;
  std::unique_ptr<Flusher> flusher_;
  PartitionWatchers watchers_;
  AdminWorker admin_;
  FakeClusterView cluster_;
  FakeLeaderReplicas replicas_;
  BrokerServices services_;
  std::unique_ptr<Broker> broker_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<BrokerTestClient> client_;
  int32_t next_id_ = 1;
};

TEST_F(ReplicationBrokerTest, EveryWriteTellsTheReplication) {
  EXPECT_EQ(Produce(Batch(2), 1).error_code, Code(ErrorCode::kNone));
  EXPECT_EQ(Produce(Batch(1), 1).base_offset, 2);
  EXPECT_EQ(replicas_.leader_writes(), (std::vector<std::string>{"orders-0", "orders-0"}));
  // acks=1 asks nothing of the ISR.
  EXPECT_TRUE(replicas_.insync_checks().empty());
  EXPECT_EQ(replicas_.await_count(), 0u);
}

TEST_F(ReplicationBrokerTest, ReplicaFetchRecordsTheFollowersProgress) {
  ASSERT_EQ(Produce(Batch(3), 1).error_code, Code(ErrorCode::kNone));
  FetchResponse::Partition p = Fetch(FetchOf(0, 1, /*replica=*/2, kEpoch));
  EXPECT_EQ(p.error_code, Code(ErrorCode::kNone));
  EXPECT_FALSE(p.records.empty());
  EXPECT_EQ(p.high_watermark, 3);
  ASSERT_EQ(replicas_.follower_fetches().size(), 1u);
  EXPECT_EQ(replicas_.follower_fetches()[0].partition, "orders-0");
  EXPECT_EQ(replicas_.follower_fetches()[0].replica, 2);
  EXPECT_EQ(replicas_.follower_fetches()[0].fetch_offset, 1);
  // A consumer's fetch is no follower's progress.
  EXPECT_EQ(Fetch(FetchOf(0, 0, -1)).error_code, Code(ErrorCode::kNone));
  EXPECT_EQ(replicas_.follower_fetches().size(), 1u);
}

TEST_F(ReplicationBrokerTest, ReplicaIdTravelsInTheReplicaStateFromV15) {
  const std::optional<Uuid> id = logs_->TopicId("orders");
  ASSERT_TRUE(id.has_value());
  FetchRequest request = FetchOf(0, 0, /*replica=*/3);
  request.replica_id = -1;  // not on the wire from v15
  request.topics[0].topic_id = *id;
  const FetchResponse response = CallBroker<FetchResponse>(
      *client_, kFetchKey, 15, next_id_++, true,
      [&](WireWriter& w) { EncodeFetchRequest(w, request, 15); }, DecodeFetchResponse);
  ASSERT_EQ(response.topics.size(), 1u);
  EXPECT_EQ(response.topics[0].partitions.at(0).error_code, Code(ErrorCode::kNone));
  ASSERT_EQ(replicas_.follower_fetches().size(), 1u);
  EXPECT_EQ(replicas_.follower_fetches()[0].replica, 3);
}

TEST_F(ReplicationBrokerTest, ReplicaFetchFromANonReplicaIsRefusedAndNamesTheLeader) {
  ASSERT_EQ(Produce(Batch(1), 1).error_code, Code(ErrorCode::kNone));
  FetchResponse::Partition p = Fetch(FetchOf(0, 0, /*replica=*/9));
  EXPECT_EQ(p.error_code, Code(ErrorCode::kNotLeaderOrFollower));
  EXPECT_TRUE(p.records.empty());
  EXPECT_EQ(p.current_leader.leader_id, kSelf);
  EXPECT_EQ(p.current_leader.leader_epoch, kEpoch);
  // A partition led elsewhere names its leader too.
  p = Fetch(FetchOf(1, 0, /*replica=*/3));
  EXPECT_EQ(p.error_code, Code(ErrorCode::kNotLeaderOrFollower));
  EXPECT_EQ(p.current_leader.leader_id, 2);
  EXPECT_EQ(p.current_leader.leader_epoch, 7);
}

TEST_F(ReplicationBrokerTest, FromV16TheResponseCarriesTheNamedLeadersAddress) {
  const std::optional<Uuid> id = logs_->TopicId("orders");
  ASSERT_TRUE(id.has_value());
  FetchRequest request = FetchOf(1, 0, -1);
  request.topics[0].topic_id = *id;
  const FetchResponse response = CallBroker<FetchResponse>(
      *client_, kFetchKey, 16, next_id_++, true,
      [&](WireWriter& w) { EncodeFetchRequest(w, request, 16); }, DecodeFetchResponse);
  ASSERT_EQ(response.topics.size(), 1u);
  EXPECT_EQ(response.topics[0].partitions.at(0).error_code, Code(ErrorCode::kNotLeaderOrFollower));
  EXPECT_EQ(response.topics[0].partitions.at(0).current_leader.leader_id, 2);
  ASSERT_EQ(response.node_endpoints.size(), 1u);
  EXPECT_EQ(response.node_endpoints[0],
            (FetchResponse::NodeEndpoint{2, "host-b", 9002, std::nullopt}));
}

TEST_F(ReplicationBrokerTest, ReplicaFetchBeyondTheLogEndIsOutOfRange) {
  ASSERT_EQ(Produce(Batch(2), 1).error_code, Code(ErrorCode::kNone));
  FetchResponse::Partition p = Fetch(FetchOf(0, 5, /*replica=*/2));
  EXPECT_EQ(p.error_code, Code(ErrorCode::kOffsetOutOfRange));
  EXPECT_EQ(p.log_start_offset, 0);
  EXPECT_EQ(p.high_watermark, 2);
  // No progress recorded for an offset the follower could not have.
  EXPECT_TRUE(replicas_.follower_fetches().empty());
}

TEST_F(ReplicationBrokerTest, StaleAndNewerLeaderEpochsAreFenced) {
  ASSERT_EQ(Produce(Batch(1), 1).error_code, Code(ErrorCode::kNone));
  for (const int32_t replica : {2, -1}) {
    FetchResponse::Partition p = Fetch(FetchOf(0, 0, replica, kEpoch - 1));
    EXPECT_EQ(p.error_code, Code(ErrorCode::kFencedLeaderEpoch)) << replica;
    EXPECT_EQ(p.current_leader.leader_epoch, kEpoch);
    EXPECT_TRUE(p.records.empty());
    p = Fetch(FetchOf(0, 0, replica, kEpoch + 1));
    EXPECT_EQ(p.error_code, Code(ErrorCode::kUnknownLeaderEpoch)) << replica;
    EXPECT_EQ(Fetch(FetchOf(0, 0, replica, kEpoch)).error_code, Code(ErrorCode::kNone));
    EXPECT_EQ(Fetch(FetchOf(0, 0, replica, -1)).error_code, Code(ErrorCode::kNone));
  }
  EXPECT_EQ(ListOffsets(-1, kEpoch - 1).error_code, Code(ErrorCode::kFencedLeaderEpoch));
  EXPECT_EQ(ListOffsets(-1, kEpoch + 1).error_code, Code(ErrorCode::kUnknownLeaderEpoch));
  EXPECT_EQ(ListOffsets(-1, kEpoch).error_code, Code(ErrorCode::kNone));
  EXPECT_EQ(EndOf(0, kEpoch, kEpoch - 1).error_code, Code(ErrorCode::kFencedLeaderEpoch));
  EXPECT_EQ(EndOf(0, kEpoch, kEpoch + 1).error_code, Code(ErrorCode::kUnknownLeaderEpoch));
}

TEST_F(ReplicationBrokerTest, OffsetForLeaderEpochOnlyOnTheLeader) {
  EXPECT_EQ(EndOf(1, 0).error_code, Code(ErrorCode::kNotLeaderOrFollower));
  EXPECT_EQ(EndOf(5, 0).error_code, Code(ErrorCode::kUnknownTopicOrPartition));
}

TEST_F(ReplicationBrokerTest, AcksAllBelowMinInsyncAppendsNothing) {
  replicas_.SetInsyncAnswer(ErrorCode::kNotEnoughReplicas);
  ProduceResponse::Partition p = Produce(Batch(1), -1);
  EXPECT_EQ(p.error_code, Code(ErrorCode::kNotEnoughReplicas));
  EXPECT_EQ(log_->log_end_offset(), 0);
  ASSERT_EQ(replicas_.insync_checks().size(), 1u);
  EXPECT_EQ(replicas_.insync_checks()[0].second, 1);  // min.insync.replicas' default
  EXPECT_EQ(replicas_.await_count(), 0u);
}

TEST_F(ReplicationBrokerTest, AcksAllAnswersWhenTheHighWatermarkPassesTheBatch) {
  ASSERT_EQ(Produce(Batch(2), 1).error_code, Code(ErrorCode::kNone));
  SendProduce(ProduceOf(Batch(3), -1), 50);
  std::vector<FakeLeaderReplicas::Await*> awaits = replicas_.WaitForAwaits(1);
  ASSERT_EQ(awaits.size(), 1u);
  EXPECT_EQ(awaits[0]->partition, "orders-0");
  EXPECT_EQ(awaits[0]->end, 5);  // one past the batch's last offset
  EXPECT_EQ(awaits[0]->min_insync, 1);
  EXPECT_EQ(awaits[0]->timeout, std::chrono::milliseconds(3000));
  awaits[0]->done(ErrorCode::kNone);
  ProduceResponse::Partition p = ReceiveProduce(50);
  EXPECT_EQ(p.error_code, Code(ErrorCode::kNone));
  EXPECT_EQ(p.base_offset, 2);
  EXPECT_GE(log_->flushed_offset(), 5);  // flushed as well
}

TEST_F(ReplicationBrokerTest, AcksAllAnswersTheReplicationsError) {
  SendProduce(ProduceOf(Batch(1), -1), 60);
  std::vector<FakeLeaderReplicas::Await*> awaits = replicas_.WaitForAwaits(1);
  ASSERT_EQ(awaits.size(), 1u);
  awaits[0]->done(ErrorCode::kNotEnoughReplicasAfterAppend);
  ProduceResponse::Partition p = ReceiveProduce(60);
  EXPECT_EQ(p.error_code, Code(ErrorCode::kNotEnoughReplicasAfterAppend));
  EXPECT_EQ(p.base_offset, -1);
  EXPECT_EQ(log_->log_end_offset(), 1);  // appended all the same, as Kafka
}

TEST_F(ReplicationBrokerTest, ReplicaFetchNeedsTheReplication) {
  services_.replication = nullptr;  // a cluster broker before replication is wired
  ASSERT_EQ(Produce(Batch(1), 1).error_code, Code(ErrorCode::kNone));
  EXPECT_EQ(Fetch(FetchOf(0, 0, /*replica=*/2)).error_code, Code(ErrorCode::kNotLeaderOrFollower));
  EXPECT_EQ(Fetch(FetchOf(0, 0, -1)).error_code, Code(ErrorCode::kNone));
}

// With replicated logs, whose high watermark only the replication moves (here the test,
// as LeaderReplicas would: AdvanceHighWatermark, then the watchers), and the engine's
// leader epochs.
class ReplicatedLogTest : public ReplicationBrokerTest {
 protected:
  ReplicatedLogTest() { defaults_.replicated = true; }

  // Polls until a long-polling fetch watches its partitions.
  void WaitForWatch() {
    for (int i = 0; i < 500 && watchers_.size() == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_GT(watchers_.size(), 0u);
  }
};

TEST_F(ReplicatedLogTest, ConsumersReadBelowTheHighWatermarkFollowersToTheLogEnd) {
  const std::string first = Batch(2);
  ASSERT_EQ(Produce(first, 1).error_code, Code(ErrorCode::kNone));
  ASSERT_EQ(Produce(Batch(1), 1).error_code, Code(ErrorCode::kNone));
  FetchResponse::Partition consumer = Fetch(FetchOf(0, 0, -1));
  EXPECT_EQ(consumer.error_code, Code(ErrorCode::kNone));
  EXPECT_TRUE(consumer.records.empty());
  EXPECT_EQ(consumer.high_watermark, 0);
  FetchResponse::Partition follower = Fetch(FetchOf(0, 0, 2));
  EXPECT_EQ(follower.error_code, Code(ErrorCode::kNone));
  EXPECT_EQ(follower.records.size_bytes(), first.size() + Batch(1).size());
  EXPECT_EQ(follower.high_watermark, 0);
  // No record above the high watermark is found by time either.
  EXPECT_EQ(ListOffsets(1000).offset, -1);
  EXPECT_EQ(ListOffsets(-1).offset, 0);

  log_->AdvanceHighWatermark(2);
  consumer = Fetch(FetchOf(0, 0, -1));
  EXPECT_EQ(consumer.high_watermark, 2);
  EXPECT_EQ(consumer.records.size_bytes(), first.size());  // the first batch only
  EXPECT_EQ(ListOffsets(1000).offset, 0);
  EXPECT_EQ(ListOffsets(-1).offset, 2);
}

TEST_F(ReplicatedLogTest, AFollowersLongPollWakesOnAWrite) {
  FetchRequest request = FetchOf(0, 0, 2);
  request.max_wait_ms = 10000;
  request.min_bytes = 1;
  SendFetch(*client_, request, 70);
  WaitForWatch();
  BrokerTestClient producer(server_->bound_port());
  ASSERT_TRUE(producer.connected());
  producer.Send(kProduceKey, 7, 1, false,
                [&](WireWriter& w) { EncodeProduceRequest(w, ProduceOf(Batch(1), 1), 7); });
  // Long before max_wait_ms: the write woke it, though the high watermark did not move.
  FetchResponse::Partition p = ReceiveFetch(*client_, 70);
  EXPECT_EQ(p.error_code, Code(ErrorCode::kNone));
  EXPECT_FALSE(p.records.empty());
  EXPECT_EQ(p.high_watermark, 0);
}

TEST_F(ReplicatedLogTest, AConsumersLongPollWakesWhenTheHighWatermarkMoves) {
  ASSERT_EQ(Produce(Batch(1), 1).error_code, Code(ErrorCode::kNone));
  FetchRequest request = FetchOf(0, 0, -1);
  request.max_wait_ms = 10000;
  request.min_bytes = 1;
  SendFetch(*client_, request, 80);
  WaitForWatch();
  log_->AdvanceHighWatermark(1);
  watchers_.Notify(kLed, PartitionWatchers::Ends::kHighWatermark);
  FetchResponse::Partition p = ReceiveFetch(*client_, 80);
  EXPECT_EQ(p.error_code, Code(ErrorCode::kNone));
  EXPECT_EQ(p.high_watermark, 1);
  EXPECT_FALSE(p.records.empty());
}

TEST_F(ReplicatedLogTest, AFollowerWhoseLastEpochEndsBeforeItsOffsetDiverges) {
  // Epoch 1 holds offsets 0-1, epoch 4 from 2 on.
  ASSERT_TRUE(log_->AssignLeaderEpoch(1).ok());
  ASSERT_EQ(Produce(Batch(2), 1).error_code, Code(ErrorCode::kNone));
  ASSERT_TRUE(log_->AssignLeaderEpoch(kEpoch).ok());
  ASSERT_EQ(Produce(Batch(1), 1).error_code, Code(ErrorCode::kNone));

  // It has offset 2 from an epoch 2 this leader never had: it must truncate to 2.
  FetchRequest request = FetchOf(0, 3, 2, kEpoch, /*last_fetched_epoch=*/2);
  request.max_wait_ms = 10000;  // answered at once all the same
  request.min_bytes = 1;
  FetchResponse::Partition p = Fetch(request);
  EXPECT_EQ(p.error_code, Code(ErrorCode::kNone));
  EXPECT_TRUE(p.records.empty());
  EXPECT_EQ(p.diverging_epoch.epoch, 1);
  EXPECT_EQ(p.diverging_epoch.end_offset, 2);
  // Epoch 1 ends at 2, below its offset 3.
  p = Fetch(FetchOf(0, 3, 2, kEpoch, 1));
  EXPECT_EQ(p.diverging_epoch.epoch, 1);
  EXPECT_EQ(p.diverging_epoch.end_offset, 2);
  EXPECT_TRUE(replicas_.follower_fetches().empty());  // no progress from a diverged log
  // Consistent logs.
  p = Fetch(FetchOf(0, 2, 2, kEpoch, 1));
  EXPECT_EQ(p.diverging_epoch.epoch, -1);
  EXPECT_FALSE(p.records.empty());
  p = Fetch(FetchOf(0, 3, 2, kEpoch, kEpoch));
  EXPECT_EQ(p.diverging_epoch.epoch, -1);

  EXPECT_EQ(EndOf(0, 1), (OffsetForLeaderEpochResponse::Partition{0, 0, 1, 2}));
  EXPECT_EQ(EndOf(0, 2), (OffsetForLeaderEpochResponse::Partition{0, 0, 1, 2}));
  EXPECT_EQ(EndOf(0, kEpoch), (OffsetForLeaderEpochResponse::Partition{0, 0, kEpoch, 3}));
  // The epochs of ListOffsets: the batch's, the latest for the end.
  log_->AdvanceHighWatermark(3);
  EXPECT_EQ(ListOffsets(-2).leader_epoch, 1);
  EXPECT_EQ(ListOffsets(-1).leader_epoch, kEpoch);
}

}  // namespace
}  // namespace ringlog::testing
