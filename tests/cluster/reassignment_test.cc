// Partition reassignment on the controller's side, against a real ZooKeeper: a move is
// recorded in the assignment znode as Kafka 2.4+ keeps it (target first, adding and
// removing replicas) with the state rewritten (a new partition epoch for the leader); it
// stays in progress until every target replica is in the ISR, then finishes in one write
// (replicas, ISR, leader to the preferred target replica with a leader epoch bump); a
// cancellation restores the origin; bad targets get Kafka's error codes; a controller that
// lost its seat answers NOT_CONTROLLER; a move never makes a broker in controlled shutdown
// leader.
#include <gtest/gtest.h>

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

class ReassignmentTest : public testing::ControllerFixture {
 protected:
  // Brokers 1-4 registered, broker 1's controller active, topic "t" with partition 0 on
  // [1, 2, 3] and partition 1 on [2, 3, 1].
  Controller* Start() {
    for (int32_t id = 1; id <= 4; ++id) Register(id);
    node_ = StartNode(1);
    Controller* controller = WaitForActive({node_.get()});
    if (controller == nullptr) return nullptr;
    const AdminOutcome created = controller->CreateTopic(
        {.name = "t", .assignments = {{0, {1, 2, 3}}, {1, {2, 3, 1}}}}, false);
    EXPECT_TRUE(created.ok()) << created.message;
    return controller;
  }

  int32_t StateVersion(int32_t partition) {
    std::string json;
    ZkStat stat;
    EXPECT_TRUE(admin_->Get(znodes::PartitionStatePath("t", partition), &json, &stat, false).ok());
    return stat.version;
  }

  // Writes t-`partition`'s ISR as its leader's AlterPartition would.
  void SetIsr(int32_t partition, std::vector<int32_t> isr) {
    std::string json;
    ZkStat stat;
    ASSERT_TRUE(admin_->Get(znodes::PartitionStatePath("t", partition), &json, &stat, false).ok());
    Result<znodes::PartitionState> state = znodes::DecodePartitionState(json);
    ASSERT_TRUE(state.ok());
    state->isr = std::move(isr);
    ASSERT_TRUE(admin_
                    ->SetData(znodes::PartitionStatePath("t", partition),
                              znodes::EncodePartitionState(*state), stat.version)
                    .ok());
  }

  std::unique_ptr<testing::Node> node_;
};

TEST_F(ReassignmentTest, MoveWaitsForTheNewReplicasThenFinishesWithThePreferredLeader) {
  Controller* controller = Start();
  ASSERT_NE(controller, nullptr);
  const int32_t version = StateVersion(0);
  const ReassignmentOutcome outcome =
      controller->AlterPartitionReassignments({{"t", 0, {{4, 2, 3}}}});
  ASSERT_EQ(outcome.error, ErrorCode::kNone) << outcome.message;
  ASSERT_EQ(outcome.results.size(), 1u);
  EXPECT_EQ(outcome.results[0].error, ErrorCode::kNone) << outcome.results[0].message;

  znodes::TopicAssignment moving = Assignment("t");
  EXPECT_EQ(moving.partitions[0], (std::vector<int32_t>{4, 2, 3, 1}));
  EXPECT_EQ(moving.adding, (std::map<int32_t, std::vector<int32_t>>{{0, {4}}}));
  EXPECT_EQ(moving.removing, (std::map<int32_t, std::vector<int32_t>>{{0, {1}}}));
  EXPECT_EQ(moving.partitions[1], (std::vector<int32_t>{2, 3, 1}));
  EXPECT_GT(StateVersion(0), version) << "the leader needs a newer partition epoch";
  EXPECT_EQ(State("t", 0), (znodes::PartitionState{.leader = 1,
                                                   .leader_epoch = 0,
                                                   .controller_epoch = controller->epoch(),
                                                   .isr = {1, 2, 3}}));
  ReassignmentListing listing = controller->ListPartitionReassignments(std::nullopt);
  ASSERT_EQ(listing.error, ErrorCode::kNone);
  EXPECT_EQ(listing.ongoing, (std::vector<OngoingReassignment>{{"t", 0, {4, 2, 3, 1}, {4}, {1}}}));

  // Passes before broker 4 is in sync change nothing.
  controller->Notify();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(Assignment("t").adding.size(), 1u);

  SetIsr(0, {1, 2, 3, 4});
  controller->Notify();
  ASSERT_TRUE(Eventually([&] { return Assignment("t").adding.empty(); }));
  const znodes::TopicAssignment done = Assignment("t");
  EXPECT_EQ(done.partitions.at(0), (std::vector<int32_t>{4, 2, 3}));
  EXPECT_TRUE(done.removing.empty());
  EXPECT_EQ(State("t", 0), (znodes::PartitionState{.leader = 4,
                                                   .leader_epoch = 1,
                                                   .controller_epoch = controller->epoch(),
                                                   .isr = {2, 3, 4}}));
  EXPECT_TRUE(controller->ListPartitionReassignments(std::nullopt).ongoing.empty());
}

