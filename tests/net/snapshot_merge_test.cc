// The stale-news rule (net/cluster/snapshot_merge.h): a broker never takes a partition
// state older than the one it holds, takes a re-created topic as new, and keeps the last
// readable version of a topic whose znodes stopped decoding.
#include "net/cluster/snapshot_merge.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace ringlog {
namespace {

znodes::PartitionState State(int32_t leader, int32_t leader_epoch, int32_t controller_epoch) {
  return {leader, leader_epoch, controller_epoch, {leader}};
}

// A snapshot with topic "t" of id `id` whose partitions have `states`.
ClusterSnapshot WithTopic(const Uuid& id, std::vector<znodes::PartitionState> states) {
  ClusterSnapshot snapshot;
  ClusterTopic& topic = snapshot.topics["t"];
  topic.id = id;
  for (znodes::PartitionState& state : states) {
    topic.partitions.push_back({{1, 2}, std::move(state)});
  }
  return snapshot;
}

const znodes::PartitionState& StateOf(const ClusterSnapshot& snapshot, size_t partition) {
  return snapshot.topics.at("t").partitions.at(partition).state;
}

TEST(SnapshotMergeTest, AnOlderStateIsIgnoredAndANewerOneTaken) {
  const Uuid id = Uuid::Random();
  ClusterSnapshot held = WithTopic(id, {State(1, 5, 3), State(2, 5, 3), State(1, 5, 3)});
  ClusterSnapshot merged = MergeNewer(
      held, WithTopic(id, {State(2, 4, 9), State(1, 5, 2), State(2, 6, 1), State(2, 0, 1)}));
  EXPECT_EQ(StateOf(merged, 0), State(1, 5, 3)) << "lower leader epoch";
  EXPECT_EQ(StateOf(merged, 1), State(2, 5, 3)) << "same leader epoch, lower controller epoch";
  EXPECT_EQ(StateOf(merged, 2), State(2, 6, 1)) << "higher leader epoch";
  EXPECT_EQ(StateOf(merged, 3), State(2, 0, 1)) << "a new partition";
}

TEST(SnapshotMergeTest, TheSameEpochsWithAHigherControllerEpochOrNewIsrAreTaken) {
  const Uuid id = Uuid::Random();
  ClusterSnapshot held = WithTopic(id, {State(1, 5, 3), State(1, 5, 3)});
  znodes::PartitionState shrunk = State(1, 5, 3);
  shrunk.isr = {1};
  znodes::PartitionState grown = State(1, 5, 4);
  grown.isr = {1, 2};
  ClusterSnapshot merged = MergeNewer(held, WithTopic(id, {shrunk, grown}));
  EXPECT_EQ(StateOf(merged, 0), shrunk);
  EXPECT_EQ(StateOf(merged, 1), grown);
}

TEST(SnapshotMergeTest, ThePartitionEpochTellsWhichStateIsNewer) {
  const Uuid id = Uuid::Random();
  ClusterSnapshot held = WithTopic(id, {State(1, 5, 3), State(1, 5, 3)});
  for (ClusterPartition& partition : held.topics.at("t").partitions) {
    partition.state.isr = {1, 2};
    partition.partition_epoch = 7;
  }
  // The same epochs, a shrunk ISR: the lower version is a stale read, the higher a change.
  ClusterSnapshot next = WithTopic(id, {State(1, 5, 3), State(1, 5, 3)});
  next.topics.at("t").partitions[0].partition_epoch = 6;
  next.topics.at("t").partitions[1].partition_epoch = 8;
  ClusterSnapshot merged = MergeNewer(held, next);
  const std::vector<ClusterPartition>& partitions = merged.topics.at("t").partitions;
  EXPECT_EQ(partitions[0].state.isr, (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(partitions[0].partition_epoch, 7);
  EXPECT_EQ(partitions[1].state.isr, std::vector<int32_t>{1});
  EXPECT_EQ(partitions[1].partition_epoch, 8);
}

TEST(SnapshotMergeTest, AReCreatedTopicIsTakenAsItIs) {
  ClusterSnapshot held = WithTopic(Uuid::Random(), {State(1, 7, 3)});
  const Uuid recreated = Uuid::Random();
  ClusterSnapshot merged = MergeNewer(held, WithTopic(recreated, {State(2, 0, 3)}));
  EXPECT_EQ(merged.topics.at("t").id, recreated);
  EXPECT_EQ(StateOf(merged, 0), State(2, 0, 3));
}

TEST(SnapshotMergeTest, AStateNotWrittenYetDoesNotHideTheHeldOne) {
  const Uuid id = Uuid::Random();
  ClusterSnapshot merged =
      MergeNewer(WithTopic(id, {State(1, 2, 1)}), WithTopic(id, {znodes::PartitionState{}}));
  EXPECT_EQ(StateOf(merged, 0), State(1, 2, 1));
}

TEST(SnapshotMergeTest, EverythingElseComesFromTheNextSnapshot) {
  const Uuid id = Uuid::Random();
  ClusterSnapshot held = WithTopic(id, {State(1, 5, 3)});
  held.controller_id = 1;
  held.controller_epoch = 3;
  held.brokers[1] = {1, "h1", 9092, std::nullopt};
  held.topics["gone"].id = Uuid::Random();
  held.topics.at("t").configs["retention.ms"] = "1000";

  ClusterSnapshot next = WithTopic(id, {State(1, 5, 3)});
  next.cluster_id = "c";
  next.controller_id = 2;
  next.controller_epoch = 4;
  next.brokers[2] = {2, "h2", 9093, "r"};
  next.topics.at("t").partitions[0].replicas = {2, 1};
  next.topics.at("t").configs["retention.ms"] = "2000";
  ClusterSnapshot merged = MergeNewer(held, next);
  EXPECT_EQ(merged.cluster_id, "c");
  EXPECT_EQ(merged.controller_id, 2);
  EXPECT_EQ(merged.controller_epoch, 4);
  ASSERT_EQ(merged.brokers.size(), 1u);
  EXPECT_EQ(merged.brokers.at(2).host, "h2");
  EXPECT_FALSE(merged.topics.contains("gone"));
  EXPECT_EQ(merged.topics.at("t").partitions[0].replicas, (std::vector<int32_t>{2, 1}));
  EXPECT_EQ(merged.topics.at("t").configs.at("retention.ms"), "2000");
}

TEST(SnapshotMergeTest, AnUnreadableTopicKeepsItsLastReadableVersion) {
  const Uuid id = Uuid::Random();
  ClusterSnapshot held = WithTopic(id, {State(1, 5, 3)});
  ClusterSnapshot next;
  next.unreadable_topics = {"t", "never-read"};
  ClusterSnapshot merged = MergeNewer(held, next);
  ASSERT_TRUE(merged.topics.contains("t"));
  EXPECT_EQ(merged.topics.at("t").id, id);
  EXPECT_EQ(StateOf(merged, 0), State(1, 5, 3));
  EXPECT_EQ(merged.unreadable_topics, (std::set<std::string, std::less<>>{"never-read"}));
  EXPECT_FALSE(merged.topics.contains("never-read"));
}

}  // namespace
}  // namespace ringlog
