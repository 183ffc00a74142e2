// The controller against a real ZooKeeper: one controller of several sessions wins and
// bumps /controller_epoch; when the winner's session dies another wins with a higher
// epoch; a controller whose epoch moved on under it writes nothing and answers
// NOT_CONTROLLER; topics are laid out as Kafka lays them out, leaders spread evenly; the
// partition states follow the brokers' registrations. Brokers are fake: ephemeral
// /brokers/ids/<id> nodes the test makes and removes.
#include "net/cluster/controller.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "net/cluster/znodes.h"
#include "tests/cluster/controller_fixture.h"
#include "tests/support/zookeeper_server.h"

namespace ringlog {
namespace {

using std::chrono::milliseconds;
using testing::Eventually;
using testing::Node;
using ControllerTest = testing::ControllerFixture;

TEST_F(ControllerTest, OneOfThreeWinsAndBumpsTheEpoch) {
  ASSERT_TRUE(admin_->Create(std::string(znodes::kControllerEpoch), "7", false).ok());
  std::vector<std::unique_ptr<Node>> nodes;
  for (int32_t id = 1; id <= 3; ++id) nodes.push_back(StartNode(id));
  std::vector<Node*> all = {nodes[0].get(), nodes[1].get(), nodes[2].get()};
  Controller* winner = WaitForActive(all);
  ASSERT_NE(winner, nullptr);
  // Give the losers time to (wrongly) win too.
  std::this_thread::sleep_for(milliseconds(300));
  int active = 0;
  for (Node* node : all) active += node->controller->active() ? 1 : 0;
  EXPECT_EQ(active, 1);
  EXPECT_EQ(winner->epoch(), 8);
  EXPECT_EQ(StoredEpoch(), 8);
  std::string json;
  ZkStat stat;
  ASSERT_TRUE(admin_->Get(std::string(znodes::kController), &json, &stat, false).ok());
  Result<znodes::ControllerRecord> record = znodes::DecodeController(json);
  ASSERT_TRUE(record.ok());
  EXPECT_TRUE(nodes[record->broker_id - 1]->controller->active());
  EXPECT_NE(stat.ephemeral_owner, 0);
}

TEST_F(ControllerTest, AnotherWinsWithAHigherEpochWhenTheWinnersSessionDies) {
  Register(1);
  std::vector<std::unique_ptr<Node>> nodes;
  for (int32_t id = 1; id <= 3; ++id) nodes.push_back(StartNode(id));
  std::vector<Node*> all = {nodes[0].get(), nodes[1].get(), nodes[2].get()};
  Controller* first = WaitForActive(all);
  ASSERT_NE(first, nullptr);
  const int32_t first_epoch = first->epoch();
  Node* dead = nullptr;
  for (Node* node : all) {
    if (node->controller.get() == first) dead = node;
  }
  ASSERT_TRUE(testing::ExpireSession(*dead->zk, connect_).ok());
  const auto expired_at = std::chrono::steady_clock::now();
  std::vector<Node*> rest;
  for (Node* node : all) {
    if (node != dead) rest.push_back(node);
  }
  Controller* second = WaitForActive(rest);
  ASSERT_NE(second, nullptr);
  EXPECT_LT(std::chrono::steady_clock::now() - expired_at, std::chrono::seconds(5));
  EXPECT_EQ(second->epoch(), first_epoch + 1);
  EXPECT_EQ(StoredEpoch(), first_epoch + 1);
  // The old controller writes nothing: while its client is still reconnecting it cannot
  // tell (REQUEST_TIMED_OUT), and once it hears of the expiry it has resigned.
  AdminOutcome old = first->CreateTopic({.name = "late", .partitions = 1}, false);
  EXPECT_TRUE(old.error == ErrorCode::kNotController || old.error == ErrorCode::kRequestTimedOut)
      << old.message;
  EXPECT_FALSE(NodeExists(znodes::TopicPath("late")));
  EXPECT_TRUE(Eventually([&] { return !first->active(); }));
  EXPECT_EQ(first->CreateTopic({.name = "late", .partitions = 1}, false).error,
            ErrorCode::kNotController);
  EXPECT_FALSE(NodeExists(znodes::TopicPath("late")));
  // The new one works.
  EXPECT_TRUE(second->CreateTopic({.name = "late", .partitions = 1}, false).ok());
}

TEST_F(ControllerTest, AControllerWhoseEpochMovedOnWritesNothing) {
  Register(1);
  std::unique_ptr<Node> node = StartNode(1);
  ASSERT_NE(WaitForActive({node.get()}), nullptr);
  const int32_t epoch = node->controller->epoch();
  // Another controller's election, as far as the epoch node is concerned.
  ASSERT_TRUE(admin_
                  ->SetData(std::string(znodes::kControllerEpoch),
                            znodes::EncodeControllerEpoch(epoch + 5), -1)
                  .ok());
  AdminOutcome fenced = node->controller->CreateTopic({.name = "fenced", .partitions = 2}, false);
  EXPECT_EQ(fenced.error, ErrorCode::kNotController) << fenced.message;
  EXPECT_FALSE(NodeExists(znodes::TopicPath("fenced")));
  EXPECT_FALSE(NodeExists(znodes::TopicConfigPath("fenced")));
  // It left /controller on resigning, and wins the next election above the moved epoch.
  EXPECT_TRUE(Eventually([&] { return node->controller->epoch() == epoch + 6; }));
  EXPECT_TRUE(Eventually([&] { return node->controller->active(); }));
  EXPECT_TRUE(node->controller->CreateTopic({.name = "fenced", .partitions = 2}, false).ok());
}

TEST_F(ControllerTest, CreateTopicWritesKafkasLayoutWithLeadersSpreadEvenly) {
  for (int32_t id = 1; id <= 3; ++id) Register(id);
  std::unique_ptr<Node> node = StartNode(2);
  Controller* controller = WaitForActive({node.get()});
  ASSERT_NE(controller, nullptr);
  NewTopic topic{.name = "events",
                 .partitions = 6,
                 .replication_factor = 2,
                 .configs = {{"retention.ms", "60000"}}};
  AdminOutcome created = controller->CreateTopic(topic, false);
  ASSERT_TRUE(created.ok()) << created.message;

  znodes::TopicAssignment assignment = Assignment("events");
  EXPECT_FALSE(assignment.topic_id.IsZero());
  ASSERT_EQ(assignment.partitions.size(), 6u);
  std::map<int32_t, int> leads;
  for (const auto& [partition, replicas] : assignment.partitions) {
    ASSERT_EQ(replicas.size(), 2u);
    EXPECT_NE(replicas[0], replicas[1]);
    ++leads[replicas[0]];
    EXPECT_EQ(State("events", partition),
              (znodes::PartitionState{.leader = replicas[0],
                                      .leader_epoch = 0,
                                      .controller_epoch = controller->epoch(),
                                      .isr = replicas}));
  }
  EXPECT_EQ(leads, (std::map<int32_t, int>{{1, 2}, {2, 2}, {3, 2}}));
  std::string json;
  ZkStat stat;
  ASSERT_TRUE(admin_->Get(znodes::TopicConfigPath("events"), &json, &stat, false).ok());
  Result<ConfigMap> configs = znodes::DecodeTopicConfig(json);
  ASSERT_TRUE(configs.ok());
  EXPECT_EQ(*configs, topic.configs);

  EXPECT_EQ(controller->CreateTopic(topic, false).error, ErrorCode::kTopicAlreadyExists);
  EXPECT_EQ(controller->CreateTopic({.name = "wide", .replication_factor = 4}, false).error,
            ErrorCode::kInvalidReplicationFactor);
  EXPECT_EQ(controller->CreateTopic({.name = "bad/name"}, false).error,
            ErrorCode::kInvalidTopicException);
  EXPECT_EQ(
      controller->CreateTopic({.name = "cfg", .configs = {{"retention.ms", "x"}}}, false).error,
      ErrorCode::kInvalidConfig);
  EXPECT_EQ(controller->CreateTopic({.name = "placed", .assignments = {{0, {1, 9}}}}, false).error,
            ErrorCode::kInvalidReplicaAssignment);
  EXPECT_TRUE(controller->CreateTopic({.name = "dry"}, true).ok());
  EXPECT_FALSE(NodeExists(znodes::TopicPath("dry")));
  ASSERT_TRUE(
      controller->CreateTopic({.name = "placed", .assignments = {{0, {3, 1}}}}, false).ok());
  EXPECT_EQ(Assignment("placed").partitions,
            (std::map<int32_t, std::vector<int32_t>>{{0, {3, 1}}}));
  EXPECT_EQ(Leader("placed", 0), 3);
}

TEST_F(ControllerTest, GrowsAltersAndDeletesTopics) {
  for (int32_t id = 1; id <= 3; ++id) Register(id);
  std::unique_ptr<Node> node = StartNode(1);
  Controller* controller = WaitForActive({node.get()});
  ASSERT_NE(controller, nullptr);
  ASSERT_TRUE(controller->CreateTopic({.name = "t", .partitions = 3}, false).ok());

  EXPECT_EQ(controller->CreatePartitions("t", 3, {}, false).error, ErrorCode::kInvalidPartitions);
  EXPECT_EQ(controller->CreatePartitions("nope", 4, {}, false).error,
            ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(controller->CreatePartitions("t", 5, {{1}}, false).error,
            ErrorCode::kInvalidReplicaAssignment);
  ASSERT_TRUE(controller->CreatePartitions("t", 6, {}, false).ok());
  znodes::TopicAssignment grown = Assignment("t");
  ASSERT_EQ(grown.partitions.size(), 6u);
  std::map<int32_t, int> leads;
  for (const auto& [partition, replicas] : grown.partitions) {
    ++leads[replicas[0]];
    EXPECT_EQ(Leader("t", partition), replicas[0]) << partition;
  }
  EXPECT_EQ(leads, (std::map<int32_t, int>{{1, 2}, {2, 2}, {3, 2}}));
  ASSERT_TRUE(controller->CreatePartitions("t", 7, {{2}}, false).ok());
  EXPECT_EQ(Assignment("t").partitions.at(6), std::vector<int32_t>{2});

  EXPECT_EQ(controller->AlterTopicConfigs("t", {{"segment.bytes", "-3"}}, false).error,
            ErrorCode::kInvalidConfig);
  ASSERT_TRUE(controller->AlterTopicConfigs("t", {{"segment.bytes", "1048576"}}, false).ok());
  std::string json;
  ZkStat stat;
  ASSERT_TRUE(admin_->Get(znodes::TopicConfigPath("t"), &json, &stat, false).ok());
  EXPECT_EQ(*znodes::DecodeTopicConfig(json), (ConfigMap{{"segment.bytes", "1048576"}}));

  ASSERT_TRUE(controller->DeleteTopic("t").ok());
  EXPECT_FALSE(NodeExists(znodes::TopicPath("t")));
  EXPECT_FALSE(NodeExists(znodes::TopicConfigPath("t")));
  EXPECT_EQ(controller->DeleteTopic("t").error, ErrorCode::kUnknownTopicOrPartition);
}

TEST_F(ControllerTest, PartitionStatesFollowTheBrokers) {
  for (int32_t id = 1; id <= 3; ++id) Register(id);
  std::unique_ptr<Node> node = StartNode(1);
  Controller* controller = WaitForActive({node.get()});
  ASSERT_NE(controller, nullptr);
  ASSERT_TRUE(controller->CreateTopic({.name = "solo", .assignments = {{0, {2}}}}, false).ok());
  ASSERT_TRUE(controller->CreateTopic({.name = "pair", .assignments = {{0, {2, 3}}}}, false).ok());

  ASSERT_TRUE(admin_->Delete(znodes::BrokerPath(2), -1).ok());
  EXPECT_TRUE(Eventually([&] { return Leader("solo", 0) == -1; }));
  EXPECT_EQ(
      State("solo", 0),
      (znodes::PartitionState{
          .leader = -1, .leader_epoch = 1, .controller_epoch = controller->epoch(), .isr = {2}}));
  EXPECT_TRUE(Eventually([&] { return Leader("pair", 0) == 3; }));
  EXPECT_EQ(State("pair", 0).leader_epoch, 1);
  EXPECT_EQ(State("pair", 0).isr, std::vector<int32_t>{3});

  Register(2);
  EXPECT_TRUE(Eventually([&] { return Leader("solo", 0) == 2; }));
  EXPECT_EQ(
      State("solo", 0),
      (znodes::PartitionState{
          .leader = 2, .leader_epoch = 2, .controller_epoch = controller->epoch(), .isr = {2}}));
  // A live leader stays, preferred or not.
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_EQ(Leader("pair", 0), 3);
}

TEST_F(ControllerTest, WritesStatesForATopicMadeByAnotherTool) {
  Register(1);
  std::unique_ptr<Node> node = StartNode(1);
  ASSERT_NE(WaitForActive({node.get()}), nullptr);
  // As Kafka's old tools did: the assignment alone, its parents made as needed.
  znodes::TopicAssignment assignment{.topic_id = Uuid::Random(),
                                     .partitions = {{0, {1}}, {1, {1}}}};
  ASSERT_TRUE(admin_->CreateRecursive(std::string(znodes::kTopics)).ok());
  ASSERT_TRUE(
      admin_->Create(znodes::TopicPath("outside"), znodes::EncodeTopicAssignment(assignment), false)
          .ok());
  EXPECT_TRUE(Eventually([&] { return Leader("outside", 1) == 1; }));
  EXPECT_EQ(Leader("outside", 0), 1);
  EXPECT_EQ(State("outside", 1).isr, std::vector<int32_t>{1});
}

}  // namespace
}  // namespace ringlog
