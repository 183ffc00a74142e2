// The rules of AlterPartition on the controller's side (net/cluster/isr_change.h), in
// Kafka's order: a newer epoch means a stale controller, an older leader epoch or another
// broker is fenced, a retry of an applied change is answered as done, an older partition
// epoch is stale, then the ISR's shape, the recovery state and the members' eligibility.
#include "net/cluster/isr_change.h"

#include <gtest/gtest.h>

#include <vector>

namespace ringlog {
namespace {

// Partition 0 of "t" on brokers 1-3, led by 1 at leader epoch 4, ISR [1, 2], version 7.
ClusterPartition Current() {
  return ClusterPartition{
      {1, 2, 3}, znodes::PartitionState{.leader = 1, .leader_epoch = 4, .isr = {1, 2}}, 7};
}

IsrProposal Proposal(int32_t leader_epoch, std::vector<int32_t> isr, int32_t partition_epoch) {
  IsrProposal proposal{.topic = "t", .leader_epoch = leader_epoch};
  for (int32_t broker : isr) proposal.new_isr.push_back({broker, -1});
  proposal.partition_epoch = partition_epoch;
  return proposal;
}

bool AllEligible(const IsrMember&) { return true; }

ErrorCode Check(const IsrProposal& proposal, int32_t requester = 1) {
  return CheckIsrProposal(requester, proposal, Current(), AllEligible).error;
}

TEST(IsrChangeTest, AChangeFromTheLeaderAtTheCurrentEpochsIsTaken) {
  const IsrCheck grown = CheckIsrProposal(1, Proposal(4, {1, 2, 3}, 7), Current(), AllEligible);
  EXPECT_EQ(grown.error, ErrorCode::kNone);
  EXPECT_FALSE(grown.unchanged);
  EXPECT_EQ(Check(Proposal(4, {1}, 7)), ErrorCode::kNone);
}

TEST(IsrChangeTest, NewerEpochsMeanTheControllerIsBehind) {
  EXPECT_EQ(Check(Proposal(5, {1}, 7)), ErrorCode::kNotController);
  EXPECT_EQ(Check(Proposal(4, {1}, 8)), ErrorCode::kNotController);
}

TEST(IsrChangeTest, AnOlderLeaderEpochOrAnotherBrokerIsFenced) {
  EXPECT_EQ(Check(Proposal(3, {1}, 7)), ErrorCode::kFencedLeaderEpoch);
  EXPECT_EQ(Check(Proposal(4, {2}, 7), 2), ErrorCode::kFencedLeaderEpoch);
}

TEST(IsrChangeTest, ARetryOfAnAppliedChangeIsAnsweredAsDoneEvenWithAnOlderPartitionEpoch) {
  const IsrCheck retry = CheckIsrProposal(1, Proposal(4, {2, 1}, 6), Current(), AllEligible);
  EXPECT_EQ(retry.error, ErrorCode::kNone);
  EXPECT_TRUE(retry.unchanged);
  EXPECT_EQ(Check(Proposal(4, {1}, 6)), ErrorCode::kInvalidUpdateVersion);
}

TEST(IsrChangeTest, TheIsrMustBeDistinctReplicasWithTheLeader) {
  EXPECT_EQ(Check(Proposal(4, {1, 9}, 7)), ErrorCode::kInvalidRequest);
  EXPECT_EQ(Check(Proposal(4, {1, 3, 3}, 7)), ErrorCode::kInvalidRequest);
  EXPECT_EQ(Check(Proposal(4, {2, 3}, 7)), ErrorCode::kInvalidRequest);
  EXPECT_EQ(Check(Proposal(4, {}, 7)), ErrorCode::kInvalidRequest);
  IsrProposal recovering = Proposal(4, {1}, 7);
  recovering.leader_recovery_state = 1;
  EXPECT_EQ(Check(recovering), ErrorCode::kInvalidRequest);
}

TEST(IsrChangeTest, AnIneligibleMemberIsRefused) {
  auto not_three = [](const IsrMember& member) { return member.broker_id != 3; };
  EXPECT_EQ(CheckIsrProposal(1, Proposal(4, {1, 2, 3}, 7), Current(), not_three).error,
            ErrorCode::kIneligibleReplica);
  // Shape first: a member that is not a replica is an invalid request, not an ineligible one.
  EXPECT_EQ(CheckIsrProposal(1, Proposal(4, {1, 9}, 7), Current(), not_three).error,
            ErrorCode::kInvalidRequest);
}

TEST(IsrChangeTest, IsrTextListsTheMembers) {
  EXPECT_EQ(IsrText({}), "[]");
  EXPECT_EQ(IsrText({3, 1, 2}), "[3, 1, 2]");
}

}  // namespace
}  // namespace ringlog
