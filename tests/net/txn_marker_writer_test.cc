// BrokerTxnMarkerWriter over every test backend: markers for partitions this broker leads
// are appended here, those led by another broker go to it in WriteTxnMarkers requests (a
// second real broker on loopback), failed or unroutable partitions are retried until
// their leader took the marker, a partition of a deleted topic counts as done, and a
// fenced marker abandons its request.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "net/txn/broker_txn_marker_writer.h"
#include "tests/net/fake_cluster_view.h"
#include "tests/net/txn_test_broker.h"

namespace ringlog::testing {
namespace {

using std::chrono::milliseconds;

constexpr TxnMarkerWriterOptions kFastRetries{.initial_backoff = milliseconds(10),
                                              .max_backoff = milliseconds(50),
                                              .request_timeout = milliseconds(5000)};

TxnMarkerRequest Commit(std::vector<PartitionId> partitions, int32_t coordinator_epoch = 4) {
  return TxnMarkerRequest{7, 2, ControlType::kCommit, coordinator_epoch, std::move(partitions)};
}

const ControlMarker kCommitMarker{7, 2, ControlType::kCommit, 4};

// Whether `done` ran within `wait`.
bool Ran(std::future<void>& done, milliseconds wait = milliseconds(5000)) {
  return done.wait_for(wait) == std::future_status::ready;
}

class TxnMarkerWriterTest : public ::testing::TestWithParam<std::string> {
 protected:
  // Runs WriteMarkers(request) on `writer`; the future is ready once `done` ran.
  std::future<void> Write(TxnMarkerWriter& writer, TxnMarkerRequest request) {
    auto promise = std::make_shared<std::promise<void>>();
    std::future<void> future = promise->get_future();
    writer.WriteMarkers(std::move(request), [promise] { promise->set_value(); });
    return future;
  }

