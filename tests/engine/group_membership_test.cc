// How members leave a group on a ManualClock: an expired session, a rebalance they never
// rejoin, LeaveGroup (by member id and by instance id), and static members that restart
// and take their old place back without a rebalance.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/engine/group_test_fixture.h"

namespace ringlog::testing {
namespace {

TEST_F(GroupTest, SessionTimeoutExpelsASilentMemberAndRebalances) {
  int32_t generation = 0;
  const std::vector<std::string> ids = StableGroup(2, &generation);
  ASSERT_EQ(ids.size(), 2u);
  // ids[0] keeps heartbeating, ids[1] goes silent.
  for (int i = 0; i < 3; ++i) {
    Advance(kSessionMs / 4);
    ASSERT_EQ(Heartbeat(ids[0], generation), GroupError::kNone);
  }
  Advance(kSessionMs / 4);
  EXPECT_EQ(Heartbeat(ids[1], generation), GroupError::kUnknownMemberId);
  EXPECT_EQ(Heartbeat(ids[0], generation), GroupError::kRebalanceInProgress);
  const JoinGroupResult rejoined = JoinNow(Params(ids[0]));
  EXPECT_EQ(rejoined.error, GroupError::kNone);
  EXPECT_EQ(rejoined.generation_id, generation + 1);
  ASSERT_EQ(rejoined.members.size(), 1u) << "the survivor leads alone";
  EXPECT_EQ(rejoined.members[0].member_id, ids[0]);
}

TEST_F(GroupTest, RebalanceTimeoutRemovesMembersThatNeverRejoin) {
  int32_t generation = 0;
  const std::vector<std::string> ids = StableGroup(2, &generation);
  ASSERT_EQ(ids.size(), 2u);
  Pending<JoinGroupResult> newcomer = Join(Params(""));
  Pending<JoinGroupResult> first = Join(Params(ids[0]));
  // ids[1] heartbeats (which keeps its session alive) but never rejoins: the rebalance
  // timeout, not its session, ends its membership.
  for (int step = 0; step < 4; ++step) {
    EXPECT_FALSE(newcomer->has_value());
    EXPECT_EQ(Heartbeat(ids[1], generation), GroupError::kRebalanceInProgress);
    Advance(kRebalanceMs / 4);
  }
  ASSERT_TRUE(newcomer->has_value());
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*newcomer)->generation_id, generation + 1);
  const std::string& leader = (*first)->leader_id;
  const auto& leader_view = leader == ids[0] ? **first : **newcomer;
  EXPECT_EQ(leader_view.members.size(), 2u);
  EXPECT_EQ(Heartbeat(ids[1], generation), GroupError::kUnknownMemberId);
}

TEST_F(GroupTest, LeaveGroupRebalancesTheOthers) {
  int32_t generation = 0;
  const std::vector<std::string> ids = StableGroup(3, &generation);
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(groups_->LeaveGroup(kGroup, {MemberRef{ids[2], {}}, MemberRef{"stranger", {}}}),
            (std::vector<GroupError>{GroupError::kNone, GroupError::kUnknownMemberId}));
  EXPECT_EQ(groups_->LeaveGroup("unknown-group", {MemberRef{ids[0], {}}}),
            std::vector<GroupError>{GroupError::kUnknownMemberId});
  EXPECT_EQ(Heartbeat(ids[0], generation), GroupError::kRebalanceInProgress);
  Pending<JoinGroupResult> a = Join(Params(ids[0]));
  Pending<JoinGroupResult> b = Join(Params(ids[1]));
  ASSERT_TRUE(a->has_value());
  ASSERT_TRUE(b->has_value());
  EXPECT_EQ((*a)->generation_id, generation + 1);
  EXPECT_EQ(groups_->DescribeGroup(kGroup).members.size(), 2u);

  // The last member leaving empties the group.
  EXPECT_EQ(groups_->LeaveGroup(kGroup, {MemberRef{ids[0], {}}, MemberRef{ids[1], {}}}),
            (std::vector<GroupError>{GroupError::kNone, GroupError::kNone}));
  EXPECT_EQ(groups_->DescribeGroup(kGroup).state, GroupState::kEmpty);
}

TEST_F(GroupTest, StaticMemberRestartKeepsItsAssignmentWithoutARebalance) {
  int32_t generation = 0;
  const std::vector<std::string> ids = StableGroup(2, &generation, {"instance-a", "instance-b"});
  ASSERT_EQ(ids.size(), 2u);
  const GroupSummary before = groups_->DescribeGroup(kGroup);
  std::string old_id;
  std::string old_assignment;
  for (const GroupSummary::Member& m : before.members) {
    if (m.group_instance_id == "instance-a") {
      old_id = m.member_id;
      old_assignment = m.assignment;
    }
  }
  ASSERT_FALSE(old_id.empty());
  EXPECT_EQ(old_id.rfind("instance-a-", 0), 0u) << old_id;

  // instance-a restarts: it joins with no member id, as a new process does.
  JoinGroupParams restart = Params("");
  restart.group_instance_id = "instance-a";
  restart.require_known_member_id = true;
  const JoinGroupResult rejoined = JoinNow(restart);
  EXPECT_EQ(rejoined.error, GroupError::kNone);
  EXPECT_NE(rejoined.member_id, old_id);
  EXPECT_EQ(rejoined.generation_id, generation) << "no new generation";
  EXPECT_EQ(groups_->DescribeGroup(kGroup).state, GroupState::kStable);
  Pending<SyncGroupResult> sync = Sync(rejoined.member_id, generation, {}, "instance-a");
  ASSERT_TRUE(sync->has_value());
  EXPECT_EQ((*sync)->error, GroupError::kNone);
  EXPECT_EQ((*sync)->assignment, old_assignment);

  // The old incarnation is fenced; the other member sees no rebalance.
  EXPECT_EQ(Heartbeat(old_id, generation, "instance-a"), GroupError::kFencedInstanceId);
  EXPECT_EQ((*Sync(old_id, generation, {}, "instance-a"))->error, GroupError::kFencedInstanceId);
  JoinGroupParams stale = Params(old_id);
  stale.group_instance_id = "instance-a";
  EXPECT_EQ(JoinNow(stale).error, GroupError::kFencedInstanceId);
  const std::string other = ids[0] == old_id ? ids[1] : ids[0];
  EXPECT_EQ(Heartbeat(other, generation, "instance-b"), GroupError::kNone);
  EXPECT_EQ(Heartbeat(rejoined.member_id, generation, "instance-a"), GroupError::kNone);
}

TEST_F(GroupTest, StaticMembersLeaveByInstanceId) {
  int32_t generation = 0;
  const std::vector<std::string> ids = StableGroup(2, &generation, {"instance-a", "instance-b"});
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(groups_->LeaveGroup(kGroup,
                                {MemberRef{"wrong-id", "instance-a"}, MemberRef{"", "instance-x"}}),
            (std::vector<GroupError>{GroupError::kFencedInstanceId, GroupError::kUnknownMemberId}));
  EXPECT_EQ(groups_->LeaveGroup(kGroup, {MemberRef{"", "instance-a"}}),
            std::vector<GroupError>{GroupError::kNone});
  EXPECT_EQ(groups_->DescribeGroup(kGroup).members.size(), 1u);
  EXPECT_EQ(groups_->DescribeGroup(kGroup).state, GroupState::kPreparingRebalance);
}

}  // namespace
}  // namespace ringlog::testing
