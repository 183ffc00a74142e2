// The coordinator serves the groups of the offsets partitions loaded here only: once a
// partition is unloaded (its leadership moved to another broker) every group API on its
// groups answers NOT_COORDINATOR and waiting members are told so; loading it again brings
// the committed offsets back.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/group/group_partition.h"
#include "tests/engine/group_test_fixture.h"

namespace ringlog::testing {
namespace {

// A group whose offsets partition differs from kGroup's.
std::string OtherGroup(const GroupCoordinator& groups) {
  for (int i = 0;; ++i) {
    std::string group = "other-" + std::to_string(i);
    if (groups.PartitionFor(group) != groups.PartitionFor(kGroup)) return group;
  }
}

TEST_F(GroupTest, EveryPartitionIsLoadedOnTheSingleBroker) {
  EXPECT_EQ(groups_->num_offsets_partitions(), OffsetStoreOptions().offsets_topic_num_partitions);
  EXPECT_EQ(groups_->PartitionFor(kGroup),
            OffsetsPartitionFor(kGroup, groups_->num_offsets_partitions()));
  EXPECT_TRUE(groups_->Owns(kGroup));
  EXPECT_TRUE(groups_->Owns(OtherGroup(*groups_)));
}

TEST_F(GroupTest, AnUnloadedGroupAnswersNotCoordinator) {
  int32_t generation = 0;
  const std::vector<std::string> members = StableGroup(1, &generation);
  ASSERT_EQ(Commit(kGroup, generation, members[0], 17), GroupError::kNone);
  const std::string other = OtherGroup(*groups_);
  ASSERT_EQ(Commit(other, -1, "", 23), GroupError::kNone);

  groups_->UnloadPartition(groups_->PartitionFor(kGroup));
  EXPECT_FALSE(groups_->Owns(kGroup));
  EXPECT_EQ(Heartbeat(members[0], generation), GroupError::kNotCoordinator);
  EXPECT_EQ(Commit(kGroup, generation, members[0], 18), GroupError::kNotCoordinator);
  EXPECT_EQ(Commit(kGroup, -1, "", 18), GroupError::kNotCoordinator);
  EXPECT_EQ(JoinNow(Params("")).error, GroupError::kNotCoordinator);
  Pending<SyncGroupResult> sync = Sync(members[0], generation);
  ASSERT_TRUE(sync->has_value());
  EXPECT_EQ((*sync)->error, GroupError::kNotCoordinator);
  EXPECT_EQ(groups_->LeaveGroup(kGroup, {MemberRef{members[0], std::nullopt}}),
            std::vector<GroupError>{GroupError::kNotCoordinator});
  OffsetStore::Offsets offsets;
  EXPECT_EQ(groups_->FetchOffsets(kGroup, &offsets), GroupError::kNotCoordinator);
  EXPECT_TRUE(offsets.empty());
  EXPECT_EQ(groups_->DescribeGroup(kGroup).error, GroupError::kNotCoordinator);
  EXPECT_EQ(groups_->DeleteGroup(kGroup), GroupError::kNotCoordinator);
  for (const GroupListing& listing : groups_->ListGroups()) {
    EXPECT_NE(listing.group_id, kGroup) << "listed by a broker that does not coordinate it";
  }
  // The other partition is untouched.
  EXPECT_EQ(groups_->FetchOffsets(other, &offsets), GroupError::kNone);
  EXPECT_EQ(offsets.at(PartitionId{"t", 0}).offset, 23);
  EXPECT_EQ(groups_->DescribeGroup(other).error, GroupError::kNone);

  ASSERT_TRUE(groups_->LoadPartition(groups_->PartitionFor(kGroup)).ok());
  EXPECT_TRUE(groups_->Owns(kGroup));
  EXPECT_EQ(groups_->FetchOffsets(kGroup, &offsets), GroupError::kNone);
  EXPECT_EQ(offsets.at(PartitionId{"t", 0}).offset, 17) << "the offsets came back";
  EXPECT_EQ(groups_->DescribeGroup(kGroup).state, GroupState::kEmpty)
      << "the members went with the partition";
  EXPECT_EQ(Heartbeat(members[0], generation), GroupError::kUnknownMemberId);
  EXPECT_EQ(Commit(kGroup, -1, "", 19), GroupError::kNone);
}

TEST_F(GroupTest, UnloadingAnswersWaitingMembersNotCoordinator) {
  Pending<JoinGroupResult> join = Join(Params(""));
  ASSERT_FALSE(join->has_value()) << "waits for the initial rebalance delay";
  groups_->UnloadPartition(groups_->PartitionFor(kGroup));
  ASSERT_TRUE(join->has_value());
  EXPECT_EQ((*join)->error, GroupError::kNotCoordinator);
  Advance(kInitialDelayMs);  // nothing left to complete
}

}  // namespace
}  // namespace ringlog::testing
