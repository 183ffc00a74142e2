// The controller's election for one partition (NextPartitionState): clean election from
// the live ISR in assignment order, the last member kept while offline, brokers in
// controlled shutdown, restarted brokers (a new registration), unclean election; and the
// elections asked for (ElectPreferred, ElectUnclean).
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

TEST(PartitionElectionTest, ARestartedFollowerLeavesTheIsrAtTheSameLeaderEpoch) {
  ElectionInputs inputs = Live({1, 2, 3}, 9);
  inputs.restarted = {3};
  const PartitionState led{.leader = 1, .leader_epoch = 4, .controller_epoch = 1, .isr = {1, 2, 3}};
  EXPECT_EQ(NextPartitionState({1, 2, 3}, led, inputs),
            (PartitionState{.leader = 1, .leader_epoch = 4, .controller_epoch = 9, .isr = {1, 2}}));
  // Out of the ISR already: nothing to do; its leader adds it back once it caught up.
  const PartitionState shrunk{.leader = 1, .leader_epoch = 4, .controller_epoch = 1, .isr = {1, 2}};
  EXPECT_EQ(NextPartitionState({1, 2, 3}, shrunk, inputs), std::nullopt);
}

TEST(PartitionElectionTest, ARestartedLeaderIsReplacedBeforeItCanLeadAgain) {
  ElectionInputs inputs = Live({1, 2, 3}, 9);
  inputs.restarted = {1};
  const PartitionState led{.leader = 1, .leader_epoch = 4, .controller_epoch = 1, .isr = {1, 2, 3}};
  EXPECT_EQ(NextPartitionState({1, 2, 3}, led, inputs),
            (PartitionState{.leader = 2, .leader_epoch = 5, .controller_epoch = 9, .isr = {2, 3}}));
  // Its fellow member is dead: the partition waits for it rather than elect the restarted
  // broker, which may have lost what it acknowledged.
  ElectionInputs lonely = Live({1, 3}, 9);
  lonely.restarted = {1};
  const PartitionState pair{.leader = 1, .leader_epoch = 4, .controller_epoch = 1, .isr = {1, 2}};
  EXPECT_EQ(NextPartitionState({1, 2, 3}, pair, lonely),
            (PartitionState{.leader = -1, .leader_epoch = 5, .controller_epoch = 9, .isr = {2}}));
  // The last member in sync is elected again, at a new leader epoch.
  const PartitionState alone{.leader = 1, .leader_epoch = 4, .controller_epoch = 1, .isr = {1}};
  EXPECT_EQ(NextPartitionState({1, 2}, alone, inputs),
            (PartitionState{.leader = 1, .leader_epoch = 5, .controller_epoch = 9, .isr = {1}}));
  // An offline partition whose members all restarted is led by the first of them.
  const PartitionState dark{.leader = -1, .leader_epoch = 4, .controller_epoch = 1, .isr = {3, 1}};
  inputs.restarted = {1, 3};
  EXPECT_EQ(NextPartitionState({1, 2, 3}, dark, inputs),
            (PartitionState{.leader = 1, .leader_epoch = 5, .controller_epoch = 9, .isr = {3, 1}}));
}

TEST(PartitionElectionTest, UncleanElectionTakesTheFirstLiveReplicaOnlyWhenAllowed) {
  const PartitionState offline{.leader = -1, .leader_epoch = 4, .controller_epoch = 1, .isr = {1}};
  EXPECT_EQ(NextPartitionState({1, 2, 3}, offline, Live({2, 3}, 9)), std::nullopt);
  ElectionInputs unclean = Live({2, 3}, 9);
  unclean.unclean = true;
  const std::optional<PartitionState> elected = NextPartitionState({1, 3, 2}, offline, unclean);
  EXPECT_EQ(elected,
            (PartitionState{.leader = 3, .leader_epoch = 5, .controller_epoch = 9, .isr = {3}}));
  EXPECT_TRUE(IsUncleanElection(offline, *elected));
  // A live ISR member is still preferred: the election is clean.
  const PartitionState led{.leader = 1, .leader_epoch = 4, .controller_epoch = 1, .isr = {1, 2}};
  const std::optional<PartitionState> clean = NextPartitionState({1, 3, 2}, led, unclean);
  EXPECT_EQ(clean,
            (PartitionState{.leader = 2, .leader_epoch = 5, .controller_epoch = 9, .isr = {2}}));
  EXPECT_FALSE(IsUncleanElection(led, *clean));
  // No replica live at all: offline still.
  unclean.live = {4};
  EXPECT_EQ(NextPartitionState({1, 2, 3}, offline, unclean), std::nullopt);
}

TEST(PartitionElectionTest, PreferredElectionMovesLeadershipToTheFirstReplicaInSync) {
  const ElectionInputs inputs = Live({1, 2, 3}, 9);
  const PartitionState moved{.leader = 2, .leader_epoch = 4, .controller_epoch = 1, .isr = {2, 1}};
  const ElectionDecision back = ElectPreferred({1, 2}, moved, inputs);
  EXPECT_EQ(back.error, ErrorCode::kNone);
  EXPECT_EQ(back.state,
            (PartitionState{.leader = 1, .leader_epoch = 5, .controller_epoch = 9, .isr = {2, 1}}));
  const PartitionState home{.leader = 1, .leader_epoch = 4, .controller_epoch = 1, .isr = {2, 1}};
  EXPECT_EQ(ElectPreferred({1, 2}, home, inputs).error, ErrorCode::kElectionNotNeeded);
  const PartitionState out{.leader = 2, .leader_epoch = 4, .controller_epoch = 1, .isr = {2}};
  EXPECT_EQ(ElectPreferred({1, 2}, out, inputs).error, ErrorCode::kPreferredLeaderNotAvailable);
  EXPECT_EQ(ElectPreferred({1, 2}, moved, Live({2}, 9)).error,
            ErrorCode::kPreferredLeaderNotAvailable);
  ElectionInputs stopping = inputs;
  stopping.shutting_down = {1};
  EXPECT_EQ(ElectPreferred({1, 2}, moved, stopping).error, ErrorCode::kPreferredLeaderNotAvailable);
  EXPECT_EQ(ElectPreferred({1, 2}, std::nullopt, inputs).error,
            ErrorCode::kPreferredLeaderNotAvailable);
}

TEST(PartitionElectionTest, UncleanElectionOnRequest) {
  const ElectionInputs inputs = Live({2, 3}, 9);
  const PartitionState led{.leader = 2, .leader_epoch = 4, .controller_epoch = 1, .isr = {2}};
  EXPECT_EQ(ElectUnclean({1, 2, 3}, led, inputs).error, ErrorCode::kElectionNotNeeded);
  const PartitionState offline{.leader = -1, .leader_epoch = 4, .controller_epoch = 1, .isr = {1}};
  const ElectionDecision taken = ElectUnclean({1, 3, 2}, offline, inputs);
  EXPECT_EQ(taken.error, ErrorCode::kNone);
  EXPECT_EQ(taken.state,
            (PartitionState{.leader = 3, .leader_epoch = 5, .controller_epoch = 9, .isr = {3}}));
  EXPECT_EQ(ElectUnclean({1, 4}, offline, inputs).error, ErrorCode::kEligibleLeadersNotAvailable);
}

}  // namespace
}  // namespace ringlog
