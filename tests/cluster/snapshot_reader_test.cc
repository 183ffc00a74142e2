// ReadClusterSnapshot against a real ZooKeeper: Kafka's layout written with the znodes
// encoders reads back whole; an empty tree is an empty cluster; watches fire on every kind
// of change; bad nodes are skipped; nodes that vanish mid-read are tolerated; a topic's
// states are those of the assignment read beside them; a lost session fails the read.
#include "net/cluster/snapshot_reader.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "net/cluster/znodes.h"
#include "tests/support/zookeeper_server.h"

namespace ringlog::testing {
namespace {

using std::chrono_literals::operator""s;

// Records the paths whose watches fired.
class WatchLog final : public ZkListener {
 public:
  void OnWatch(const std::string& path) override {
    std::lock_guard lock(mu_);
    fired_.insert(path);
    changed_.notify_all();
  }
  void OnSessionExpired() override {}

  // Whether the watch on `path` fires within a few seconds.
  bool WaitFor(const std::string& path) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, 10s, [&] { return fired_.contains(path); });
  }
  bool Fired(const std::string& path) {
    std::lock_guard lock(mu_);
    return fired_.contains(path);
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::set<std::string> fired_;
};

class SnapshotReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    connect_ = ZooKeeperServer::Shared().NewChroot("snapshot");
    zk_ = Connect(&watches_);
  }

  std::unique_ptr<ZkClient> Connect(ZkListener* listener) {
    ZkClientOptions options;
    options.connect = connect_;
    options.session_timeout_ms = 4000;
    auto zk = ZkClient::Connect(options, listener);
    EXPECT_TRUE(zk.ok()) << zk.status().ToString();
    return zk.ok() ? std::move(*zk) : nullptr;
  }

  // Creates `path` with `data`, and the nodes above it.
  void Put(const std::string& path, const std::string& data, bool ephemeral = false) {
    const std::string parent = path.substr(0, path.rfind('/'));
    if (!parent.empty()) {
      ASSERT_TRUE(zk_->CreateRecursive(parent).ok()) << parent;
    }
    ZkStatus created = zk_->Create(path, data, ephemeral);
    ASSERT_TRUE(created.ok()) << created.message;
  }

  void PutBroker(int32_t id, int32_t port) {
    Put(znodes::BrokerPath(id),
        znodes::EncodeBrokerRegistration({id, "127.0.0.1", port, std::nullopt, 1}), true);
  }

  // Topic `name` of `partitions` partitions on brokers 1 and 2, each led by broker 1 at
  // leader epoch `epoch`.
  Uuid PutTopic(const std::string& name, int32_t partitions, int32_t epoch = 0) {
    znodes::TopicAssignment assignment;
    assignment.topic_id = Uuid::Random();
    for (int32_t p = 0; p < partitions; ++p) assignment.partitions[p] = {1, 2};
    Put(znodes::TopicPath(name), znodes::EncodeTopicAssignment(assignment));
    for (int32_t p = 0; p < partitions; ++p) {
      Put(znodes::PartitionStatePath(name, p), znodes::EncodePartitionState({1, epoch, 1, {1}}));
    }
    return assignment.topic_id;
  }

  ClusterSnapshot Read(bool watch) {
    Result<ClusterSnapshot> snapshot = ReadClusterSnapshot(*zk_, watch);
    EXPECT_TRUE(snapshot.ok()) << snapshot.status().ToString();
    return snapshot.ok() ? std::move(*snapshot) : ClusterSnapshot{};
  }

  std::string connect_;
  WatchLog watches_;
  std::unique_ptr<ZkClient> zk_;
};

