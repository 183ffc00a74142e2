// The pure rules of partition reassignment (net/cluster/reassignment.h) and of the plans of
// `ringlog reassign` (net/cli/reassign_plan.h).
#include "net/cluster/reassignment.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "net/cli/reassign_plan.h"

namespace ringlog {
namespace {

using Lists = std::map<int32_t, std::vector<int32_t>>;

znodes::TopicAssignment Topic(Lists partitions) {
  return znodes::TopicAssignment{.partitions = std::move(partitions)};
}

TEST(ReassignmentTest, TargetProblemsAreKafkasInvalidAssignments) {
  const std::set<int32_t> live = {1, 2, 3};
  EXPECT_EQ(TargetProblem({1, 2, 3}, live), "");
  EXPECT_EQ(TargetProblem({}, live), "the replica list is empty");
  EXPECT_NE(TargetProblem({1, 2, 1}, live).find("named twice"), std::string::npos);
  EXPECT_NE(TargetProblem({1, 7, 8}, live).find("[7, 8] are not registered"), std::string::npos);
  EXPECT_NE(TargetProblem({-1}, live).find("not registered"), std::string::npos);
}

TEST(ReassignmentTest, AMoveListsTheTargetFirstAndNamesAddingAndRemoving) {
  znodes::TopicAssignment topic = Topic({{0, {1, 2, 3}}, {1, {2, 3, 1}}});
  StartMove(topic, 0, {4, 2, 5});
  EXPECT_EQ(topic.partitions[0], (std::vector<int32_t>{4, 2, 5, 1, 3}));
  EXPECT_EQ(topic.adding, (Lists{{0, {4, 5}}}));
  EXPECT_EQ(topic.removing, (Lists{{0, {1, 3}}}));
  EXPECT_TRUE(Moving(topic, 0));
  EXPECT_FALSE(Moving(topic, 1));
  EXPECT_EQ(MoveTarget(topic, 0), (std::vector<int32_t>{4, 2, 5}));
  EXPECT_EQ(MoveTarget(topic, 1), (std::vector<int32_t>{2, 3, 1}));

  // A new move starts from the origin: replicas being added that the new target drops go.
  StartMove(topic, 0, {1, 4, 6});
  EXPECT_EQ(topic.partitions[0], (std::vector<int32_t>{1, 4, 6, 2, 3}));
  EXPECT_EQ(topic.adding, (Lists{{0, {4, 6}}}));
  EXPECT_EQ(topic.removing, (Lists{{0, {2, 3}}}));

  // Back to the origin's set: nothing is in progress any more.
  StartMove(topic, 0, {3, 2, 1});
  EXPECT_EQ(topic.partitions[0], (std::vector<int32_t>{3, 2, 1}));
  EXPECT_FALSE(Moving(topic, 0));
  EXPECT_TRUE(topic.adding.empty());
  EXPECT_TRUE(topic.removing.empty());
}

TEST(ReassignmentTest, CancellationGoesBackToTheOriginSet) {
  znodes::TopicAssignment topic = Topic({{0, {1, 2, 3}}});
  EXPECT_FALSE(CancelMove(topic, 0));
  StartMove(topic, 0, {4, 2, 3});
  ASSERT_TRUE(CancelMove(topic, 0));
  EXPECT_EQ(topic.partitions[0], (std::vector<int32_t>{2, 3, 1}));
  EXPECT_FALSE(Moving(topic, 0));
}

TEST(ReassignmentTest, AFinishedMoveIsLedByThePreferredReplicaWhenItCan) {
  const znodes::PartitionState state{
      .leader = 1, .leader_epoch = 3, .controller_epoch = 1, .isr = {1, 2, 3, 4}};
  EXPECT_TRUE(MoveCaughtUp({4, 2, 3}, state));
  EXPECT_FALSE(MoveCaughtUp({4, 2, 5}, state));
  std::optional<znodes::PartitionState> next = MoveLeader({4, 2, 3}, state, {1, 2, 3, 4}, 7);
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, (znodes::PartitionState{
                       .leader = 4, .leader_epoch = 4, .controller_epoch = 7, .isr = {2, 3, 4}}));
  // The preferred replica is gone: the leader stays (same epoch) when it is in the target.
  next = MoveLeader({4, 1, 3}, state, {1, 2, 3}, 7);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->leader, 1);
  EXPECT_EQ(next->leader_epoch, 3);
  EXPECT_EQ(next->isr, (std::vector<int32_t>{1, 3, 4}));
  // Neither: the first live ISR member of the target.
  next = MoveLeader({4, 2, 3}, state, {2, 3}, 7);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->leader, 2);
  EXPECT_EQ(next->leader_epoch, 4);
  // No one in the target can lead.
  EXPECT_FALSE(MoveLeader({5, 6}, state, {1, 2, 3, 4, 5, 6}, 7));
}

