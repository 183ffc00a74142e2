// ControlledShutdown on the controller's side, against a real ZooKeeper: the broker's
// leaderships move to the first other live ISR member at a new leader epoch, it leaves
// the ISRs that keep another member, and the answer names what it still leads (where it is
// the last member in sync); it may not join an ISR again, but a follower may join the ISR
// of a partition it still leads, after which the leadership moves too; the set forgets it
// once its registration changes; an unknown broker, a stale broker epoch and a controller
// that is not active get Kafka's error codes and change nothing.
#include <gtest/gtest.h>

#include <future>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "net/cluster/controller.h"
#include "net/cluster/znodes.h"
#include "tests/cluster/controller_fixture.h"

namespace ringlog {
namespace {

using testing::Eventually;
using testing::Node;

class ControlledShutdownTest : public testing::ControllerFixture {
 protected:
  // Brokers 1-3 registered, broker 1's controller active, and topic "t" placed as given.
  Controller* StartWithTopic(const std::map<int32_t, std::vector<int32_t>>& assignments) {
    for (int32_t id = 1; id <= 3; ++id) Register(id);
    node_ = StartNode(1);
    Controller* controller = WaitForActive({node_.get()});
    if (controller == nullptr) return nullptr;
    const AdminOutcome created =
        controller->CreateTopic({.name = "t", .assignments = assignments}, false);
    EXPECT_TRUE(created.ok()) << created.message;
    return controller;
  }

  int64_t RegistrationEpoch(int32_t broker) {
    ZkStat stat;
    EXPECT_TRUE(admin_->Exists(znodes::BrokerPath(broker), &stat, false).ok());
    return stat.czxid;
  }

  int32_t Version(int32_t partition) {
    std::string json;
    ZkStat stat;
    EXPECT_TRUE(admin_->Get(znodes::PartitionStatePath("t", partition), &json, &stat, false).ok());
    return stat.version;
  }

  // One ISR change of partition `partition` asked by its leader; the decision's error.
  ErrorCode AskIsr(Controller* controller, int32_t partition, std::vector<int32_t> isr) {
    const znodes::PartitionState state = State("t", partition);
    IsrProposal proposal{.topic = "t", .partition = partition, .leader_epoch = state.leader_epoch};
    for (int32_t broker : isr) proposal.new_isr.push_back({broker, -1});
    proposal.partition_epoch = Version(partition);
    AlterPartitionOutcome outcome = controller->AlterPartition(state.leader, -1, {proposal});
    if (outcome.error != ErrorCode::kNone) return outcome.error;
    return outcome.decisions.empty() ? ErrorCode::kUnknownServerError
                                     : outcome.decisions.front().error;
  }

