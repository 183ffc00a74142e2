// WriteTxnMarkers (API 27) behind the real Server on loopback, over every test backend:
// the markers land as control batches, and the leader's refusals are answered per
// partition — an unknown partition, a partition led elsewhere, an older producer epoch,
// a stale coordinator epoch.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "net/codec/error_code.h"
#include "net/codec/write_txn_markers_codec.h"
#include "tests/net/broker_test_client.h"
#include "tests/net/fake_cluster_view.h"
#include "tests/net/txn_test_broker.h"

namespace ringlog::testing {
namespace {

ControlMarker Marker(ControlType type, int16_t epoch, int32_t coordinator_epoch) {
  return ControlMarker{7, epoch, type, coordinator_epoch};
}

WriteTxnMarkersRequest::Marker Request(const ControlMarker& marker,
                                       std::vector<WriteTxnMarkersRequest::Topic> topics) {
  WriteTxnMarkersRequest::Marker request;
  request.producer_id = marker.producer_id;
  request.producer_epoch = marker.producer_epoch;
  request.transaction_result = marker.type == ControlType::kCommit;
  request.coordinator_epoch = marker.coordinator_epoch;
  request.topics = std::move(topics);
  return request;
}

class WriteTxnMarkersBrokerTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    broker_ = std::make_unique<TxnTestBroker>(GetParam(), /*node_id=*/1);
    Status created = broker_->logs().CreateTopic("t", 2, {});
    ASSERT_TRUE(created.ok()) << created.ToString();
  }

  void Start() {
    client_ = std::make_unique<BrokerTestClient>(broker_->Serve());
    ASSERT_TRUE(client_->connected());
  }

  WriteTxnMarkersResponse Call(const std::vector<WriteTxnMarkersRequest::Marker>& markers,
                               int16_t version = 1) {
    WriteTxnMarkersRequest request;
    request.markers = markers;
    return CallBroker<WriteTxnMarkersResponse>(
        *client_, kWriteTxnMarkersApiKey, version, next_correlation_id_++,
        /*flexible_header=*/version >= kWriteTxnMarkersFirstFlexibleVersion,
        [&](WireWriter& w) { EncodeWriteTxnMarkersRequest(w, request, version); },
        DecodeWriteTxnMarkersResponse);
  }

  // The error of the only partition of the only marker.
  int16_t OnlyError(const WriteTxnMarkersResponse& response) {
    EXPECT_EQ(response.markers.size(), 1u);
    if (response.markers.size() != 1 || response.markers[0].topics.size() != 1 ||
        response.markers[0].topics[0].partitions.size() != 1) {
      ADD_FAILURE() << "not one partition in the answer";
      return -100;
    }
    return response.markers[0].topics[0].partitions[0].error_code;
  }

  FakeClusterView cluster_;  // outlives the broker that may use it
  std::unique_ptr<TxnTestBroker> broker_;
  std::unique_ptr<BrokerTestClient> client_;
  int32_t next_correlation_id_ = 1;
};

TEST_P(WriteTxnMarkersBrokerTest, MarkersLandAsControlBatchesAtEveryVersion) {
  Start();
  const ControlMarker commit = Marker(ControlType::kCommit, 2, 4);
  const ControlMarker abort = Marker(ControlType::kAbort, 2, 4);
  for (int16_t version = 0; version <= 1; ++version) {
    SCOPED_TRACE("version " + std::to_string(version));
    WriteTxnMarkersResponse response =
        Call({Request(version == 0 ? commit : abort, {{"t", {0, 1}}})}, version);
    ASSERT_EQ(response.markers.size(), 1u);
    EXPECT_EQ(response.markers[0].producer_id, 7);
    ASSERT_EQ(response.markers[0].topics.size(), 1u);
    EXPECT_EQ(response.markers[0].topics[0].name, "t");
    ASSERT_EQ(response.markers[0].topics[0].partitions.size(), 2u);
    for (int32_t p = 0; p < 2; ++p) {
      EXPECT_EQ(response.markers[0].topics[0].partitions[p].partition_index, p);
      EXPECT_EQ(response.markers[0].topics[0].partitions[p].error_code, ToWire(ErrorCode::kNone));
    }
  }
  for (int32_t p = 0; p < 2; ++p) {
    EXPECT_EQ(broker_->Markers({"t", p}), (std::vector<ControlMarker>{commit, abort}));
  }
}

