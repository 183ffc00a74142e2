// The controller's elections against a real ZooKeeper: a broker that registered anew
// faster than the controller saw it go (its registration's czxid is newer than the
// partition's state) leaves ISRs and leadership before it may lead; unclean election by
// topic config and by broker default; the preferred-leader rebalance; ElectLeaders.
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
using znodes::PartitionState;

class ControllerElectionTest : public testing::ControllerFixture {
 protected:
  // Brokers 1-3 registered and broker 1's controller active with `options`.
  Controller* Start(ControllerOptions options = {}) {
    for (int32_t id = 1; id <= 3; ++id) Register(id);
    node_ = std::make_unique<Node>();
    node_->zk = ConnectRaw(node_->listener.get());
    options.broker_id = 1;
    options.random = [](int32_t) { return 0; };
    node_->controller = std::make_unique<Controller>(node_->zk, options);
    node_->listener->Attach(node_->controller.get());
    node_->controller->Start();
    return WaitForActive({node_.get()});
  }

  void CreateTopic(Controller* controller, const std::string& name, std::vector<int32_t> replicas,
                   ConfigMap configs = {}) {
    const AdminOutcome created = controller->CreateTopic(
        {.name = name, .assignments = {{0, std::move(replicas)}}, .configs = std::move(configs)},
        false);
    ASSERT_TRUE(created.ok()) << created.message;
  }

  // The broker restarts faster than any pass can see it go: its registration is deleted and
  // made anew in one transaction, so /brokers/ids lists the same ids before and after.
  void Reregister(int32_t broker) {
    const znodes::BrokerRegistration registration{
        .broker_id = broker, .host = "127.0.0.1", .port = 9092 + broker};
    const ZkOp ops[] = {ZkOp::Delete(znodes::BrokerPath(broker), -1),
                        ZkOp::Create(znodes::BrokerPath(broker),
                                     znodes::EncodeBrokerRegistration(registration), true)};
    const ZkStatus done = admin_->Multi(ops);
    ASSERT_TRUE(done.ok()) << done.message;
  }

  // Leader `leader` of `topic`-0 asks for `isr` at the state now in force.
  void SetIsr(Controller* controller, const std::string& topic, int32_t leader,
              std::vector<int32_t> isr) {
    std::string json;
    ZkStat stat;
    ASSERT_TRUE(admin_->Get(znodes::PartitionStatePath(topic, 0), &json, &stat, false).ok());
    IsrProposal proposal{
        .topic = topic, .partition = 0, .leader_epoch = State(topic, 0).leader_epoch};
    for (int32_t broker : isr) proposal.new_isr.push_back({broker, -1});
    proposal.partition_epoch = stat.version;
    const AlterPartitionOutcome outcome = controller->AlterPartition(leader, -1, {proposal});
    ASSERT_EQ(outcome.error, ErrorCode::kNone) << outcome.message;
    ASSERT_EQ(outcome.decisions.size(), 1u);
    ASSERT_EQ(outcome.decisions[0].error, ErrorCode::kNone) << outcome.decisions[0].message;
  }

  static std::optional<std::vector<ElectionTopic>> Named(const std::string& topic,
                                                         std::vector<int32_t> partitions) {
    return std::vector<ElectionTopic>{{topic, std::move(partitions)}};
  }

  std::unique_ptr<Node> node_;
};

TEST_F(ControllerElectionTest, ARestartedLeaderLosesLeadershipAndItsIsrPlace) {
  Controller* controller = Start();
  ASSERT_NE(controller, nullptr);
  CreateTopic(controller, "t", {1, 2, 3});
  ASSERT_EQ(State("t", 0).leader, 1);
  Reregister(1);
  EXPECT_TRUE(Eventually([&] { return State("t", 0).leader == 2; }));
  EXPECT_EQ(
      State("t", 0),
      (PartitionState{
          .leader = 2, .leader_epoch = 1, .controller_epoch = controller->epoch(), .isr = {2, 3}}));
  // It rejoins only through its leader, once caught up.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(State("t", 0).isr, (std::vector<int32_t>{2, 3}));
  SetIsr(controller, "t", 2, {2, 3, 1});
  EXPECT_EQ(State("t", 0).isr, (std::vector<int32_t>{2, 3, 1}));
}

TEST_F(ControllerElectionTest, ARestartedFollowerLeavesTheIsr) {
  Controller* controller = Start();
  ASSERT_NE(controller, nullptr);
  CreateTopic(controller, "t", {1, 2, 3});
  Reregister(3);
  EXPECT_TRUE(Eventually([&] { return State("t", 0).isr == std::vector<int32_t>{1, 2}; }));
  EXPECT_EQ(State("t", 0).leader, 1);
  EXPECT_EQ(State("t", 0).leader_epoch, 0);
}