  // The snapshot of a cluster of brokers 1 (here) and 2 (at `port_2`) whose topic "t" has
  // two partitions led by `leader_0` and `leader_1`.
  static ClusterSnapshot TwoBrokers(uint16_t port_2, int32_t leader_0, int32_t leader_1) {
    ClusterSnapshot snapshot;
    snapshot.brokers[1] = ClusterBroker{.id = 1, .host = "127.0.0.1", .port = 1};
    snapshot.brokers[2] = ClusterBroker{.id = 2, .host = "127.0.0.1", .port = port_2};
    ClusterTopic topic;
    topic.partitions.resize(2);
    topic.partitions[0].state.leader = leader_0;
    topic.partitions[1].state.leader = leader_1;
    snapshot.topics["t"] = topic;
    return snapshot;
  }
};

TEST_P(TxnMarkerWriterTest, TheSingleBrokerAppendsEveryMarkerItself) {
  TxnTestBroker broker(GetParam(), 1);
  ASSERT_TRUE(broker.logs().CreateTopic("t", 2, {}).ok());
  BrokerTxnMarkerWriter writer(&broker.services, kFastRetries);
  std::future<void> done = Write(writer, Commit({{"t", 0}, {"t", 1}}));
  ASSERT_TRUE(Ran(done));
  for (int32_t p = 0; p < 2; ++p) {
    EXPECT_EQ(broker.Markers({"t", p}), std::vector<ControlMarker>{kCommitMarker});
  }
}

TEST_P(TxnMarkerWriterTest, APartitionOfADeletedTopicCountsAsDone) {
  TxnTestBroker broker(GetParam(), 1);
  ASSERT_TRUE(broker.logs().CreateTopic("t", 1, {}).ok());
  BrokerTxnMarkerWriter writer(&broker.services, kFastRetries);
  std::future<void> done = Write(writer, Commit({{"gone", 0}, {"t", 0}, {"t", 3}}));
  ASSERT_TRUE(Ran(done));
  EXPECT_EQ(broker.Markers({"t", 0}), std::vector<ControlMarker>{kCommitMarker});

  std::future<void> nothing = Write(writer, Commit({}));
  EXPECT_TRUE(Ran(nothing, milliseconds(0)));
}

TEST_P(TxnMarkerWriterTest, AFailedAppendIsRetried) {
  TxnTestBroker broker(GetParam(), 1);
  ASSERT_TRUE(broker.logs().CreateTopic("t", 1, {}).ok());
  const int64_t appends_before = broker.backend().calls(FaultOp::kAppend);
  broker.backend().InjectFault(FaultOp::kAppend, Status::IOError("disk gone"), 0, /*count=*/2);
  BrokerTxnMarkerWriter writer(&broker.services, kFastRetries);
  std::future<void> done = Write(writer, Commit({{"t", 0}}));
  ASSERT_TRUE(Ran(done));
  EXPECT_EQ(broker.backend().calls(FaultOp::kAppend) - appends_before, 3);
  EXPECT_EQ(broker.Markers({"t", 0}), std::vector<ControlMarker>{kCommitMarker});
}

TEST_P(TxnMarkerWriterTest, AFencedMarkerAbandonsItsRequest) {
  TxnTestBroker broker(GetParam(), 1);
  ASSERT_TRUE(broker.logs().CreateTopic("t", 1, {}).ok());
  const ControlMarker newer{7, 2, ControlType::kAbort, 5};
  ASSERT_TRUE(broker.logs().GetPartition({"t", 0})->AppendMarker(newer).ok());
  BrokerTxnMarkerWriter writer(&broker.services, kFastRetries);
  // A flag, not a future: dropping the abandoned request breaks its promise.
  auto ran = std::make_shared<std::atomic<bool>>(false);
  writer.WriteMarkers(Commit({{"t", 0}}, /*coordinator_epoch=*/4), [ran] { *ran = true; });
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_FALSE(*ran);
  EXPECT_EQ(broker.Markers({"t", 0}), std::vector<ControlMarker>{newer});
  writer.Stop();
}

TEST_P(TxnMarkerWriterTest, ARemoteLeaderGetsAWriteTxnMarkersRequest) {
  TxnTestBroker remote(GetParam(), 2);
  ASSERT_TRUE(remote.logs().CreateTopic("t", 2, {}).ok());
  const uint16_t port = remote.Serve();
  TxnTestBroker local(GetParam(), 1);
  ASSERT_TRUE(local.logs().CreateTopic("t", 2, {}).ok());
  FakeClusterView cluster;
  cluster.SetSnapshot(TwoBrokers(port, /*leader_0=*/1, /*leader_1=*/2));
  cluster.SetLeads({"t", 0});
  local.services.cluster = &cluster;

  BrokerTxnMarkerWriter writer(&local.services, kFastRetries);
  std::future<void> done = Write(writer, Commit({{"t", 0}, {"t", 1}}));
  ASSERT_TRUE(Ran(done));
  EXPECT_EQ(local.Markers({"t", 0}), std::vector<ControlMarker>{kCommitMarker});
  EXPECT_TRUE(local.Markers({"t", 1}).empty());
  EXPECT_TRUE(remote.Markers({"t", 0}).empty());
  EXPECT_EQ(remote.Markers({"t", 1}), std::vector<ControlMarker>{kCommitMarker});
}

TEST_P(TxnMarkerWriterTest, APartitionWithoutLeaderWaitsForOne) {
  TxnTestBroker remote(GetParam(), 2);
  ASSERT_TRUE(remote.logs().CreateTopic("t", 2, {}).ok());
  const uint16_t port = remote.Serve();
  TxnTestBroker local(GetParam(), 1);
  FakeClusterView cluster;
  cluster.SetSnapshot(TwoBrokers(port, /*leader_0=*/-1, /*leader_1=*/-1));
  local.services.cluster = &cluster;

  BrokerTxnMarkerWriter writer(&local.services, kFastRetries);
  std::future<void> done = Write(writer, Commit({{"t", 0}}));
  EXPECT_FALSE(Ran(done, milliseconds(200)));
  cluster.SetSnapshot(TwoBrokers(port, /*leader_0=*/2, /*leader_1=*/-1));
  ASSERT_TRUE(Ran(done));
  EXPECT_EQ(remote.Markers({"t", 0}), std::vector<ControlMarker>{kCommitMarker});
}

INSTANTIATE_TEST_SUITE_P(Backends, TxnMarkerWriterTest, ::testing::ValuesIn(AllTestBackends()),
                         BackendParamName());

}  // namespace
}  // namespace ringlog::testing