TEST_P(WriteTxnMarkersBrokerTest, UnknownPartitionsAreAnsweredEach) {
  Start();
  const ControlMarker commit = Marker(ControlType::kCommit, 0, 0);
  WriteTxnMarkersRequest::Marker second = Request(commit, {{"t", {1}}});
  second.producer_id = 8;
  WriteTxnMarkersResponse response =
      Call({Request(commit, {{"t", {0, 2}}, {"missing", {0}}}), second});
  ASSERT_EQ(response.markers.size(), 2u);
  const auto& first = response.markers[0];
  ASSERT_EQ(first.topics.size(), 2u);
  ASSERT_EQ(first.topics[0].partitions.size(), 2u);
  EXPECT_EQ(first.topics[0].partitions[0].error_code, ToWire(ErrorCode::kNone));
  EXPECT_EQ(first.topics[0].partitions[1].error_code, ToWire(ErrorCode::kUnknownTopicOrPartition));
  ASSERT_EQ(first.topics[1].partitions.size(), 1u);
  EXPECT_EQ(first.topics[1].partitions[0].error_code, ToWire(ErrorCode::kUnknownTopicOrPartition));
  EXPECT_EQ(response.markers[1].producer_id, 8);
  WriteTxnMarkersResponse second_only;
  second_only.markers.push_back(response.markers[1]);
  EXPECT_EQ(OnlyError(second_only), ToWire(ErrorCode::kNone));
  EXPECT_EQ(broker_->Markers({"t", 0}).size(), 1u);
  EXPECT_EQ(broker_->Markers({"t", 1}).size(), 1u);
}

TEST_P(WriteTxnMarkersBrokerTest, OnlyTheLeaderAppends) {
  ClusterSnapshot snapshot;
  snapshot.brokers[1] = ClusterBroker{.id = 1, .host = "127.0.0.1", .port = 1};
  ClusterTopic topic;
  topic.partitions.resize(2);
  topic.partitions[0].state.leader = 1;
  topic.partitions[1].state.leader = 2;
  snapshot.topics["t"] = topic;
  cluster_.SetSnapshot(snapshot);
  cluster_.SetLeads({"t", 0});
  broker_->services.cluster = &cluster_;
  Start();
  WriteTxnMarkersResponse response =
      Call({Request(Marker(ControlType::kCommit, 0, 0), {{"t", {0, 1}}})});
  ASSERT_EQ(response.markers.size(), 1u);
  ASSERT_EQ(response.markers[0].topics.size(), 1u);
  ASSERT_EQ(response.markers[0].topics[0].partitions.size(), 2u);
  EXPECT_EQ(response.markers[0].topics[0].partitions[0].error_code, ToWire(ErrorCode::kNone));
  EXPECT_EQ(response.markers[0].topics[0].partitions[1].error_code,
            ToWire(ErrorCode::kNotLeaderOrFollower));
  EXPECT_EQ(broker_->Markers({"t", 0}).size(), 1u);
  EXPECT_TRUE(broker_->Markers({"t", 1}).empty());
}

TEST_P(WriteTxnMarkersBrokerTest, OlderProducerEpochAndStaleCoordinatorAreRefused) {
  Start();
  const ControlMarker first = Marker(ControlType::kCommit, 3, 5);
  EXPECT_EQ(OnlyError(Call({Request(first, {{"t", {0}}})})), ToWire(ErrorCode::kNone));
  EXPECT_EQ(OnlyError(Call({Request(Marker(ControlType::kAbort, 2, 5), {{"t", {0}}})})),
            ToWire(ErrorCode::kInvalidProducerEpoch));
  EXPECT_EQ(OnlyError(Call({Request(Marker(ControlType::kAbort, 3, 4), {{"t", {0}}})})),
            ToWire(ErrorCode::kTransactionCoordinatorFenced));
  EXPECT_EQ(broker_->Markers({"t", 0}), std::vector<ControlMarker>{first});
}

INSTANTIATE_TEST_SUITE_P(Backends, WriteTxnMarkersBrokerTest,
                         ::testing::ValuesIn(AllTestBackends()), BackendParamName());

}  // namespace
}  // namespace ringlog::testing
