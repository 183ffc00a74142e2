// Replica placement and leader choice: Kafka's round robin (leaders spread evenly, the
// followers' distance shifting after each round), the checks of a client's own placement,
// and the next partition state as brokers die and return.
#include "net/cluster/replica_placement.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <vector>

namespace ringlog {
namespace {

using znodes::PartitionState;

const std::vector<int32_t> kThreeBrokers = {1, 2, 3};

TEST(ReplicaPlacementTest, SpreadsLeadersEvenlyAndShiftsFollowersEachRound) {
  ReplicaAssignment placed = PlaceReplicas(kThreeBrokers, 0, 6, 2, PlacementStart{0, 0});
  ReplicaAssignment expected = {{0, {1, 2}}, {1, {2, 3}}, {2, {3, 1}},
                                {3, {1, 3}}, {4, {2, 1}}, {5, {3, 2}}};
  EXPECT_EQ(placed, expected);
}

TEST(ReplicaPlacementTest, EveryStartLeadsEachBrokerEquallyWithDistinctReplicas) {
  for (int32_t start = 0; start < 3; ++start) {
    for (int32_t shift = 0; shift < 3; ++shift) {
      ReplicaAssignment placed =
          PlaceReplicas(kThreeBrokers, 0, 6, 3, PlacementStart{start, shift});
      ASSERT_EQ(placed.size(), 6u);
      std::map<int32_t, int> leads;
      for (const auto& [partition, replicas] : placed) {
        ASSERT_EQ(replicas.size(), 3u);
        EXPECT_EQ(std::set<int32_t>(replicas.begin(), replicas.end()).size(), 3u);
        ++leads[replicas.front()];
      }
      EXPECT_EQ(leads, (std::map<int32_t, int>{{1, 2}, {2, 2}, {3, 2}}));
    }
  }
}

TEST(ReplicaPlacementTest, StartIndexPicksPartitionZerosLeaderAndNewPartitionsContinue) {
  ReplicaAssignment placed = PlaceReplicas(kThreeBrokers, 0, 2, 1, PlacementStart{2, 0});
  EXPECT_EQ(placed, (ReplicaAssignment{{0, {3}}, {1, {1}}}));
  // Partitions added later continue the same round from partition 2.
  ReplicaAssignment added = PlaceReplicas(kThreeBrokers, 2, 2, 1, PlacementStart{2, 0});
  EXPECT_EQ(added, (ReplicaAssignment{{2, {2}}, {3, {3}}}));
}

TEST(ReplicaPlacementTest, OneBrokerTakesEveryPartition) {
  const std::vector<int32_t> one = {7};
  EXPECT_EQ(PlaceReplicas(one, 0, 3, 1, PlacementStart{}),
            (ReplicaAssignment{{0, {7}}, {1, {7}}, {2, {7}}}));
}

TEST(ReplicaPlacementTest, ReplicationFactorMustFitTheLiveBrokers) {
  EXPECT_TRUE(ValidateReplicationFactor(3, 3).ok());
  EXPECT_TRUE(ValidateReplicationFactor(4, 3).IsInvalidArgument());
  EXPECT_TRUE(ValidateReplicationFactor(0, 3).IsInvalidArgument());
  EXPECT_TRUE(ValidateReplicationFactor(1, 0).IsInvalidArgument());
}

TEST(ReplicaPlacementTest, ManualAssignmentChecks) {
  const std::set<int32_t> live = {1, 2, 3};
  EXPECT_TRUE(ValidateManualAssignment({{0, {1, 2}}, {1, {2, 3}}}, 0, live, -1).ok());
  EXPECT_TRUE(ValidateManualAssignment({{2, {3}}}, 2, live, 1).ok());
  // Not numbered from first_partition on.
  EXPECT_FALSE(ValidateManualAssignment({{0, {1}}, {2, {2}}}, 0, live, -1).ok());
  EXPECT_FALSE(ValidateManualAssignment({{0, {1}}}, 1, live, -1).ok());
  // Empty, duplicated, unknown broker, uneven or not the topic's replication factor.
  EXPECT_FALSE(ValidateManualAssignment({{0, {}}}, 0, live, -1).ok());
  EXPECT_FALSE(ValidateManualAssignment({{0, {1, 1}}}, 0, live, -1).ok());
  EXPECT_FALSE(ValidateManualAssignment({{0, {1, 4}}}, 0, live, -1).ok());
  EXPECT_FALSE(ValidateManualAssignment({{0, {1, 2}}, {1, {3}}}, 0, live, -1).ok());
  EXPECT_FALSE(ValidateManualAssignment({{3, {1, 2}}}, 3, live, 1).ok());
}

TEST(ReplicaPlacementTest, NewPartitionLedByTheFirstLiveReplicaWithTheLiveOnesInSync) {
  EXPECT_EQ(NextPartitionState({2, 3}, std::nullopt, {1, 2, 3}, 5),
            (PartitionState{.leader = 2, .leader_epoch = 0, .controller_epoch = 5, .isr = {2, 3}}));
  EXPECT_EQ(NextPartitionState({2, 3}, std::nullopt, {1, 3}, 5),
            (PartitionState{.leader = 3, .leader_epoch = 0, .controller_epoch = 5, .isr = {3}}));
  // None live: all are in sync (none has data), and the first to return leads.
  const std::optional<PartitionState> none = NextPartitionState({2, 4}, std::nullopt, {1}, 5);
  EXPECT_EQ(none, (PartitionState{
                      .leader = -1, .leader_epoch = 0, .controller_epoch = 5, .isr = {2, 4}}));
  EXPECT_EQ(NextPartitionState({2, 4}, none, {1, 4}, 5),
            (PartitionState{.leader = 4, .leader_epoch = 1, .controller_epoch = 5, .isr = {4}}));
}

TEST(ReplicaPlacementTest, LiveLeaderStays) {
  const PartitionState led{.leader = 2, .leader_epoch = 4, .controller_epoch = 1, .isr = {2}};
  EXPECT_EQ(NextPartitionState({1, 2}, led, {1, 2}, 9), std::nullopt);
  const PartitionState offline{.leader = -1, .leader_epoch = 4, .controller_epoch = 1, .isr = {}};
  EXPECT_EQ(NextPartitionState({1, 2}, offline, {3}, 9), std::nullopt);
}

TEST(ReplicaPlacementTest, DeadFollowersLeaveTheIsrAtTheSameLeaderEpoch) {
  const PartitionState led{.leader = 2, .leader_epoch = 4, .controller_epoch = 1, .isr = {2, 1, 3}};
  EXPECT_EQ(NextPartitionState({1, 2, 3}, led, {2, 3}, 9),
            (PartitionState{.leader = 2, .leader_epoch = 4, .controller_epoch = 9, .isr = {2, 3}}));
  EXPECT_EQ(NextPartitionState({1, 2, 3}, led, {2}, 9),
            (PartitionState{.leader = 2, .leader_epoch = 4, .controller_epoch = 9, .isr = {2}}));
  // A follower outside the ISR that returns is not added: its leader asks for that.
  const PartitionState shrunk{.leader = 2, .leader_epoch = 4, .controller_epoch = 1, .isr = {2}};
  EXPECT_EQ(NextPartitionState({1, 2, 3}, shrunk, {1, 2, 3}, 9), std::nullopt);
}

TEST(ReplicaPlacementTest, ADeadLeaderIsReplacedFromTheLiveIsrInAssignmentOrder) {
  const PartitionState led{.leader = 1, .leader_epoch = 4, .controller_epoch = 1, .isr = {1, 3, 2}};
  EXPECT_EQ(NextPartitionState({1, 2, 3}, led, {2, 3}, 9),
            (PartitionState{.leader = 2, .leader_epoch = 5, .controller_epoch = 9, .isr = {3, 2}}));
  // Broker 2 is live but out of the ISR: never elected.
  const PartitionState narrow{.leader = 1, .leader_epoch = 4, .controller_epoch = 1, .isr = {1, 3}};
  EXPECT_EQ(NextPartitionState({1, 2, 3}, narrow, {2, 3}, 9),
            (PartitionState{.leader = 3, .leader_epoch = 5, .controller_epoch = 9, .isr = {3}}));
}

TEST(ReplicaPlacementTest, TheLastIsrMemberStaysWhileOfflineAndIsElectedWhenItReturns) {
  const PartitionState led{.leader = 1, .leader_epoch = 4, .controller_epoch = 1, .isr = {1}};
  const std::optional<PartitionState> offline = NextPartitionState({1, 2}, led, {2, 3}, 9);
  EXPECT_EQ(offline,
            (PartitionState{.leader = -1, .leader_epoch = 5, .controller_epoch = 9, .isr = {1}}));
  // Broker 2, out of the ISR, does not take over; nothing changes while 1 is away.
  EXPECT_EQ(NextPartitionState({1, 2}, offline, {2, 3}, 9), std::nullopt);
  EXPECT_EQ(NextPartitionState({1, 2}, offline, {1, 2, 3}, 10),
            (PartitionState{.leader = 1, .leader_epoch = 6, .controller_epoch = 10, .isr = {1}}));
  // Several members in sync when all died at once: any of them may lead again.
  const PartitionState pair{.leader = 1, .leader_epoch = 4, .controller_epoch = 1, .isr = {1, 2}};
  const std::optional<PartitionState> dark = NextPartitionState({1, 2, 3}, pair, {3}, 9);
  EXPECT_EQ(dark, (PartitionState{
                      .leader = -1, .leader_epoch = 5, .controller_epoch = 9, .isr = {1, 2}}));
  EXPECT_EQ(NextPartitionState({1, 2, 3}, dark, {2, 3}, 9),
            (PartitionState{.leader = 2, .leader_epoch = 6, .controller_epoch = 9, .isr = {2}}));
}

TEST(ReplicaPlacementTest, AnEmptyIsrLetsTheFirstLiveReplicaLead) {
  const PartitionState bare{.leader = -1, .leader_epoch = 3, .controller_epoch = 1, .isr = {}};
  EXPECT_EQ(NextPartitionState({1, 2}, bare, {2}, 9),
            (PartitionState{.leader = 2, .leader_epoch = 4, .controller_epoch = 9, .isr = {2}}));
}

}  // namespace
}  // namespace ringlog
