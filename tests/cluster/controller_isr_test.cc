// The ISR on the controller's side, against a real ZooKeeper: a new partition starts with
// all its replicas in sync; a dead leader is replaced only from the live ISR, in assignment
// order; dead followers leave the ISR without a new leader epoch; the last ISR member stays
// while its partition is offline and leads again when it returns; and AlterPartition
// (Controller::AlterPartition) is accepted, fenced, refused for a stale partition epoch or
// an ineligible member, each as Kafka's controller answers it.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "net/cluster/controller.h"
#include "net/cluster/znodes.h"
#include "tests/cluster/controller_fixture.h"

namespace ringlog {
namespace {

using testing::Eventually;
using testing::Node;

class ControllerIsrTest : public testing::ControllerFixture {
 protected:
  // Brokers 1-3 registered, broker 1's controller active, and topic "t" with partition 0 on
  // `replicas` (the first leads).
  Controller* StartWithTopic(const std::vector<int32_t>& replicas) {
    for (int32_t id = 1; id <= 3; ++id) Register(id);
    node_ = StartNode(1);
    Controller* controller = WaitForActive({node_.get()});
    if (controller == nullptr) return nullptr;
    const AdminOutcome created =
        controller->CreateTopic({.name = "t", .assignments = {{0, replicas}}}, false);
    EXPECT_TRUE(created.ok()) << created.message;
    return controller;
  }

  // The version of t-0's state znode: its partition epoch.
  int32_t Version() {
    std::string json;
    ZkStat stat;
    EXPECT_TRUE(admin_->Get(znodes::PartitionStatePath("t", 0), &json, &stat, false).ok());
    return stat.version;
  }

  int64_t RegistrationEpoch(int32_t broker) {
    ZkStat stat;
    EXPECT_TRUE(admin_->Exists(znodes::BrokerPath(broker), &stat, false).ok());
    return stat.czxid;
  }

  static IsrProposal Proposal(int32_t leader_epoch, std::vector<int32_t> isr,
                              int32_t partition_epoch) {
    IsrProposal proposal{.topic = "t", .partition = 0, .leader_epoch = leader_epoch};
    for (int32_t broker : isr) proposal.new_isr.push_back({broker, -1});
    proposal.partition_epoch = partition_epoch;
    return proposal;
  }

  // One proposal from `leader`; the request-wide error when there is one, else its decision.
  static IsrDecision Ask(Controller* controller, int32_t leader, const IsrProposal& proposal,
                         int64_t broker_epoch = -1) {
    AlterPartitionOutcome outcome = controller->AlterPartition(leader, broker_epoch, {proposal});
    if (outcome.error != ErrorCode::kNone) return {outcome.error, outcome.message, {}, -1};
    EXPECT_EQ(outcome.decisions.size(), 1u);
    return outcome.decisions.empty() ? IsrDecision{} : outcome.decisions.front();
  }

