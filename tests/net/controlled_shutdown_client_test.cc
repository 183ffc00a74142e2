// The broker's side of ControlledShutdown without a cluster: which leaderships it waits
// for, the request it writes (v3, flexible, with the broker epoch) and the answer it reads,
// both checked against bytes written out by hand from the schema; request header v0 of
// ControlledShutdown v0; and a broker that is not registered asks nothing.
#include "net/cluster/controlled_shutdown_client.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "net/codec/request_header.h"
#include "tests/net/fake_cluster_view.h"

namespace ringlog {
namespace {

ClusterPartition Led(int32_t leader, std::vector<int32_t> isr) {
  ClusterPartition partition;
  partition.replicas = {1, 2, 3, 4};
  partition.state.leader = leader;
  partition.state.isr = std::move(isr);
  return partition;
}

TEST(ControlledShutdownClientTest, OnlyLeadershipsWithAnotherLiveIsrMemberAreMovable) {
  ClusterSnapshot snapshot;
  for (int32_t id : {1, 2, 3}) snapshot.brokers[id] = ClusterBroker{.id = id};
  ClusterTopic& t = snapshot.topics["t"];
  t.partitions = {Led(1, {1, 2}),   // movable
                  Led(1, {1}),      // the last member in sync
                  Led(1, {1, 4}),   // broker 4 is not registered
                  Led(2, {2, 1}),   // led by another
                  Led(1, {3, 1})};  // movable
  snapshot.topics["u"].partitions = {Led(-1, {1})};
  EXPECT_EQ(MovableLeaderships(snapshot, 1), (std::vector<PartitionId>{{"t", 0}, {"t", 4}}));
  EXPECT_EQ(MovableLeaderships(snapshot, 2), (std::vector<PartitionId>{{"t", 3}}));
  EXPECT_TRUE(MovableLeaderships(snapshot, 3).empty());
}

TEST(ControlledShutdownClientTest, RequestIsVersionThreeWithTheBrokerEpoch) {
  const std::string expected(
      "\x00\x07"                          // api key 7
      "\x00\x03"                          // version 3
      "\x00\x00\x00\x2a"                  // correlation id
      "\x00\x0e"                          // client id: a classic string of 14 bytes
      "ringlog-broker"                    //
      "\x00"                              // no header tags
      "\x00\x00\x00\x05"                  // broker_id 5
      "\x00\x00\x00\x00\x00\x01\x02\x03"  // broker_epoch 0x10203
      "\x00",                             // no body tags
      4 + 4 + 2 + 14 + 1 + 4 + 8 + 1);
  EXPECT_EQ(EncodeControlledShutdownFrame(5, 0x10203, 42), expected);
}

TEST(ControlledShutdownClientTest, AnswerNamesTheErrorAndThePartitionsStillLed) {
  const std::string frame(
      "\x00\x00\x00\x2a"  // correlation id
      "\x00"              // no header tags
      "\x00\x00"          // error_code 0
      "\x03"              // two remaining partitions (compact array: n + 1)
      "\x02"
      "a"                 // topic_name "a" (compact string: n + 1)
      "\x00\x00\x00\x01"  // partition_index 1
      "\x00"              // no tags
      "\x03"
      "bc"
      "\x00\x00\x00\x07"
      "\x00"
      "\x00",  // no body tags
      4 + 1 + 2 + 1 + (1 + 1 + 4 + 1) + (1 + 2 + 4 + 1) + 1);
  Result<ControlledShutdownAnswer> answer = DecodeControlledShutdownAnswer(frame);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->error, ErrorCode::kNone);
  EXPECT_EQ(answer->remaining, (std::vector<PartitionId>{{"a", 1}, {"bc", 7}}));

  const std::string refused("\x00\x00\x00\x2a\x00\x00\x4d\x01\x00", 9);
  answer = DecodeControlledShutdownAnswer(refused);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->error, ErrorCode::kStaleBrokerEpoch);
  EXPECT_TRUE(answer->remaining.empty());

  EXPECT_FALSE(DecodeControlledShutdownAnswer(frame.substr(0, 9)).ok());
}

TEST(ControlledShutdownClientTest, VersionZeroHasRequestHeaderZero) {
  EXPECT_FALSE(RequestHeaderHasRest(7, 0));
  EXPECT_TRUE(RequestHeaderHasRest(7, 1));
  EXPECT_TRUE(RequestHeaderHasRest(7, 3));
  EXPECT_TRUE(RequestHeaderHasRest(3, 0));
}

TEST(ControlledShutdownClientTest, ABrokerWithoutASessionAsksNothing) {
  testing::FakeClusterView cluster;
  ClusterSnapshot snapshot;
  snapshot.brokers[1] = ClusterBroker{.id = 1};
  snapshot.brokers[2] = ClusterBroker{.id = 2};
  snapshot.topics["t"].partitions = {Led(1, {1, 2})};
  cluster.SetSnapshot(snapshot);
  const Status done =
      RunControlledShutdown(cluster, [] { return std::shared_ptr<ZkClient>(); },
                            {.broker_id = 1, .timeout = std::chrono::milliseconds(5000)});
  EXPECT_TRUE(done.IsNotFound()) << done.ToString();
  EXPECT_EQ(cluster.waits, 0);
}

}  // namespace
}  // namespace ringlog