TEST_F(SnapshotReaderTest, KafkasLayoutReadsBackWhole) {
  Put(std::string(znodes::kClusterId), znodes::EncodeClusterId("c-1"));
  Put(std::string(znodes::kControllerEpoch), znodes::EncodeControllerEpoch(7));
  Put(std::string(znodes::kController), znodes::EncodeController({2, 1}), true);
  PutBroker(1, 9092);
  PutBroker(2, 9093);
  const Uuid orders = PutTopic("orders", 3, 4);
  const Uuid offsets = PutTopic("__consumer_offsets", 2);
  Put(znodes::TopicConfigPath("orders"), znodes::EncodeTopicConfig({{"retention.ms", "100"}}));
  ASSERT_TRUE(zk_->SetData(znodes::PartitionStatePath("orders", 2),
                           znodes::EncodePartitionState({2, 5, 7, {2, 1}}), -1)
                  .ok());

  ClusterSnapshot snapshot = Read(false);
  EXPECT_EQ(snapshot.cluster_id, "c-1");
  EXPECT_EQ(snapshot.controller_id, 2);
  EXPECT_EQ(snapshot.controller_epoch, 7);
  ASSERT_EQ(snapshot.brokers.size(), 2u);
  EXPECT_EQ(snapshot.brokers.at(2).id, 2);
  EXPECT_EQ(snapshot.brokers.at(2).host, "127.0.0.1");
  EXPECT_EQ(snapshot.brokers.at(2).port, 9093);
  ASSERT_EQ(snapshot.topics.size(), 2u);
  const ClusterTopic& topic = snapshot.topics.at("orders");
  EXPECT_EQ(topic.id, orders);
  EXPECT_EQ(topic.configs, (ConfigMap{{"retention.ms", "100"}}));
  ASSERT_EQ(topic.partitions.size(), 3u);
  EXPECT_EQ(topic.partitions[0].replicas, (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(topic.partitions[0].state, (znodes::PartitionState{1, 4, 1, {1}}));
  EXPECT_EQ(topic.partitions[2].state, (znodes::PartitionState{2, 5, 7, {2, 1}}));
  EXPECT_EQ(snapshot.topics.at("__consumer_offsets").id, offsets);
  EXPECT_TRUE(snapshot.topics.at("__consumer_offsets").configs.empty());
  EXPECT_TRUE(snapshot.unreadable_topics.empty());
}

TEST_F(SnapshotReaderTest, EachPartitionCarriesItsStateVersionAsThePartitionEpoch) {
  PutTopic("orders", 3);
  const std::string p1 = znodes::PartitionStatePath("orders", 1);
  ASSERT_TRUE(zk_->SetData(p1, znodes::EncodePartitionState({1, 0, 1, {1, 2}}), 0).ok());
  ASSERT_TRUE(zk_->SetData(p1, znodes::EncodePartitionState({1, 0, 1, {1}}), 1).ok());

  ClusterSnapshot snapshot = Read(false);
  const std::vector<ClusterPartition>& partitions = snapshot.topics.at("orders").partitions;
  ASSERT_EQ(partitions.size(), 3u);
  EXPECT_EQ(partitions[0].partition_epoch, 0);
  EXPECT_EQ(partitions[1].partition_epoch, 2);
  EXPECT_EQ(partitions[1].state.isr, std::vector<int32_t>{1});
  EXPECT_EQ(partitions[2].partition_epoch, 0);

  // A partition whose state is not written yet has none.
  znodes::TopicAssignment bare{.topic_id = Uuid::Random(), .partitions = {{0, {1}}}};
  Put(znodes::TopicPath("bare"), znodes::EncodeTopicAssignment(bare));
  EXPECT_EQ(Read(false).topics.at("bare").partitions[0].partition_epoch, -1);
}

TEST_F(SnapshotReaderTest, AnEmptyTreeIsAnEmptyCluster) {
  for (bool watch : {false, true}) {
    ClusterSnapshot snapshot = Read(watch);
    EXPECT_EQ(snapshot.cluster_id, "");
    EXPECT_EQ(snapshot.controller_id, -1);
    EXPECT_EQ(snapshot.controller_epoch, 0);
    EXPECT_TRUE(snapshot.brokers.empty());
    EXPECT_TRUE(snapshot.topics.empty());
  }
  // A partition state not written yet: no leader.
  znodes::TopicAssignment assignment{Uuid::Random(), {{0, {1}}}};
  Put(znodes::TopicPath("t"), znodes::EncodeTopicAssignment(assignment));
  EXPECT_EQ(Read(true).topics.at("t").partitions.at(0).state.leader, -1);
}

TEST_F(SnapshotReaderTest, AWatchFiresOnEveryKindOfChange) {
  Put(std::string(znodes::kControllerEpoch), znodes::EncodeControllerEpoch(1));
  PutBroker(1, 9092);
  PutTopic("t", 2);
  Read(true);

  // Nodes and parents that did not exist when read.
  Put(std::string(znodes::kController), znodes::EncodeController({1, 1}), true);
  EXPECT_TRUE(watches_.WaitFor(std::string(znodes::kController)));
  Put(znodes::TopicConfigPath("t"), znodes::EncodeTopicConfig({{"retention.ms", "5"}}));
  EXPECT_TRUE(watches_.WaitFor(std::string(znodes::kTopicConfigs)));
  // Changes of data and of lists.
  ASSERT_TRUE(zk_->SetData(znodes::PartitionStatePath("t", 1),
                           znodes::EncodePartitionState({2, 1, 1, {2}}), -1)
                  .ok());
  EXPECT_TRUE(watches_.WaitFor(znodes::PartitionStatePath("t", 1)));
  EXPECT_FALSE(watches_.Fired(znodes::PartitionStatePath("t", 0)));
  PutBroker(2, 9093);
  EXPECT_TRUE(watches_.WaitFor(std::string(znodes::kBrokerIds)));
  PutTopic("u", 1);
  EXPECT_TRUE(watches_.WaitFor(std::string(znodes::kTopics)));
  ASSERT_TRUE(zk_->SetData(znodes::TopicPath("t"), "{}", -1).ok());
  EXPECT_TRUE(watches_.WaitFor(znodes::TopicPath("t")));
  ASSERT_TRUE(zk_->Delete(znodes::BrokerPath(1)).ok());
  EXPECT_TRUE(watches_.WaitFor(znodes::BrokerPath(1)));

  // Re-read and re-armed: the new state is seen and watched.
  ClusterSnapshot snapshot = Read(true);
  EXPECT_EQ(snapshot.controller_id, 1);
  EXPECT_EQ(snapshot.brokers.size(), 1u);
  EXPECT_EQ(snapshot.topics.count("u"), 1u);
  EXPECT_EQ(snapshot.unreadable_topics.count("t"), 1u);
  ASSERT_TRUE(zk_->SetData(znodes::PartitionStatePath("u", 0),
                           znodes::EncodePartitionState({2, 1, 1, {2}}), -1)
                  .ok());
  EXPECT_TRUE(watches_.WaitFor(znodes::PartitionStatePath("u", 0)));
}

TEST_F(SnapshotReaderTest, BadNodesAreSkippedAndTheRestRead) {
  Put(std::string(znodes::kClusterId), "not json");
  Put(std::string(znodes::kController), "{", true);
  PutBroker(1, 9092);
  Put(znodes::BrokerPath(2), "garbage", true);
  Put(std::string(znodes::kBrokerIds) + "/not-an-id", "", true);
  PutTopic("good", 1);
  Put(znodes::TopicPath("bad-assignment"), "[1,2");
  Put(znodes::TopicPath("no-id"), znodes::EncodeTopicAssignment({Uuid{}, {{0, {1}}}}));
  Put(znodes::TopicPath("gap"),
      znodes::EncodeTopicAssignment({Uuid::Random(), {{0, {1}}, {2, {1}}}}));
  PutTopic("bad-config", 1);
  Put(znodes::TopicConfigPath("bad-config"), "{\"version\":1,\"config\":3}");
  PutTopic("bad-state", 2);
  ASSERT_TRUE(zk_->SetData(znodes::PartitionStatePath("bad-state", 1), "x", -1).ok());

  ClusterSnapshot snapshot = Read(true);
  EXPECT_EQ(snapshot.cluster_id, "");
  EXPECT_EQ(snapshot.controller_id, -1);
  ASSERT_EQ(snapshot.brokers.size(), 1u);
  EXPECT_EQ(snapshot.brokers.count(1), 1u);
  std::set<std::string> names;
  for (const auto& [name, topic] : snapshot.topics) names.insert(name);
  EXPECT_EQ(names, (std::set<std::string>{"bad-state", "good"}));
  EXPECT_EQ(snapshot.unreadable_topics,
            (std::set<std::string, std::less<>>{"bad-assignment", "bad-config", "gap", "no-id"}));
  const ClusterTopic& bad_state = snapshot.topics.at("bad-state");
  EXPECT_EQ(bad_state.partitions.at(0).state.leader, 1);
  EXPECT_EQ(bad_state.partitions.at(1).state.leader, -1);
}

// Forwards to a real client and runs a hook with the path after each Get and GetChildren,
// so that a test can change the tree between one read and the next.
class HookedClient final : public ZkClient {
 public:
  HookedClient(ZkClient& zk, std::function<void(const std::string&)> after_read)
      : zk_(zk), after_read_(std::move(after_read)) {}
  ZkStatus Create(const std::string& path, std::string_view data, bool ephemeral) override {
    return zk_.Create(path, data, ephemeral);
  }
  ZkStatus CreateRecursive(const std::string& path) override { return zk_.CreateRecursive(path); }
  ZkStatus Get(const std::string& path, std::string* data, ZkStat* stat, bool watch) override {
    ZkStatus read = zk_.Get(path, data, stat, watch);
    after_read_(path);
    return read;
  }
  ZkStatus Exists(const std::string& path, ZkStat* stat, bool watch) override {
    return zk_.Exists(path, stat, watch);
  }
  ZkStatus GetChildren(const std::string& path, std::vector<std::string>* children,
                       bool watch) override {
    ZkStatus listed = zk_.GetChildren(path, children, watch);
    after_read_(path);
    return listed;
  }
  ZkStatus SetData(const std::string& path, std::string_view data, int32_t version,
                   ZkStat* stat) override {
    return zk_.SetData(path, data, version, stat);
  }
  ZkStatus Delete(const std::string& path, int32_t version) override {
    return zk_.Delete(path, version);
  }
  ZkStatus Multi(std::span<const ZkOp> ops, size_t* failed_index) override {
    return zk_.Multi(ops, failed_index);
  }
  int64_t session_id() const override { return zk_.session_id(); }
  int session_timeout_ms() const override { return zk_.session_timeout_ms(); }
  std::string session_password() const override { return zk_.session_password(); }

 private:
  ZkClient& zk_;
  const std::function<void(const std::string&)> after_read_;
};

TEST_F(SnapshotReaderTest, NodesThatVanishBetweenTheListAndTheReadAreSkipped) {
  PutBroker(1, 9092);
  PutBroker(2, 9093);
  PutTopic("stays", 1);
  PutTopic("goes", 2);
  Put(znodes::TopicConfigPath("goes"), znodes::EncodeTopicConfig({{"retention.ms", "5"}}));
  Put(znodes::TopicConfigPath("stays"), znodes::EncodeTopicConfig({{"retention.ms", "6"}}));
  std::unique_ptr<ZkClient> other = Connect(nullptr);
  ASSERT_NE(other, nullptr);
  auto remove = [&](const std::string& path) { ASSERT_TRUE(other->Delete(path).ok()) << path; };
  HookedClient hooked(*zk_, [&](const std::string& listed) {
    if (listed == znodes::kBrokerIds) remove(znodes::BrokerPath(2));
    if (listed == znodes::kTopics) {
      // A topic deletion as a controller does it: its subtree, then its config.
      for (int32_t p : {0, 1}) {
        remove(znodes::PartitionStatePath("goes", p));
        remove(znodes::PartitionPath("goes", p));
      }
      remove(znodes::PartitionsPath("goes"));
      remove(znodes::TopicPath("goes"));
      remove(znodes::TopicConfigPath("goes"));
      remove(znodes::TopicConfigPath("stays"));
    }
  });

  Result<ClusterSnapshot> snapshot = ReadClusterSnapshot(hooked, true);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(snapshot->brokers.size(), 1u);
  EXPECT_EQ(snapshot->brokers.count(1), 1u);
  ASSERT_EQ(snapshot->topics.size(), 1u);
  EXPECT_TRUE(snapshot->topics.at("stays").configs.empty());
  EXPECT_TRUE(snapshot->unreadable_topics.empty());
}

// A reassignment as the controller writes it: the assignment and the partition's state in
// one multi, so that the state's version (the partition epoch) names the new replicas.
void Move(ZkClient& zk, const std::string& topic, Uuid id, std::vector<int32_t> replicas) {
  znodes::TopicAssignment assignment{.topic_id = id, .partitions = {{0, std::move(replicas)}}};
  const std::vector<ZkOp> ops = {
      ZkOp::SetData(znodes::TopicPath(topic), znodes::EncodeTopicAssignment(assignment)),
      ZkOp::SetData(znodes::PartitionStatePath(topic, 0),
                    znodes::EncodePartitionState({1, 0, 1, {1}}))};
  ASSERT_TRUE(zk.Multi(ops).ok());
}

TEST_F(SnapshotReaderTest, StatesAreReadWithTheAssignmentTheyWereWrittenWith) {
  const Uuid id = PutTopic("orders", 1);
  std::unique_ptr<ZkClient> other = Connect(nullptr);
  ASSERT_NE(other, nullptr);
  // The move lands between the read of the assignment and that of the state: the reader
  // must not pair the old replicas [1, 2] with the new state's epoch.
  bool moved = false;
  HookedClient hooked(*zk_, [&](const std::string& path) {
    if (path != znodes::TopicPath("orders") || moved) return;
    moved = true;
    Move(*other, "orders", id, {1, 2, 3});
  });

  Result<ClusterSnapshot> snapshot = ReadClusterSnapshot(hooked, true);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  ASSERT_TRUE(moved);
  const ClusterPartition& partition = snapshot->topics.at("orders").partitions.at(0);
  EXPECT_EQ(partition.replicas, (std::vector<int32_t>{1, 2, 3}));
  EXPECT_EQ(partition.partition_epoch, 1);
  EXPECT_TRUE(snapshot->unreadable_topics.empty());
}

TEST_F(SnapshotReaderTest, ATopicThatNeverHoldsStillIsUnreadable) {
  const Uuid id = PutTopic("busy", 1);
  PutTopic("calm", 1);
  std::unique_ptr<ZkClient> other = Connect(nullptr);
  ASSERT_NE(other, nullptr);
  int moves = 0;
  HookedClient hooked(*zk_, [&](const std::string& path) {
    if (path != znodes::TopicPath("busy")) return;
    Move(*other, "busy", id, {1, 2, 3 + ++moves});
  });

  Result<ClusterSnapshot> snapshot = ReadClusterSnapshot(hooked, true);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_GT(moves, 1);
  EXPECT_FALSE(snapshot->topics.contains("busy"));
  EXPECT_EQ(snapshot->unreadable_topics, (std::set<std::string, std::less<>>{"busy"}));
  EXPECT_TRUE(snapshot->topics.contains("calm"));
  // Its watch fired: once it holds still, the next read has it.
  ASSERT_TRUE(watches_.WaitFor(znodes::TopicPath("busy")));
  EXPECT_EQ(Read(false).topics.at("busy").partitions.at(0).replicas,
            (std::vector<int32_t>{1, 2, 3 + moves}));
}

TEST_F(SnapshotReaderTest, ALostSessionFailsTheRead) {
  PutTopic("t", 1);
  ASSERT_TRUE(ExpireSession(*zk_, connect_).ok());
  Result<ClusterSnapshot> snapshot = ReadClusterSnapshot(*zk_, true);
  ASSERT_FALSE(snapshot.ok());
  EXPECT_TRUE(snapshot.status().IsBusy()) << snapshot.status().ToString();
}

}  // namespace
}  // namespace ringlog::testing
