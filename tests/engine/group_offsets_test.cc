// Offset commits as the group coordinator judges them (generation and membership checks,
// standalone commits, metadata limits), OffsetFetch, and the admin view of groups:
// ListGroups, DescribeGroups, DeleteGroups and the offsets of a deleted topic.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/engine/group_test_fixture.h"

namespace ringlog::testing {
namespace {

TEST_F(GroupTest, CommitsAreCheckedAgainstTheGroup) {
  std::vector<Pending<JoinGroupResult>> joins = {Join(Params("")), Join(Params(""))};
  Advance(kInitialDelayMs);
  const std::string leader = (*joins[0])->leader_id;
  // CompletingRebalance: nobody knows yet what it owns.
  EXPECT_EQ(Commit(kGroup, 1, leader, 5), GroupError::kRebalanceInProgress);
  Pending<SyncGroupResult> follower_sync =
      Sync((*joins[0])->member_id == leader ? (*joins[1])->member_id : (*joins[0])->member_id, 1);
  Sync(leader, 1, {});
  ASSERT_TRUE(follower_sync->has_value());

  EXPECT_EQ(Commit(kGroup, 0, leader, 5), GroupError::kIllegalGeneration);
  EXPECT_EQ(Commit(kGroup, 1, "stranger", 5), GroupError::kUnknownMemberId);
  EXPECT_EQ(Commit(kGroup, -1, "", 5), GroupError::kUnknownMemberId)
      << "a group with members takes no commits from outside";
  EXPECT_FALSE(groups_->FetchOffset(kGroup, PartitionId{"t", 0}).has_value());
  EXPECT_EQ(Commit(kGroup, 1, leader, 7, "meta"), GroupError::kNone);
  std::optional<CommittedOffset> committed = groups_->FetchOffset(kGroup, PartitionId{"t", 0});
  ASSERT_TRUE(committed.has_value());
  EXPECT_EQ(committed->offset, 7);
  EXPECT_EQ(committed->metadata, "meta");

  // PreparingRebalance: members of the current generation may still commit.
  Join(Params(""));
  EXPECT_EQ(Commit(kGroup, 1, leader, 8), GroupError::kNone);
  EXPECT_EQ(groups_->FetchOffset(kGroup, PartitionId{"t", 0})->offset, 8);
}

TEST_F(GroupTest, StandaloneCommitsNeedNoMembership) {
  EXPECT_EQ(Commit("standalone", -1, "", 42), GroupError::kNone);
  EXPECT_EQ(Commit("standalone", 3, "ghost", 43), GroupError::kIllegalGeneration);
  EXPECT_EQ(Commit("", -1, "", 1), GroupError::kInvalidGroupId);
  EXPECT_EQ(Commit("standalone", -1, "", 44, std::string(5000, 'm')),
            GroupError::kOffsetMetadataTooLarge);
  EXPECT_EQ(groups_->FetchOffset("standalone", PartitionId{"t", 0})->offset, 42);
  const OffsetStore::Offsets all = groups_->FetchAllOffsets("standalone");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all.begin()->first, (PartitionId{"t", 0}));
}

TEST_F(GroupTest, OffsetsSurviveACoordinatorRestart) {
  ASSERT_EQ(Commit("standalone", -1, "", 42, "why"), GroupError::kNone);
  Start(kInitialDelayMs);
  std::optional<CommittedOffset> committed =
      groups_->FetchOffset("standalone", PartitionId{"t", 0});
  ASSERT_TRUE(committed.has_value());
  EXPECT_EQ(committed->offset, 42);
  EXPECT_EQ(committed->metadata, "why");
}

TEST_F(GroupTest, ListAndDescribeShowMembersAndOffsetOnlyGroups) {
  ASSERT_EQ(Commit("offsets-only", -1, "", 1), GroupError::kNone);
  int32_t generation = 0;
  StableGroup(2, &generation);
  const std::vector<GroupListing> listed = groups_->ListGroups();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].group_id, kGroup);
  EXPECT_EQ(listed[0].state, GroupState::kStable);
  EXPECT_EQ(listed[0].protocol_type, "consumer");
  EXPECT_EQ(listed[1].group_id, "offsets-only");
  EXPECT_EQ(listed[1].state, GroupState::kEmpty);

  const GroupSummary stable = groups_->DescribeGroup(kGroup);
  EXPECT_EQ(stable.members.size(), 2u);
  for (const GroupSummary::Member& m : stable.members) {
    EXPECT_EQ(m.client_id, "client");
    EXPECT_FALSE(m.assignment.empty());
    EXPECT_FALSE(m.metadata.empty());
  }
  EXPECT_EQ(groups_->DescribeGroup("offsets-only").state, GroupState::kEmpty);
  EXPECT_EQ(groups_->DescribeGroup("nobody").state, GroupState::kDead);

  // While rebalancing, members show without metadata or assignment, as in Kafka.
  Join(Params(""));
  const GroupSummary rebalancing = groups_->DescribeGroup(kGroup);
  EXPECT_EQ(rebalancing.state, GroupState::kPreparingRebalance);
  EXPECT_TRUE(rebalancing.protocol_name.empty());
  for (const GroupSummary::Member& m : rebalancing.members) EXPECT_TRUE(m.assignment.empty());
}

