// The join / sync / heartbeat cycle of the group coordinator, on a ManualClock: one and
// three members, the initial rebalance delay, the MEMBER_ID_REQUIRED round trip, protocol
// selection, and the errors a member gets for requests that do not fit the group's state.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/engine/group_test_fixture.h"

namespace ringlog::testing {
namespace {

TEST_F(GroupTest, OneMemberJoinsSyncsAndHeartbeats) {
  Pending<JoinGroupResult> join = Join(Params(""));
  EXPECT_FALSE(join->has_value()) << "the initial delay holds the first rebalance";
  EXPECT_EQ(groups_->DescribeGroup(kGroup).state, GroupState::kPreparingRebalance);
  Advance(kInitialDelayMs);
  ASSERT_TRUE(join->has_value());
  const JoinGroupResult& joined = **join;
  EXPECT_EQ(joined.error, GroupError::kNone);
  EXPECT_EQ(joined.generation_id, 1);
  EXPECT_EQ(joined.protocol_name, "range");
  EXPECT_EQ(joined.leader_id, joined.member_id);
  EXPECT_EQ(joined.member_id.rfind("client-", 0), 0u) << joined.member_id;
  ASSERT_EQ(joined.members.size(), 1u);
  EXPECT_EQ(joined.members[0].metadata, "meta-range-");

  Pending<SyncGroupResult> sync = Sync(joined.member_id, 1, {{joined.member_id, "mine"}});
  ASSERT_TRUE(sync->has_value());
  EXPECT_EQ((*sync)->error, GroupError::kNone);
  EXPECT_EQ((*sync)->assignment, "mine");
  EXPECT_EQ(Heartbeat(joined.member_id, 1), GroupError::kNone);

  const GroupSummary summary = groups_->DescribeGroup(kGroup);
  EXPECT_EQ(summary.state, GroupState::kStable);
  EXPECT_EQ(summary.protocol_type, "consumer");
  EXPECT_EQ(summary.protocol_name, "range");
  ASSERT_EQ(summary.members.size(), 1u);
  EXPECT_EQ(summary.members[0].client_host, "/127.0.0.1");
  EXPECT_EQ(summary.members[0].assignment, "mine");
}

TEST_F(GroupTest, ThreeMembersEachGetTheirOwnAssignment) {
  std::vector<Pending<JoinGroupResult>> joins;
  for (int i = 0; i < 3; ++i) joins.push_back(Join(Params("")));
  Advance(kInitialDelayMs);
  std::string leader;
  for (const auto& join : joins) {
    ASSERT_TRUE(join->has_value());
    EXPECT_EQ((*join)->error, GroupError::kNone);
    EXPECT_EQ((*join)->generation_id, 1);
    leader = (*join)->leader_id;
  }
  std::vector<SyncGroupParams::Assignment> assignments;
  std::map<std::string, Pending<SyncGroupResult>> syncs;
  for (const auto& join : joins) {
    const std::string& id = (*join)->member_id;
    EXPECT_EQ((*join)->members.size(), id == leader ? 3u : 0u);
    assignments.push_back({id, "for-" + id});
    if (id != leader) syncs[id] = Sync(id, 1);
  }
  for (const auto& [id, sync] : syncs) EXPECT_FALSE(sync->has_value()) << "waits for the leader";
  EXPECT_EQ(Heartbeat(leader, 1), GroupError::kNone);
  syncs[leader] = Sync(leader, 1, assignments);
  ASSERT_EQ(syncs.size(), 3u);
  for (const auto& [id, sync] : syncs) {
    ASSERT_TRUE(sync->has_value());
    EXPECT_EQ((*sync)->error, GroupError::kNone);
    EXPECT_EQ((*sync)->assignment, "for-" + id);
    EXPECT_EQ(Heartbeat(id, 1), GroupError::kNone);
  }
  EXPECT_EQ(groups_->DescribeGroup(kGroup).members.size(), 3u);
}

TEST_F(GroupTest, InitialDelayIsExtendedByEachNewcomer) {
  Pending<JoinGroupResult> first = Join(Params(""));
  Advance(kInitialDelayMs - 10);
  Pending<JoinGroupResult> second = Join(Params(""));
  Advance(kInitialDelayMs - 10);
  EXPECT_FALSE(first->has_value()) << "the second member restarted the delay";
  Advance(10);
  ASSERT_TRUE(first->has_value());
  ASSERT_TRUE(second->has_value());
  EXPECT_EQ((*first)->generation_id, 1);
  EXPECT_EQ((*second)->generation_id, 1);
}

TEST_F(GroupTest, MemberIdRequiredRoundTrip) {
  Start(/*initial_delay_ms=*/0);
  JoinGroupParams params = Params("");
  params.require_known_member_id = true;
  const JoinGroupResult first = JoinNow(params);
  EXPECT_EQ(first.error, GroupError::kMemberIdRequired);
  ASSERT_FALSE(first.member_id.empty());
  EXPECT_EQ(groups_->DescribeGroup(kGroup).members.size(), 0u) << "not a member yet";

  params.member_id = first.member_id;
  const JoinGroupResult second = JoinNow(params);
  EXPECT_EQ(second.error, GroupError::kNone);
  EXPECT_EQ(second.member_id, first.member_id) << "the id handed out stays the member's";
  EXPECT_EQ(second.leader_id, first.member_id);
  EXPECT_EQ(second.generation_id, 1);

  params.member_id = "never-handed-out";
  EXPECT_EQ(JoinNow(params).error, GroupError::kUnknownMemberId);
}

TEST_F(GroupTest, UnusedMemberIdExpiresAfterTheSessionTimeout) {
  JoinGroupParams params = Params("");
  params.require_known_member_id = true;
  const JoinGroupResult first = JoinNow(params);
  ASSERT_EQ(first.error, GroupError::kMemberIdRequired);
  Advance(kSessionMs);
  params.member_id = first.member_id;
  EXPECT_EQ(JoinNow(params).error, GroupError::kUnknownMemberId);
}

TEST_F(GroupTest, ProtocolIsTheLeadersFirstChoiceThatEveryoneSupports) {
  Pending<JoinGroupResult> a = Join(Params("", {"sticky", "roundrobin", "range"}));
  Pending<JoinGroupResult> b = Join(Params("", {"range", "roundrobin"}));
  Advance(kInitialDelayMs);
  ASSERT_TRUE(a->has_value());
  ASSERT_TRUE(b->has_value());
  EXPECT_EQ((*a)->leader_id, (*a)->member_id) << "the first member leads";
  EXPECT_EQ((*a)->protocol_name, "roundrobin");
  EXPECT_EQ((*b)->protocol_name, "roundrobin");
  ASSERT_EQ((*a)->members.size(), 2u);
  for (const JoinGroupResult::Member& m : (*a)->members) {
    EXPECT_EQ(m.metadata, "meta-roundrobin-");
  }
}

TEST_F(GroupTest, InconsistentProtocolsAreRefused) {
  Join(Params("", {"range"}));
  EXPECT_EQ(JoinNow(Params("", {"roundrobin"})).error, GroupError::kInconsistentGroupProtocol);
  JoinGroupParams other_type = Params("");
  other_type.protocol_type = "connect";
  EXPECT_EQ(JoinNow(other_type).error, GroupError::kInconsistentGroupProtocol);
  EXPECT_EQ(JoinNow(Params("", {})).error, GroupError::kInconsistentGroupProtocol);
}

TEST_F(GroupTest, SyncChecksTheProtocolTypeAndNameItIsGivenAndEchoesThem) {
  Pending<JoinGroupResult> join = Join(Params(""));
  Advance(kInitialDelayMs);
  const std::string id = (*join)->member_id;
  auto sync = [&](std::optional<std::string> type, std::optional<std::string> name) {
    SyncGroupParams params;
    params.group_id = kGroup;
    params.generation_id = 1;
    params.member_id = id;
    params.assignments = {{id, "mine"}};
    params.protocol_type = std::move(type);
    params.protocol_name = std::move(name);
    std::optional<SyncGroupResult> result;
    groups_->SyncGroup(params, [&result](const SyncGroupResult& r) { result = r; });
    return result;
  };
  std::optional<SyncGroupResult> wrong_type = sync("connect", "range");
  ASSERT_TRUE(wrong_type.has_value());
  EXPECT_EQ(wrong_type->error, GroupError::kInconsistentGroupProtocol);
  std::optional<SyncGroupResult> wrong_name = sync("consumer", "roundrobin");
  ASSERT_TRUE(wrong_name.has_value());
  EXPECT_EQ(wrong_name->error, GroupError::kInconsistentGroupProtocol);
  EXPECT_EQ(groups_->DescribeGroup(kGroup).state, GroupState::kCompletingRebalance);

  std::optional<SyncGroupResult> right = sync("consumer", "range");
  ASSERT_TRUE(right.has_value());
  EXPECT_EQ(right->error, GroupError::kNone);
  EXPECT_EQ(right->assignment, "mine");
  EXPECT_EQ(right->protocol_type, "consumer");
  EXPECT_EQ(right->protocol_name, "range");
}

TEST_F(GroupTest, BadJoinParametersAreRefused) {
  JoinGroupParams params = Params("");
  params.session_timeout_ms = 10;
  EXPECT_EQ(JoinNow(params).error, GroupError::kInvalidSessionTimeout);
  params = Params("");
  params.group_id = "";
  EXPECT_EQ(JoinNow(params).error, GroupError::kInvalidGroupId);
  EXPECT_EQ(JoinNow(Params("nobody")).error, GroupError::kUnknownMemberId);
}

TEST_F(GroupTest, SyncAndHeartbeatErrorsFollowTheGroupState) {
  int32_t generation = 0;
  const std::vector<std::string> ids = StableGroup(2, &generation);
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ((*Sync(ids[0], generation + 5))->error, GroupError::kIllegalGeneration);
  EXPECT_EQ((*Sync("stranger", generation))->error, GroupError::kUnknownMemberId);
  EXPECT_EQ(Heartbeat(ids[0], generation - 1), GroupError::kIllegalGeneration);
  EXPECT_EQ(Heartbeat("stranger", generation), GroupError::kUnknownMemberId);
  EXPECT_EQ(groups_->Heartbeat("no-such-group", MemberRef{ids[0], {}}, generation),
            GroupError::kUnknownMemberId);

  // A newcomer starts a rebalance: the members hear of it and must rejoin.
  Pending<JoinGroupResult> newcomer = Join(Params(""));
  EXPECT_FALSE(newcomer->has_value());
  EXPECT_EQ(Heartbeat(ids[0], generation), GroupError::kRebalanceInProgress);
  EXPECT_EQ((*Sync(ids[1], generation))->error, GroupError::kRebalanceInProgress);
  Pending<JoinGroupResult> first = Join(Params(ids[0]));
  Pending<JoinGroupResult> second = Join(Params(ids[1]));
  ASSERT_TRUE(newcomer->has_value()) << "everyone rejoined: the rebalance completes";
  EXPECT_EQ((*newcomer)->generation_id, generation + 1);
  EXPECT_EQ((*first)->generation_id, generation + 1);
  EXPECT_EQ((*second)->member_id, ids[1]);
}

TEST_F(GroupTest, LeaderLeavingBeforeItsSyncRestartsTheRebalance) {
  std::vector<Pending<JoinGroupResult>> joins = {Join(Params("")), Join(Params(""))};
  Advance(kInitialDelayMs);
  const std::string leader = (*joins[0])->leader_id;
  const std::string follower =
      (*joins[0])->member_id == leader ? (*joins[1])->member_id : (*joins[0])->member_id;
  Pending<SyncGroupResult> waiting = Sync(follower, 1);
  EXPECT_FALSE(waiting->has_value());
  EXPECT_EQ(groups_->LeaveGroup(kGroup, {MemberRef{leader, {}}}),
            std::vector<GroupError>{GroupError::kNone});
  ASSERT_TRUE(waiting->has_value());
  EXPECT_EQ((*waiting)->error, GroupError::kRebalanceInProgress);
  const JoinGroupResult rejoined = JoinNow(Params(follower));
  EXPECT_EQ(rejoined.generation_id, 2);
  EXPECT_EQ(rejoined.leader_id, follower);
}

TEST_F(GroupTest, ShutdownAnswersWaitingMembers) {
  Pending<JoinGroupResult> join = Join(Params(""));
  groups_.reset();
  ASSERT_TRUE(join->has_value());
  EXPECT_EQ((*join)->error, GroupError::kCoordinatorNotAvailable);
}

}  // namespace
}  // namespace ringlog::testing