TEST_F(ControllerElectionTest, ARestartedLastIsrMemberLeadsAgainAtANewEpoch) {
  Controller* controller = Start();
  ASSERT_NE(controller, nullptr);
  CreateTopic(controller, "t", {1, 2});
  SetIsr(controller, "t", 1, {1});
  Reregister(1);
  EXPECT_TRUE(Eventually([&] { return State("t", 0).leader_epoch == 1; }));
  EXPECT_EQ(
      State("t", 0),
      (PartitionState{
          .leader = 1, .leader_epoch = 1, .controller_epoch = controller->epoch(), .isr = {1}}));
}

TEST_F(ControllerElectionTest, AlterPartitionCannotKeepARestartedMemberOrLeader) {
  // The leader asks to keep broker 3, which restarted, in the ISR it read before.
  Controller* controller = Start();
  ASSERT_NE(controller, nullptr);
  CreateTopic(controller, "t", {1, 2, 3});
  std::string json;
  ZkStat stat;
  ASSERT_TRUE(admin_->Get(znodes::PartitionStatePath("t", 0), &json, &stat, false).ok());
  IsrProposal keep{.topic = "t", .partition = 0, .leader_epoch = 0, .partition_epoch = 0};
  keep.new_isr = {{1, -1}, {3, -1}};
  Reregister(2);
  Reregister(3);
  // Decided before the pass that drops 3 (INELIGIBLE_REPLICA) or after it
  // (INVALID_UPDATE_VERSION): either way 3 is not kept in.
  const AlterPartitionOutcome outcome = controller->AlterPartition(1, -1, {keep});
  ASSERT_EQ(outcome.error, ErrorCode::kNone);
  EXPECT_NE(outcome.decisions.at(0).error, ErrorCode::kNone);
  EXPECT_TRUE(Eventually([&] { return State("t", 0).isr == std::vector<int32_t>{1}; }));
}

TEST_F(ControllerElectionTest, UncleanElectionFollowsTheTopicConfig) {
  Controller* controller = Start();
  ASSERT_NE(controller, nullptr);
  CreateTopic(controller, "clean", {1, 2});
  CreateTopic(controller, "unclean", {1, 2}, {{"unclean.leader.election.enable", "true"}});
  SetIsr(controller, "clean", 1, {1});
  SetIsr(controller, "unclean", 1, {1});
  ASSERT_TRUE(admin_->Delete(znodes::BrokerPath(1), -1).ok());
  EXPECT_TRUE(Eventually([&] { return State("unclean", 0).leader == 2; }));
  EXPECT_EQ(
      State("unclean", 0),
      (PartitionState{
          .leader = 2, .leader_epoch = 1, .controller_epoch = controller->epoch(), .isr = {2}}));
  EXPECT_TRUE(Eventually([&] { return State("clean", 0).leader_epoch == 1; }));
  EXPECT_EQ(State("clean", 0).leader, -1);
  EXPECT_EQ(State("clean", 0).isr, (std::vector<int32_t>{1}));
  // Turned on later, the config elects at once.
  ASSERT_TRUE(
      controller->AlterTopicConfigs("clean", {{"unclean.leader.election.enable", "TRUE"}}, false)
          .ok());
  EXPECT_TRUE(Eventually([&] { return State("clean", 0).leader == 2; }));
}

TEST_F(ControllerElectionTest, UncleanElectionByBrokerDefaultUnlessTheTopicSaysNo) {
  Controller* controller = Start({.unclean_leader_election_enable = true});
  ASSERT_NE(controller, nullptr);
  CreateTopic(controller, "default", {1, 2});
  CreateTopic(controller, "no", {1, 2}, {{"unclean.leader.election.enable", "false"}});
  SetIsr(controller, "default", 1, {1});
  SetIsr(controller, "no", 1, {1});
  ASSERT_TRUE(admin_->Delete(znodes::BrokerPath(1), -1).ok());
  EXPECT_TRUE(Eventually([&] { return State("default", 0).leader == 2; }));
  EXPECT_TRUE(Eventually([&] { return State("no", 0).leader_epoch == 1; }));
  EXPECT_EQ(State("no", 0).leader, -1);
}

TEST_F(ControllerElectionTest, RebalanceReturnsLeadershipToThePreferredReplicaInSync) {
  Controller* controller = Start({.leader_imbalance_check_interval_seconds = 1});
  ASSERT_NE(controller, nullptr);
  CreateTopic(controller, "t", {1, 2, 3});
  ASSERT_TRUE(admin_->Delete(znodes::BrokerPath(1), -1).ok());
  EXPECT_TRUE(Eventually([&] { return State("t", 0).leader == 2; }));
  Register(1);
  // Out of the ISR, it does not lead.
  EXPECT_EQ(controller->RebalanceLeaders(), 0);
  SetIsr(controller, "t", 2, {2, 3, 1});
  // The periodic check moves it back within its interval.
  EXPECT_TRUE(Eventually([&] { return State("t", 0).leader == 1; }));
  EXPECT_EQ(State("t", 0), (PartitionState{.leader = 1,
                                           .leader_epoch = 2,
                                           .controller_epoch = controller->epoch(),
                                           .isr = {2, 3, 1}}));
  EXPECT_EQ(controller->RebalanceLeaders(), 0);
}