  std::unique_ptr<Node> node_;
};

TEST_F(ControlledShutdownTest, LeadershipsMoveToTheIsrAndTheLastMemberKeepsItsOwn) {
  Controller* controller = StartWithTopic({{0, {2, 3, 1}}, {1, {3, 2, 1}}});
  ASSERT_NE(controller, nullptr);
  ASSERT_TRUE(controller->CreateTopic({.name = "u", .assignments = {{0, {2}}}}, false).ok());
  const int32_t epoch = controller->epoch();

  const ControlledShutdownOutcome outcome = controller->ControlledShutdown(2, RegistrationEpoch(2));
  ASSERT_EQ(outcome.error, ErrorCode::kNone) << outcome.message;
  EXPECT_EQ(outcome.remaining, (std::vector<PartitionId>{{"u", 0}}));
  // The answer comes after the pass: the states are written already.
  EXPECT_EQ(State("t", 0),
            (znodes::PartitionState{
                .leader = 3, .leader_epoch = 1, .controller_epoch = epoch, .isr = {3, 1}}));
  EXPECT_EQ(State("t", 1),
            (znodes::PartitionState{
                .leader = 3, .leader_epoch = 0, .controller_epoch = epoch, .isr = {3, 1}}));
  EXPECT_EQ(State("u", 0),
            (znodes::PartitionState{
                .leader = 2, .leader_epoch = 0, .controller_epoch = epoch, .isr = {2}}));
  // Asked again (a retry), it answers the same and moves nothing more.
  const int32_t version = Version(0);
  EXPECT_EQ(controller->ControlledShutdown(2, -1).remaining, outcome.remaining);
  EXPECT_EQ(Version(0), version);
}

TEST_F(ControlledShutdownTest, TheAsyncFormAnswersOnTheControllersThread) {
  Controller* controller = StartWithTopic({{0, {2, 3}}});
  ASSERT_NE(controller, nullptr);
  std::promise<ControlledShutdownOutcome> answered;
  controller->ControlledShutdownAsync(
      2, RegistrationEpoch(2),
      [&](const ControlledShutdownOutcome& outcome) { answered.set_value(outcome); });
  const ControlledShutdownOutcome outcome = answered.get_future().get();
  EXPECT_EQ(outcome.error, ErrorCode::kNone) << outcome.message;
  EXPECT_TRUE(outcome.remaining.empty());
  EXPECT_EQ(State("t", 0).leader, 3);
}

TEST_F(ControlledShutdownTest, ABrokerShuttingDownMayNotJoinAnIsr) {
  Controller* controller = StartWithTopic({{0, {3, 2, 1}}});
  ASSERT_NE(controller, nullptr);
  ASSERT_EQ(controller->ControlledShutdown(2, RegistrationEpoch(2)).error, ErrorCode::kNone);
  ASSERT_EQ(State("t", 0).isr, (std::vector<int32_t>{3, 1}));
  // Its follower caught up, but the leader may not take it back.
  EXPECT_EQ(AskIsr(controller, 0, {3, 1, 2}), ErrorCode::kIneligibleReplica);
  EXPECT_EQ(State("t", 0).isr, (std::vector<int32_t>{3, 1}));
  // Registered again (it restarted), it may.
  ASSERT_TRUE(admin_->Delete(znodes::BrokerPath(2), -1).ok());
  Register(2);
  EXPECT_TRUE(Eventually([&] { return AskIsr(controller, 0, {3, 1, 2}) == ErrorCode::kNone; }));
  EXPECT_EQ(State("t", 0).isr, (std::vector<int32_t>{3, 1, 2}));
}

TEST_F(ControlledShutdownTest, ALeadershipMovesOnceAnotherReplicaJoinsTheIsr) {
  Controller* controller = StartWithTopic({{0, {2, 3}}});
  ASSERT_NE(controller, nullptr);
  // Broker 3 fell behind: broker 2 is the last member in sync.
  ASSERT_EQ(AskIsr(controller, 0, {2}), ErrorCode::kNone);
  const ControlledShutdownOutcome outcome = controller->ControlledShutdown(2, RegistrationEpoch(2));
  ASSERT_EQ(outcome.error, ErrorCode::kNone) << outcome.message;
  EXPECT_EQ(outcome.remaining, (std::vector<PartitionId>{{"t", 0}}));
  EXPECT_EQ(State("t", 0).leader, 2);
  // Broker 3 caught up: its leader (shutting down, but still in the ISR) takes it in, and
  // the controller moves the leadership to it.
  ASSERT_EQ(AskIsr(controller, 0, {2, 3}), ErrorCode::kNone);
  EXPECT_TRUE(Eventually([&] { return State("t", 0).leader == 3; }));
  EXPECT_EQ(
      State("t", 0),
      (znodes::PartitionState{
          .leader = 3, .leader_epoch = 1, .controller_epoch = controller->epoch(), .isr = {3}}));
}

TEST_F(ControlledShutdownTest, UnknownBrokersAndStaleEpochsAreRefused) {
  Controller* controller = StartWithTopic({{0, {2, 3, 1}}});
  ASSERT_NE(controller, nullptr);
  const int32_t version = Version(0);
  EXPECT_EQ(controller->ControlledShutdown(9, -1).error, ErrorCode::kBrokerNotAvailable);
  EXPECT_EQ(controller->ControlledShutdown(9, 12345).error, ErrorCode::kBrokerNotAvailable);
  const ControlledShutdownOutcome stale =
      controller->ControlledShutdown(2, RegistrationEpoch(2) - 1);
  EXPECT_EQ(stale.error, ErrorCode::kStaleBrokerEpoch);
  EXPECT_TRUE(stale.remaining.empty());
  EXPECT_EQ(State("t", 0).leader, 2);
  EXPECT_EQ(Version(0), version);
  // A broker that restarted asks with the epoch of its new registration; the old one is stale.
  const int64_t before = RegistrationEpoch(2);
  ASSERT_TRUE(admin_->Delete(znodes::BrokerPath(2), -1).ok());
  Register(2);
  EXPECT_EQ(controller->ControlledShutdown(2, before).error, ErrorCode::kStaleBrokerEpoch);
  EXPECT_EQ(controller->ControlledShutdown(2, RegistrationEpoch(2)).error, ErrorCode::kNone);
}

TEST_F(ControlledShutdownTest, OnlyTheActiveControllerServesIt) {
  Controller* controller = StartWithTopic({{0, {2, 3, 1}}});
  ASSERT_NE(controller, nullptr);
  std::unique_ptr<Node> other = StartNode(2);
  EXPECT_FALSE(other->controller->active());
  EXPECT_EQ(other->controller->ControlledShutdown(2, -1).error, ErrorCode::kNotController);
  other->controller->Stop();
  std::promise<ErrorCode> answered;
  other->controller->ControlledShutdownAsync(
      2, -1, [&](const ControlledShutdownOutcome& outcome) { answered.set_value(outcome.error); });
  EXPECT_EQ(answered.get_future().get(), ErrorCode::kNotController);
  EXPECT_EQ(State("t", 0).leader, 2);
}

}  // namespace
}  // namespace ringlog