  std::unique_ptr<Node> node_;
};

TEST_F(ControllerIsrTest, ANewPartitionHasAllItsReplicasInSync) {
  Controller* controller = StartWithTopic({2, 3, 1});
  ASSERT_NE(controller, nullptr);
  EXPECT_EQ(State("t", 0), (znodes::PartitionState{.leader = 2,
                                                   .leader_epoch = 0,
                                                   .controller_epoch = controller->epoch(),
                                                   .isr = {2, 3, 1}}));
  EXPECT_EQ(Version(), 0);
  ASSERT_TRUE(controller->CreatePartitions("t", 3, {}, false).ok());
  for (int32_t p : {1, 2}) {
    EXPECT_EQ(State("t", p).isr, Assignment("t").partitions.at(p)) << p;
    EXPECT_EQ(Assignment("t").partitions.at(p).size(), 3u) << "the topic's replication factor";
  }
}

TEST_F(ControllerIsrTest, ADeadFollowerLeavesTheIsrAtTheSameLeaderEpoch) {
  Controller* controller = StartWithTopic({1, 2, 3});
  ASSERT_NE(controller, nullptr);
  ASSERT_TRUE(admin_->Delete(znodes::BrokerPath(3), -1).ok());
  EXPECT_TRUE(Eventually([&] { return State("t", 0).isr == std::vector<int32_t>{1, 2}; }));
  EXPECT_EQ(State("t", 0).leader, 1);
  EXPECT_EQ(State("t", 0).leader_epoch, 0);
  EXPECT_EQ(Version(), 1);
  // Back, it is not in sync until its leader says so.
  Register(3);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(State("t", 0).isr, (std::vector<int32_t>{1, 2}));
}

TEST_F(ControllerIsrTest, ADeadLeaderIsReplacedFromTheIsrOnly) {
  Controller* controller = StartWithTopic({1, 2, 3});
  ASSERT_NE(controller, nullptr);
  // The leader drops broker 2, which falls behind.
  const IsrDecision shrunk = Ask(controller, 1, Proposal(0, {1, 3}, 0));
  ASSERT_EQ(shrunk.error, ErrorCode::kNone) << shrunk.message;
  ASSERT_TRUE(admin_->Delete(znodes::BrokerPath(1), -1).ok());
  // Broker 2 comes first in the assignment and is live, but out of sync: 3 leads.
  EXPECT_TRUE(Eventually([&] { return State("t", 0).leader == 3; }));
  EXPECT_EQ(
      State("t", 0),
      (znodes::PartitionState{
          .leader = 3, .leader_epoch = 1, .controller_epoch = controller->epoch(), .isr = {3}}));
}

TEST_F(ControllerIsrTest, TheLastIsrMemberStaysAndLeadsAgainWhenItReturns) {
  Controller* controller = StartWithTopic({1, 2});
  ASSERT_NE(controller, nullptr);
  ASSERT_EQ(Ask(controller, 1, Proposal(0, {1}, 0)).error, ErrorCode::kNone);
  ASSERT_TRUE(admin_->Delete(znodes::BrokerPath(1), -1).ok());
  EXPECT_TRUE(Eventually([&] { return State("t", 0).leader == -1; }));
  EXPECT_EQ(
      State("t", 0),
      (znodes::PartitionState{
          .leader = -1, .leader_epoch = 1, .controller_epoch = controller->epoch(), .isr = {1}}));
  // Broker 2 is live but was not in sync: the partition stays offline.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(State("t", 0).leader, -1);
  Register(1);
  EXPECT_TRUE(Eventually([&] { return State("t", 0).leader == 1; }));
  EXPECT_EQ(
      State("t", 0),
      (znodes::PartitionState{
          .leader = 1, .leader_epoch = 2, .controller_epoch = controller->epoch(), .isr = {1}}));
}

TEST_F(ControllerIsrTest, AlterPartitionWritesTheIsrConditionalOnThePartitionEpoch) {
  Controller* controller = StartWithTopic({1, 2, 3});
  ASSERT_NE(controller, nullptr);
  const IsrDecision shrunk = Ask(controller, 1, Proposal(0, {1, 3}, 0), RegistrationEpoch(1));
  ASSERT_EQ(shrunk.error, ErrorCode::kNone) << shrunk.message;
  const znodes::PartitionState expected{
      .leader = 1, .leader_epoch = 0, .controller_epoch = controller->epoch(), .isr = {1, 3}};
  EXPECT_EQ(shrunk.state, expected);
  EXPECT_EQ(shrunk.partition_epoch, 1);
  EXPECT_EQ(State("t", 0), expected);
  EXPECT_EQ(Version(), 1);

  // A retry of the applied request answers the state in force and writes nothing.
  const IsrDecision retried = Ask(controller, 1, Proposal(0, {3, 1}, 0));
  EXPECT_EQ(retried.error, ErrorCode::kNone);
  EXPECT_EQ(retried.partition_epoch, 1);
  EXPECT_EQ(Version(), 1);
  // Another change from the old partition epoch is stale.
  EXPECT_EQ(Ask(controller, 1, Proposal(0, {1}, 0)).error, ErrorCode::kInvalidUpdateVersion);
  // From the new one it is taken; growing back too.
  EXPECT_EQ(Ask(controller, 1, Proposal(0, {1}, 1)).partition_epoch, 2);
  const IsrDecision grown = Ask(controller, 1, Proposal(0, {1, 2, 3}, 2));
  EXPECT_EQ(grown.error, ErrorCode::kNone);
  EXPECT_EQ(grown.state.isr, (std::vector<int32_t>{1, 2, 3}));
  EXPECT_EQ(State("t", 0).isr, (std::vector<int32_t>{1, 2, 3}));
  EXPECT_EQ(State("t", 0).leader_epoch, 0) << "an ISR change leaves the leader epoch";
}

TEST_F(ControllerIsrTest, AlterPartitionFromAFencedLeaderChangesNothing) {
  Controller* controller = StartWithTopic({1, 2, 3});
  ASSERT_NE(controller, nullptr);
  ASSERT_TRUE(admin_->Delete(znodes::BrokerPath(1), -1).ok());
  EXPECT_TRUE(Eventually([&] { return State("t", 0).leader == 2; }));
  Register(1);
  const int32_t version = Version();
  // The old leader, at the old leader epoch.
  EXPECT_EQ(Ask(controller, 1, Proposal(0, {1, 2}, version)).error, ErrorCode::kFencedLeaderEpoch);
  // A broker that does not lead, at the current one.
  EXPECT_EQ(Ask(controller, 3, Proposal(1, {2, 3}, version)).error, ErrorCode::kFencedLeaderEpoch);
  // Epochs newer than ZooKeeper holds: this controller must be behind.
  EXPECT_EQ(Ask(controller, 2, Proposal(2, {2, 3}, version)).error, ErrorCode::kNotController);
  EXPECT_EQ(Ask(controller, 2, Proposal(1, {2, 3}, version + 1)).error, ErrorCode::kNotController);
  EXPECT_EQ(Version(), version);
}

TEST_F(ControllerIsrTest, AlterPartitionRefusesIneligibleAndInvalidIsrs) {
  Controller* controller = StartWithTopic({1, 2, 3});
  ASSERT_NE(controller, nullptr);
  ASSERT_EQ(Ask(controller, 1, Proposal(0, {1, 2}, 0)).error, ErrorCode::kNone);
  ASSERT_TRUE(admin_->Delete(znodes::BrokerPath(3), -1).ok());
  // A replica that is not registered may not join.
  EXPECT_EQ(Ask(controller, 1, Proposal(0, {1, 2, 3}, 1)).error, ErrorCode::kIneligibleReplica);
  Register(3);
  // Nor one named with the epoch of an older registration.
  IsrProposal old_epoch = Proposal(0, {1, 2}, 1);
  old_epoch.new_isr.push_back({3, RegistrationEpoch(3) - 1});
  EXPECT_EQ(Ask(controller, 1, old_epoch).error, ErrorCode::kIneligibleReplica);
  IsrProposal current_epoch = Proposal(0, {1, 2}, 1);
  current_epoch.new_isr.push_back({3, RegistrationEpoch(3)});
  EXPECT_EQ(Ask(controller, 1, current_epoch).partition_epoch, 2);
  // Not a replica, twice, without the leader, or recovering from an unclean election.
  EXPECT_EQ(Ask(controller, 1, Proposal(0, {1, 4}, 2)).error, ErrorCode::kInvalidRequest);
  EXPECT_EQ(Ask(controller, 1, Proposal(0, {1, 2, 2}, 2)).error, ErrorCode::kInvalidRequest);
  EXPECT_EQ(Ask(controller, 1, Proposal(0, {2, 3}, 2)).error, ErrorCode::kInvalidRequest);
  IsrProposal recovering = Proposal(0, {1}, 2);
  recovering.leader_recovery_state = 1;
  EXPECT_EQ(Ask(controller, 1, recovering).error, ErrorCode::kInvalidRequest);
  EXPECT_EQ(Version(), 2);
}

TEST_F(ControllerIsrTest, AlterPartitionNeedsTheControllerARegisteredLeaderAndAPartition) {
  Controller* controller = StartWithTopic({1, 2, 3});
  ASSERT_NE(controller, nullptr);
  EXPECT_EQ(Ask(controller, 1, Proposal(0, {1}, 0), RegistrationEpoch(1) + 1).error,
            ErrorCode::kStaleBrokerEpoch);
  EXPECT_EQ(Ask(controller, 7, Proposal(0, {1}, 0)).error, ErrorCode::kStaleBrokerEpoch);
  IsrProposal elsewhere = Proposal(0, {1}, 0);
  elsewhere.partition = 5;
  EXPECT_EQ(Ask(controller, 1, elsewhere).error, ErrorCode::kUnknownTopicOrPartition);
  elsewhere.topic = "nope";
  EXPECT_EQ(Ask(controller, 1, elsewhere).error, ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(Version(), 0);

  // Fenced: another controller's election moved the epoch on.
  ASSERT_TRUE(admin_
                  ->SetData(std::string(znodes::kControllerEpoch),
                            znodes::EncodeControllerEpoch(controller->epoch() + 5), -1)
                  .ok());
  EXPECT_EQ(Ask(controller, 1, Proposal(0, {1}, 0)).error, ErrorCode::kNotController);
  EXPECT_EQ(Version(), 0);
}

}  // namespace
}  // namespace ringlog