TEST_F(ControllerElectionTest, RebalanceIsOffWhenDisabled) {
  Controller* controller =
      Start({.auto_leader_rebalance_enable = false, .leader_imbalance_check_interval_seconds = 1});
  ASSERT_NE(controller, nullptr);
  CreateTopic(controller, "t", {1, 2, 3});
  ASSERT_TRUE(admin_->Delete(znodes::BrokerPath(1), -1).ok());
  EXPECT_TRUE(Eventually([&] { return State("t", 0).leader == 2; }));
  Register(1);
  SetIsr(controller, "t", 2, {2, 3, 1});
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(State("t", 0).leader, 2);
}

TEST_F(ControllerElectionTest, ElectLeadersPreferred) {
  Controller* controller = Start({.auto_leader_rebalance_enable = false});
  ASSERT_NE(controller, nullptr);
  CreateTopic(controller, "t", {1, 2, 3});
  ElectLeadersOutcome outcome = controller->ElectLeaders(ElectionType::kPreferred, Named("t", {0}));
  ASSERT_EQ(outcome.error, ErrorCode::kNone);
  ASSERT_EQ(outcome.partitions.size(), 1u);
  EXPECT_EQ(outcome.partitions[0].error, ErrorCode::kElectionNotNeeded);

  ASSERT_TRUE(admin_->Delete(znodes::BrokerPath(1), -1).ok());
  EXPECT_TRUE(Eventually([&] { return State("t", 0).leader == 2; }));
  Register(1);
  outcome = controller->ElectLeaders(ElectionType::kPreferred, Named("t", {0, 7}));
  ASSERT_EQ(outcome.partitions.size(), 2u);
  EXPECT_EQ(outcome.partitions[0].error, ErrorCode::kPreferredLeaderNotAvailable);
  EXPECT_EQ(outcome.partitions[1].error, ErrorCode::kUnknownTopicOrPartition);
  SetIsr(controller, "t", 2, {2, 3, 1});
  // Every partition: only those elected are reported.
  outcome = controller->ElectLeaders(ElectionType::kPreferred, std::nullopt);
  ASSERT_EQ(outcome.partitions.size(), 1u);
  EXPECT_EQ(outcome.partitions[0].error, ErrorCode::kNone) << outcome.partitions[0].message;
  EXPECT_EQ(outcome.partitions[0].leader, 1);
  EXPECT_EQ(State("t", 0).leader, 1);
  EXPECT_EQ(State("t", 0).leader_epoch, 2);
  EXPECT_TRUE(controller->ElectLeaders(ElectionType::kPreferred, std::nullopt).partitions.empty());
  EXPECT_EQ(
      controller->ElectLeaders(ElectionType::kPreferred, Named("nope", {0})).partitions.at(0).error,
      ErrorCode::kUnknownTopicOrPartition);
}

TEST_F(ControllerElectionTest, ElectLeadersUnclean) {
  Controller* controller = Start({.auto_leader_rebalance_enable = false});
  ASSERT_NE(controller, nullptr);
  CreateTopic(controller, "t", {1, 2});
  EXPECT_EQ(
      controller->ElectLeaders(ElectionType::kUnclean, Named("t", {0})).partitions.at(0).error,
      ErrorCode::kElectionNotNeeded);
  SetIsr(controller, "t", 1, {1});
  ASSERT_TRUE(admin_->Delete(znodes::BrokerPath(1), -1).ok());
  EXPECT_TRUE(Eventually([&] { return State("t", 0).leader_epoch == 1; }));
  ASSERT_EQ(State("t", 0).leader, -1);
  ElectLeadersOutcome outcome = controller->ElectLeaders(ElectionType::kUnclean, Named("t", {0}));
  EXPECT_EQ(outcome.partitions.at(0).error, ErrorCode::kNone) << outcome.partitions.at(0).message;
  EXPECT_EQ(
      State("t", 0),
      (PartitionState{
          .leader = 2, .leader_epoch = 2, .controller_epoch = controller->epoch(), .isr = {2}}));
  ASSERT_TRUE(admin_->Delete(znodes::BrokerPath(2), -1).ok());
  EXPECT_TRUE(Eventually([&] { return State("t", 0).leader == -1; }));
  EXPECT_EQ(
      controller->ElectLeaders(ElectionType::kUnclean, Named("t", {0})).partitions.at(0).error,
      ErrorCode::kEligibleLeadersNotAvailable);
}

}  // namespace
}  // namespace ringlog