TEST_F(ReassignmentTest, CancellationRestoresTheOriginAndANewOrderEndsAtOnce) {
  Controller* controller = Start();
  ASSERT_NE(controller, nullptr);
  ASSERT_EQ(controller->AlterPartitionReassignments({{"t", 0, {{4, 2, 3}}}}).results[0].error,
            ErrorCode::kNone);
  SetIsr(0, {1, 2, 3});
  ReassignmentOutcome cancelled = controller->AlterPartitionReassignments({{"t", 0, std::nullopt}});
  ASSERT_EQ(cancelled.results[0].error, ErrorCode::kNone);
  znodes::TopicAssignment assignment = Assignment("t");
  EXPECT_EQ(assignment.partitions[0], (std::vector<int32_t>{2, 3, 1}));
  EXPECT_TRUE(assignment.adding.empty());
  EXPECT_TRUE(assignment.removing.empty());
  EXPECT_EQ(State("t", 0).leader, 2);
  EXPECT_EQ(State("t", 0).leader_epoch, 1);

  EXPECT_EQ(controller->AlterPartitionReassignments({{"t", 0, std::nullopt}}).results[0].error,
            ErrorCode::kNoReassignmentInProgress);

  ASSERT_EQ(controller->AlterPartitionReassignments({{"t", 1, {{3, 1, 2}}}}).results[0].error,
            ErrorCode::kNone);
  assignment = Assignment("t");
  EXPECT_EQ(assignment.partitions[1], (std::vector<int32_t>{3, 1, 2}));
  EXPECT_TRUE(assignment.adding.empty());
  EXPECT_EQ(State("t", 1).leader, 3);
}

TEST_F(ReassignmentTest, AMoveDoesNotMakeABrokerInControlledShutdownLeader) {
  Controller* controller = Start();
  ASSERT_NE(controller, nullptr);
  ASSERT_EQ(controller->ControlledShutdown(2, -1).error, ErrorCode::kNone);
  // Broker 2 back in t-0's ISR, as a leader's AlterPartition written just before the
  // shutdown would have left it; the new order prefers it.
  SetIsr(0, {1, 2, 3});
  ASSERT_EQ(controller->AlterPartitionReassignments({{"t", 0, {{2, 1, 3}}}}).results[0].error,
            ErrorCode::kNone);
  EXPECT_EQ(Assignment("t").partitions[0], (std::vector<int32_t>{2, 1, 3}));
  EXPECT_EQ(State("t", 0).leader, 1);
}

TEST_F(ReassignmentTest, BadTargetsGetKafkasErrorsEachOnItsOwn) {
  Controller* controller = Start();
  ASSERT_NE(controller, nullptr);
  const ReassignmentOutcome outcome = controller->AlterPartitionReassignments({
      {"nosuch", 0, {{1, 2, 3}}},
      {"t", 5, {{1, 2, 3}}},
      {"t", 0, {{1, 2, 9}}},
      {"t", 0, {{1, 1, 2}}},
      {"t", 0, {std::vector<int32_t>{}}},
      {"t", 1, {{2, 3, 4}}},
  });
  ASSERT_EQ(outcome.error, ErrorCode::kNone);
  ASSERT_EQ(outcome.results.size(), 6u);
  EXPECT_EQ(outcome.results[0].error, ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(outcome.results[1].error, ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(outcome.results[2].error, ErrorCode::kInvalidReplicaAssignment);
  EXPECT_NE(outcome.results[2].message.find("[9]"), std::string::npos)
      << outcome.results[2].message;
  EXPECT_EQ(outcome.results[3].error, ErrorCode::kInvalidReplicaAssignment);
  EXPECT_EQ(outcome.results[4].error, ErrorCode::kInvalidReplicaAssignment);
  EXPECT_EQ(outcome.results[5].error, ErrorCode::kNone);
  const znodes::TopicAssignment assignment = Assignment("t");
  EXPECT_EQ(assignment.partitions.at(0), (std::vector<int32_t>{1, 2, 3}));
  EXPECT_EQ(assignment.adding, (std::map<int32_t, std::vector<int32_t>>{{1, {4}}}));

  ReassignmentListing some = controller->ListPartitionReassignments(
      std::map<std::string, std::vector<int32_t>>{{"t", {0}}, {"nosuch", {0}}});
  ASSERT_EQ(some.error, ErrorCode::kNone);
  EXPECT_TRUE(some.ongoing.empty());
}

TEST_F(ReassignmentTest, AControllerThatLostItsSeatAnswersNotController) {
  Controller* controller = Start();
  ASSERT_NE(controller, nullptr);
  controller->Stop();
  EXPECT_EQ(controller->AlterPartitionReassignments({{"t", 0, {{4, 2, 3}}}}).error,
            ErrorCode::kNotController);
  EXPECT_EQ(controller->ListPartitionReassignments(std::nullopt).error, ErrorCode::kNotController);
  EXPECT_EQ(Assignment("t").partitions.at(0), (std::vector<int32_t>{1, 2, 3}));
}

}  // namespace
}  // namespace ringlog