// Replica and preferred-leader counts per broker of `placement`.
std::pair<std::map<int32_t, int>, std::map<int32_t, int>> Counts(const Placement& placement) {
  std::map<int32_t, int> replicas, leaders;
  for (const auto& [topic, partitions] : placement) {
    for (const auto& [partition, list] : partitions) {
      for (int32_t broker : list) ++replicas[broker];
      ++leaders[list.front()];
    }
  }
  return {replicas, leaders};
}

int Moved(const Placement& from, const Placement& to) {
  int moved = 0;
  for (const auto& [topic, partitions] : to) {
    for (const auto& [partition, list] : partitions) {
      const std::vector<int32_t>& was = from.at(topic).at(partition);
      for (int32_t broker : list) {
        if (std::find(was.begin(), was.end(), broker) == was.end()) ++moved;
      }
    }
  }
  return moved;
}

TEST(ReassignPlanTest, ScaleOutSpreadsReplicasAndLeadersMovingFew) {
  Placement current;
  const std::vector<std::vector<int32_t>> rotation = {{1, 2, 3}, {2, 3, 1}, {3, 1, 2}};
  for (int32_t p = 0; p < 6; ++p) current["grow"][p] = rotation[p % 3];
  Result<Placement> plan = BalancedPlacement(current, {1, 2, 3, 4});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  auto [replicas, leaders] = Counts(*plan);
  EXPECT_EQ(replicas.size(), 4u);
  for (const auto& [broker, count] : replicas) EXPECT_TRUE(count == 4 || count == 5) << broker;
  EXPECT_EQ(leaders.size(), 4u);
  for (const auto& [broker, count] : leaders) EXPECT_TRUE(count == 1 || count == 2) << broker;
  EXPECT_EQ(Moved(current, *plan), 4) << "18 replicas over 4 brokers: broker 4 takes 4";
  for (const auto& [partition, list] : plan->at("grow")) {
    EXPECT_EQ(std::set<int32_t>(list.begin(), list.end()).size(), 3u) << partition;
  }
  // Balanced already: nothing changes.
  Result<Placement> again = BalancedPlacement(*plan, {1, 2, 3, 4});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(Changes(*plan, *again).empty());
}

TEST(ReassignPlanTest, ReplicasLeaveBrokersNotListed) {
  Placement current;
  current["t"] = {{0, {1, 2}}, {1, {2, 3}}, {2, {3, 1}}};
  Result<Placement> plan = BalancedPlacement(current, {1, 2});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  auto [replicas, leaders] = Counts(*plan);
  EXPECT_EQ(replicas, (std::map<int32_t, int>{{1, 3}, {2, 3}}));
  EXPECT_EQ(Changes(current, *plan).size(), 1u);
  EXPECT_TRUE(BalancedPlacement(current, {1}).status().IsInvalidArgument());
  EXPECT_TRUE(BalancedPlacement(current, {}).status().IsInvalidArgument());
  EXPECT_TRUE(BalancedPlacement(current, {1, 1, 2}).status().IsInvalidArgument());
}

TEST(ReassignPlanTest, PlanJsonIsKafkaReassignPartitions) {
  Placement plan;
  plan["t"] = {{0, {1, 2}}, {3, {4}}};
  const std::string json = PlanJson(plan);
  EXPECT_EQ(json, R"({"partitions":[{"log_dirs":["any","any"],"partition":0,"replicas":[1,2],)"
                  R"("topic":"t"},{"log_dirs":["any"],"partition":3,"replicas":[4],"topic":"t"}],)"
                  R"("version":1})");
  Result<Placement> parsed = ParsePlanJson(json);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, plan);
  for (const char* bad : {
           "",
           "[]",
           R"({"version":2,"partitions":[]})",
           R"({"version":1})",
           R"({"partitions":[{"partition":0,"replicas":[1]}]})",
           R"({"partitions":[{"topic":"t","partition":-1,"replicas":[1]}]})",
           R"({"partitions":[{"topic":"t","partition":0,"replicas":[1,"x"]}]})",
           R"({"partitions":[{"topic":"t","partition":0,"replicas":[1],"log_dirs":["/d"]}]})",
           R"({"partitions":[{"topic":"t","partition":0,"replicas":[1]},)"
           R"({"topic":"t","partition":0,"replicas":[2]}]})",
       }) {
    EXPECT_TRUE(ParsePlanJson(bad).status().IsInvalidArgument()) << bad;
  }
}

}  // namespace
}  // namespace ringlog