TEST_F(GroupTest, DeleteGroupsOnlyWhenEmpty) {
  int32_t generation = 0;
  const std::vector<std::string> ids = StableGroup(1, &generation);
  ASSERT_EQ(ids.size(), 1u);
  ASSERT_EQ(Commit(kGroup, generation, ids[0], 9), GroupError::kNone);
  EXPECT_EQ(groups_->DeleteGroup(kGroup), GroupError::kNonEmptyGroup);
  EXPECT_EQ(groups_->DeleteGroup("nobody"), GroupError::kGroupIdNotFound);
  EXPECT_EQ(groups_->DeleteGroup(""), GroupError::kInvalidGroupId);
  groups_->LeaveGroup(kGroup, {MemberRef{ids[0], {}}});
  EXPECT_EQ(groups_->DeleteGroup(kGroup), GroupError::kNone);
  EXPECT_FALSE(groups_->FetchOffset(kGroup, PartitionId{"t", 0}).has_value());
  EXPECT_EQ(groups_->DescribeGroup(kGroup).state, GroupState::kDead);
  EXPECT_TRUE(groups_->ListGroups().empty());
  Start(kInitialDelayMs);
  EXPECT_FALSE(groups_->FetchOffset(kGroup, PartitionId{"t", 0}).has_value())
      << "the deletion is durable";
}

TEST_F(GroupTest, DeletingATopicDropsItsOffsets) {
  ASSERT_TRUE(logs_->CreateTopic("u", 1, {}).ok());
  OffsetCommitParams params;
  params.group_id = "standalone";
  params.offsets[PartitionId{"t", 1}] = CommittedOffset{10, -1, std::nullopt, 0};
  params.offsets[PartitionId{"u", 0}] = CommittedOffset{20, -1, std::nullopt, 0};
  bool answered = false;
  groups_->CommitOffsets(params, [&](const std::map<PartitionId, GroupError>& outcome) {
    answered = true;
    for (const auto& [partition, error] : outcome) EXPECT_EQ(error, GroupError::kNone);
  });
  ASSERT_TRUE(answered);
  ASSERT_TRUE(logs_->DeleteTopic("u").ok());
  groups_->OnTopicDeleted("u");
  EXPECT_FALSE(groups_->FetchOffset("standalone", PartitionId{"u", 0}).has_value());
  EXPECT_EQ(groups_->FetchOffset("standalone", PartitionId{"t", 1})->offset, 10);
  Start(kInitialDelayMs);
  EXPECT_EQ(groups_->FetchAllOffsets("standalone").size(), 1u);
}

TEST_F(GroupTest, EmptyGroupsWithoutOffsetsAreForgotten) {
  int32_t generation = 0;
  const std::vector<std::string> ids = StableGroup(1, &generation);
  ASSERT_EQ(ids.size(), 1u);
  groups_->LeaveGroup(kGroup, {MemberRef{ids[0], {}}});
  EXPECT_EQ(groups_->ListGroups().size(), 1u);
  Advance(1);
  EXPECT_TRUE(groups_->ListGroups().empty());
}

}  // namespace
}  // namespace ringlog::testing
