// Replica placement: Kafka's round robin (leaders spread evenly, the followers' distance
// shifting after each round) and the checks of a client's own placement.
#include "net/cluster/replica_placement.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <vector>

namespace ringlog {
namespace {


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

}  // namespace
}  // namespace ringlog
