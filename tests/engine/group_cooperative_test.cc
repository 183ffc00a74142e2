// Incremental cooperative rebalancing (KIP-429) as the coordinator sees it, with the
// request order and the ManualClock under the test's control. The protocol is the
// clients': a member's metadata names the partitions it owns, a leader never hands a
// partition over in the generation that takes it away, and a member that loses
// partitions revokes them and rejoins at once, which starts the second rebalance.
#include <gtest/gtest.h>

#include <string>

#include "tests/engine/group_test_fixture.h"

namespace ringlog::testing {
namespace {

class CooperativeGroupTest : public GroupTest {
 protected:
  // A cooperative-sticky member that owns `owned` (as its subscription metadata says).
  static JoinGroupParams Cooperative(const std::string& member_id, const std::string& owned) {
    JoinGroupParams params = Params(member_id, {"cooperative-sticky"});
    params.protocols[0].metadata = "owns:" + owned;
    return params;
  }

  // A first member alone in generation 1 with every partition; returns its id.
  std::string FirstMemberOwnsEverything() {
    Pending<JoinGroupResult> joined = Join(Cooperative("", ""));
    Advance(kInitialDelayMs);
    EXPECT_TRUE(joined->has_value());
    if (!joined->has_value()) return {};
    const std::string id = (*joined)->member_id;
    EXPECT_EQ((*joined)->generation_id, 1);
    EXPECT_EQ((*Sync(id, 1, {{id, "0123"}}))->assignment, "0123");
    return id;
  }
};

TEST_F(CooperativeGroupTest, LeadersRejoinDoesNotCostAFollowerItsCooperativeGeneration) {
  const std::string a = FirstMemberOwnsEverything();
  ASSERT_FALSE(a.empty());

  // b joins; a hears of it on its next heartbeat and rejoins with what it owns.
  Advance(200);
  Pending<JoinGroupResult> b_join = Join(Cooperative("", ""));
  Advance(300);
  EXPECT_EQ(Heartbeat(a, 1), GroupError::kRebalanceInProgress);
  Pending<JoinGroupResult> a_join = Join(Cooperative(a, "0123"));
  ASSERT_TRUE(a_join->has_value());
  ASSERT_TRUE(b_join->has_value());
  const std::string b = (*b_join)->member_id;
  EXPECT_EQ((*a_join)->generation_id, 2);
  EXPECT_EQ((*b_join)->generation_id, 2);
  EXPECT_EQ((*a_join)->leader_id, a);

  // Generation 2: a keeps 01 and gives up 23; b gets nothing until a has revoked them.
  // a has its answer at once, revokes, and rejoins before b's SyncGroup arrives.
  EXPECT_EQ((*Sync(a, 2, {{a, "01"}, {b, "none"}}))->assignment, "01");
  Advance(1);
  Pending<JoinGroupResult> a_rejoin = Join(Cooperative(a, "01"));
  EXPECT_FALSE(a_rejoin->has_value()) << "a's changed metadata starts generation 3";
  EXPECT_EQ(groups_->DescribeGroup(kGroup).state, GroupState::kPreparingRebalance);
  Advance(1);
  Pending<SyncGroupResult> b_sync = Sync(b, 2);
  ASSERT_TRUE(b_sync->has_value());
  EXPECT_EQ((*b_sync)->error, GroupError::kNone) << "b lost generation 2";
  EXPECT_EQ((*b_sync)->assignment, "none");
  EXPECT_EQ((*Sync(b, 2))->error, GroupError::kRebalanceInProgress)
      << "collected once; a second SyncGroup is told to rejoin, as Kafka does";

  // b learns of generation 3 from its heartbeat and rejoins; a's revoked partitions move.
  Advance(500);
  EXPECT_EQ(Heartbeat(b, 2), GroupError::kRebalanceInProgress);
  Pending<JoinGroupResult> b_rejoin = Join(Cooperative(b, ""));
  ASSERT_TRUE(a_rejoin->has_value());
  ASSERT_TRUE(b_rejoin->has_value());
  EXPECT_EQ((*a_rejoin)->generation_id, 3);
  EXPECT_EQ((*b_rejoin)->generation_id, 3);
  ASSERT_EQ((*a_rejoin)->members.size(), 2u);
  Pending<SyncGroupResult> b_gets = Sync(b, 3);
  EXPECT_FALSE(b_gets->has_value()) << "waits for the leader";
  EXPECT_EQ((*Sync(a, 3, {{a, "01"}, {b, "23"}}))->assignment, "01");
  ASSERT_TRUE(b_gets->has_value());
  EXPECT_EQ((*b_gets)->assignment, "23");
  EXPECT_EQ(groups_->DescribeGroup(kGroup).state, GroupState::kStable);
}

TEST_F(CooperativeGroupTest, FollowerSyncFromBeforeTheLeadersRejoinStillGetsItsAssignment) {
  // The same race with the follower's SyncGroup sent before the leader's: it waits, and
  // is answered by the leader's SyncGroup, whatever comes next.
  const std::string a = FirstMemberOwnsEverything();
  ASSERT_FALSE(a.empty());
  Pending<JoinGroupResult> b_join = Join(Cooperative("", ""));
  Join(Cooperative(a, "0123"));
  ASSERT_TRUE(b_join->has_value());
  const std::string b = (*b_join)->member_id;
  Pending<SyncGroupResult> b_sync = Sync(b, 2);
  EXPECT_EQ((*Sync(a, 2, {{a, "01"}, {b, "none"}}))->assignment, "01");
  Join(Cooperative(a, "01"));
  ASSERT_TRUE(b_sync->has_value());
  EXPECT_EQ((*b_sync)->error, GroupError::kNone);
  EXPECT_EQ((*b_sync)->assignment, "none");
}

TEST_F(CooperativeGroupTest, NoAssignmentToCollectWhenTheRebalanceRestartsBeforeTheLeaderSyncs) {
  // Generation 1: a leads, b never collects its assignment.
  Pending<JoinGroupResult> a_join = Join(Cooperative("", ""));
  Pending<JoinGroupResult> b_join = Join(Cooperative("", ""));
  Advance(kInitialDelayMs);
  ASSERT_TRUE(a_join->has_value());
  ASSERT_TRUE(b_join->has_value());
  const std::string a = (*a_join)->leader_id;
  const std::string b = (*a_join)->member_id == a ? (*b_join)->member_id : (*a_join)->member_id;
  EXPECT_EQ((*Sync(a, 1, {{a, "01"}, {b, "23"}}))->error, GroupError::kNone);

  // Generation 2 completes, then a newcomer restarts the rebalance before the leader's
  // SyncGroup: nothing was assigned in generation 2, and b's uncollected assignment of
  // generation 1 is no longer its own.
  Pending<JoinGroupResult> c_join = Join(Cooperative("", ""));
  Join(Cooperative(a, "01"));
  Pending<JoinGroupResult> b_rejoin = Join(Cooperative(b, ""));
  ASSERT_TRUE(c_join->has_value());
  ASSERT_TRUE(b_rejoin->has_value());
  EXPECT_EQ((*b_rejoin)->generation_id, 2);
  Pending<JoinGroupResult> d_join = Join(Cooperative("", ""));
  EXPECT_EQ(groups_->DescribeGroup(kGroup).state, GroupState::kPreparingRebalance);
  Pending<SyncGroupResult> b_sync = Sync(b, 2);
  ASSERT_TRUE(b_sync->has_value());
  EXPECT_EQ((*b_sync)->error, GroupError::kRebalanceInProgress);
  EXPECT_EQ((*b_sync)->assignment, "");
  EXPECT_EQ((*Sync(a, 2, {{a, "0"}, {b, "1"}}))->error, GroupError::kRebalanceInProgress);
}

}  // namespace
}  // namespace ringlog::testing
