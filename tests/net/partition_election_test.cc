// The controller's election for one partition (NextPartitionState): clean election from
// the live ISR in assignment order, the last member kept while offline, and brokers in
// controlled shutdown.
#include "net/cluster/partition_election.h"

#include <gtest/gtest.h>

#include <optional>
#include <set>

namespace ringlog {
namespace {

using znodes::PartitionState;

ElectionInputs Live(std::set<int32_t> live, int32_t controller_epoch) {
  return ElectionInputs{.live = std::move(live), .controller_epoch = controller_epoch};
}

TEST(PartitionElectionTest, NewPartitionLedByTheFirstLiveReplicaWithTheLiveOnesInSync) {
  EXPECT_EQ(NextPartitionState({2, 3}, std::nullopt, Live({1, 2, 3}, 5)),
            (PartitionState{.leader = 2, .leader_epoch = 0, .controller_epoch = 5, .isr = {2, 3}}));
  EXPECT_EQ(NextPartitionState({2, 3}, std::nullopt, Live({1, 3}, 5)),
            (PartitionState{.leader = 3, .leader_epoch = 0, .controller_epoch = 5, .isr = {3}}));
  // None live: all are in sync (none has data), and the first to return leads.
  const std::optional<PartitionState> none = NextPartitionState({2, 4}, std::nullopt, Live({1}, 5));
  EXPECT_EQ(none, (PartitionState{
                      .leader = -1, .leader_epoch = 0, .controller_epoch = 5, .isr = {2, 4}}));
  EXPECT_EQ(NextPartitionState({2, 4}, none, Live({1, 4}, 5)),
            (PartitionState{.leader = 4, .leader_epoch = 1, .controller_epoch = 5, .isr = {4}}));
}

TEST(PartitionElectionTest, LiveLeaderStays) {
  const PartitionState led{.leader = 2, .leader_epoch = 4, .controller_epoch = 1, .isr = {2}};
  EXPECT_EQ(NextPartitionState({1, 2}, led, Live({1, 2}, 9)), std::nullopt);
  const PartitionState offline{.leader = -1, .leader_epoch = 4, .controller_epoch = 1, .isr = {}};
  EXPECT_EQ(NextPartitionState({1, 2}, offline, Live({3}, 9)), std::nullopt);
}

TEST(PartitionElectionTest, DeadFollowersLeaveTheIsrAtTheSameLeaderEpoch) {
  const PartitionState led{.leader = 2, .leader_epoch = 4, .controller_epoch = 1, .isr = {2, 1, 3}};
  EXPECT_EQ(NextPartitionState({1, 2, 3}, led, Live({2, 3}, 9)),
            (PartitionState{.leader = 2, .leader_epoch = 4, .controller_epoch = 9, .isr = {2, 3}}));
  EXPECT_EQ(NextPartitionState({1, 2, 3}, led, Live({2}, 9)),
            (PartitionState{.leader = 2, .leader_epoch = 4, .controller_epoch = 9, .isr = {2}}));
  // A follower outside the ISR that returns is not added: its leader asks for that.
  const PartitionState shrunk{.leader = 2, .leader_epoch = 4, .controller_epoch = 1, .isr = {2}};
  EXPECT_EQ(NextPartitionState({1, 2, 3}, shrunk, Live({1, 2, 3}, 9)), std::nullopt);
}

TEST(PartitionElectionTest, ADeadLeaderIsReplacedFromTheLiveIsrInAssignmentOrder) {
  const PartitionState led{.leader = 1, .leader_epoch = 4, .controller_epoch = 1, .isr = {1, 3, 2}};
  EXPECT_EQ(NextPartitionState({1, 2, 3}, led, Live({2, 3}, 9)),
            (PartitionState{.leader = 2, .leader_epoch = 5, .controller_epoch = 9, .isr = {3, 2}}));
  // Broker 2 is live but out of the ISR: never elected.
  const PartitionState narrow{.leader = 1, .leader_epoch = 4, .controller_epoch = 1, .isr = {1, 3}};
  EXPECT_EQ(NextPartitionState({1, 2, 3}, narrow, Live({2, 3}, 9)),
            (PartitionState{.leader = 3, .leader_epoch = 5, .controller_epoch = 9, .isr = {3}}));
}

TEST(PartitionElectionTest, TheLastIsrMemberStaysWhileOfflineAndIsElectedWhenItReturns) {
  const PartitionState led{.leader = 1, .leader_epoch = 4, .controller_epoch = 1, .isr = {1}};
  const std::optional<PartitionState> offline = NextPartitionState({1, 2}, led, Live({2, 3}, 9));
  EXPECT_EQ(offline,
            (PartitionState{.leader = -1, .leader_epoch = 5, .controller_epoch = 9, .isr = {1}}));
  // Broker 2, out of the ISR, does not take over; nothing changes while 1 is away.
  EXPECT_EQ(NextPartitionState({1, 2}, offline, Live({2, 3}, 9)), std::nullopt);
  EXPECT_EQ(NextPartitionState({1, 2}, offline, Live({1, 2, 3}, 10)),
            (PartitionState{.leader = 1, .leader_epoch = 6, .controller_epoch = 10, .isr = {1}}));
  // Several members in sync when all died at once: any of them may lead again.
  const PartitionState pair{.leader = 1, .leader_epoch = 4, .controller_epoch = 1, .isr = {1, 2}};
  const std::optional<PartitionState> dark = NextPartitionState({1, 2, 3}, pair, Live({3}, 9));
  EXPECT_EQ(dark, (PartitionState{
                      .leader = -1, .leader_epoch = 5, .controller_epoch = 9, .isr = {1, 2}}));
  EXPECT_EQ(NextPartitionState({1, 2, 3}, dark, Live({2, 3}, 9)),
            (PartitionState{.leader = 2, .leader_epoch = 6, .controller_epoch = 9, .isr = {2}}));
}

TEST(PartitionElectionTest, AnEmptyIsrLetsTheFirstLiveReplicaLead) {
  const PartitionState bare{.leader = -1, .leader_epoch = 3, .controller_epoch = 1, .isr = {}};
  EXPECT_EQ(NextPartitionState({1, 2}, bare, Live({2}, 9)),
            (PartitionState{.leader = 2, .leader_epoch = 4, .controller_epoch = 9, .isr = {2}}));
}

TEST(PartitionElectionTest, ABrokerShuttingDownHandsOverWhereAnotherMemberIsInSync) {
  ElectionInputs inputs = Live({1, 2, 3}, 9);
  inputs.shutting_down = {1};
  // It leads: the next ISR member in assignment order takes over, and it leaves the ISR.
  const PartitionState led{.leader = 1, .leader_epoch = 4, .controller_epoch = 1, .isr = {1, 2, 3}};
  EXPECT_EQ(NextPartitionState({1, 3, 2}, led, inputs),
            (PartitionState{.leader = 3, .leader_epoch = 5, .controller_epoch = 9, .isr = {2, 3}}));
  // It follows: it leaves the ISR at the same leader epoch.
  const PartitionState followed{
      .leader = 2, .leader_epoch = 4, .controller_epoch = 1, .isr = {2, 1}};
  EXPECT_EQ(NextPartitionState({2, 1}, followed, inputs),
            (PartitionState{.leader = 2, .leader_epoch = 4, .controller_epoch = 9, .isr = {2}}));
  // The last member in sync keeps leading until it stops.
  const PartitionState alone{.leader = 1, .leader_epoch = 4, .controller_epoch = 1, .isr = {1}};
  EXPECT_EQ(NextPartitionState({1, 2}, alone, inputs), std::nullopt);
  // A new partition is not led by it while another replica is live.
  EXPECT_EQ(NextPartitionState({1, 2}, std::nullopt, inputs),
            (PartitionState{.leader = 2, .leader_epoch = 0, .controller_epoch = 9, .isr = {2}}));
}

}  // namespace
}  // namespace ringlog
