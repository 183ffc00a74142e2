// LocalReplicas on every backend: the local topics follow the cluster's (ids, partitions,
// configs), deleted and re-created topics are deleted locally, unreadable ones are left
// alone, a second Apply of the same snapshot changes nothing, the group coordinator
// serves the offsets partitions this broker leads, and the transaction coordinator the
// transaction state partitions it leads, at their leader epochs.
#include "net/cluster/local_replicas.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/clock.h"
#include "engine/group/group_coordinator.h"
#include "engine/group/offset_store.h"
#include "engine/log/log_manager.h"
#include "engine/log/record_batch_builder.h"
#include "engine/producer/producer_id_allocator.h"
#include "engine/txn/transaction_coordinator.h"
#include "engine/txn/txn_state_store.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {
namespace {

constexpr int32_t kSelf = 1;
constexpr TimestampMs kStart = 1'700'000'000'000;

ClusterTopic Topic(const Uuid& id, int32_t partitions, ConfigMap configs = {}) {
  ClusterTopic topic;
  topic.id = id;
  for (int32_t p = 0; p < partitions; ++p) {
    topic.partitions.push_back({{kSelf}, {kSelf, 0, 1, {kSelf}}});
  }
  topic.configs = std::move(configs);
  return topic;
}

class LocalReplicasTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    Open();
    snapshot_.cluster_id = "cluster";
  }

  void TearDown() override {
    if (logs_ != nullptr) {
      EXPECT_TRUE(logs_->Close().ok());
    }
  }

  void Open() {
    const Status opened =
        OpenTestLogs(GetParam(), dir_.Sub("data"), {}, &clock_, &backend_, &logs_);
    ASSERT_TRUE(opened.ok()) << opened.ToString();
    replicas_ = std::make_unique<LocalReplicas>(kSelf, logs_.get(), nullptr);
  }

  void Restart() {
    replicas_.reset();
    ASSERT_TRUE(logs_->Close().ok());
    logs_.reset();
    backend_.reset();
    Open();
  }

  void Apply() {
    Status applied = replicas_->Apply(snapshot_);
    ASSERT_TRUE(applied.ok()) << applied.ToString();
  }

  // Appends `count` records to partition `p` of `topic`.
  void Write(const std::string& topic, int32_t p, int count) {
    std::shared_ptr<PartitionLog> log = logs_->GetPartition({topic, p});
    ASSERT_NE(log, nullptr);
    std::string batch = BuildUniformBatch(count, "v", kStart);
    ASSERT_TRUE(log->Append({reinterpret_cast<uint8_t*>(batch.data()), batch.size()}).ok());
  }

  Offset NextOffset(const std::string& topic, int32_t p) {
    std::shared_ptr<PartitionLog> log = logs_->GetPartition({topic, p});
    return log == nullptr ? -1 : log->next_offset();
  }

  TempDir dir_;
  ManualClock clock_{kStart};
  std::unique_ptr<StorageBackend> backend_;
  std::unique_ptr<LogManager> logs_;
  std::unique_ptr<LocalReplicas> replicas_;
  ClusterSnapshot snapshot_;
};

TEST_P(LocalReplicasTest, EveryTopicOfTheClusterIsMadeWithItsIdPartitionsAndConfigs) {
  const Uuid a = Uuid::Random();
  const Uuid offsets = Uuid::Random();
  snapshot_.topics["a"] = Topic(a, 3, {{"retention.ms", "1000"}});
  snapshot_.topics["__consumer_offsets"] = Topic(offsets, 4);
  Apply();
  Result<TopicInfo> info = logs_->GetTopic("a");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->id, a);
  EXPECT_EQ(info->partitions, 3);
  EXPECT_EQ(info->configs, (ConfigMap{{"retention.ms", "1000"}}));
  EXPECT_EQ(logs_->TopicId("__consumer_offsets"), offsets);
  EXPECT_EQ(logs_->GetTopic("__consumer_offsets")->partitions, 4);
}

TEST_P(LocalReplicasTest, ASecondApplyChangesNothingAlsoAfterARestart) {
  snapshot_.topics["a"] = Topic(Uuid::Random(), 2, {{"retention.ms", "1000"}});
  Apply();
  Write("a", 1, 5);
  std::shared_ptr<PartitionLog> before = logs_->GetPartition({"a", 1});
  Apply();
  EXPECT_EQ(logs_->GetPartition({"a", 1}), before);
  EXPECT_EQ(NextOffset("a", 1), 5);

  before.reset();
  Restart();
  Apply();
  EXPECT_EQ(NextOffset("a", 1), 5);
  EXPECT_EQ(logs_->TopicId("a"), snapshot_.topics.at("a").id);
}

TEST_P(LocalReplicasTest, PartitionsGrowAndConfigsFollowTheCluster) {
  snapshot_.topics["a"] = Topic(Uuid::Random(), 1, {{"retention.ms", "1000"}});
  Apply();
  Write("a", 0, 3);
  ClusterTopic& a = snapshot_.topics.at("a");
  a.partitions.push_back(a.partitions[0]);
  a.partitions.push_back(a.partitions[0]);
  a.configs = {{"segment.bytes", "1048576"}};
  Apply();
  Result<TopicInfo> info = logs_->GetTopic("a");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->partitions, 3);
  EXPECT_EQ(info->configs, (ConfigMap{{"segment.bytes", "1048576"}}));
  EXPECT_EQ(NextOffset("a", 0), 3);
  EXPECT_EQ(NextOffset("a", 2), 0);

  a.configs.clear();
  Apply();
  EXPECT_TRUE(logs_->GetTopic("a")->configs.empty());
}

TEST_P(LocalReplicasTest, TopicsGoneFromTheClusterOrReCreatedThereAreDeletedLocally) {
  snapshot_.topics["gone"] = Topic(Uuid::Random(), 1);
  snapshot_.topics["recreated"] = Topic(Uuid::Random(), 2);
  snapshot_.topics["kept"] = Topic(Uuid::Random(), 1);
  Apply();
  Write("recreated", 0, 4);
  Write("kept", 0, 2);
  // A topic of this broker's own from before it joined, unknown to the cluster.
  ASSERT_TRUE(logs_->CreateTopic("local-only", 1, {}).ok());

  snapshot_.topics.erase("gone");
  const Uuid new_id = Uuid::Random();
  snapshot_.topics["recreated"] = Topic(new_id, 1);
  Apply();
  EXPECT_FALSE(logs_->GetTopic("gone").ok());
  EXPECT_FALSE(logs_->GetTopic("local-only").ok());
  EXPECT_EQ(logs_->TopicId("recreated"), new_id);
  EXPECT_EQ(logs_->GetTopic("recreated")->partitions, 1);
  EXPECT_EQ(NextOffset("recreated", 0), 0) << "the old topic's records are gone";
  EXPECT_EQ(NextOffset("kept", 0), 2);
  std::vector<std::string> names;
  for (const TopicInfo& info : logs_->ListTopics()) names.push_back(info.name);
  EXPECT_EQ(names, (std::vector<std::string>{"kept", "recreated"}));
}

TEST_P(LocalReplicasTest, AnUnreadableTopicIsLeftAsItIs) {
  snapshot_.topics["bad"] = Topic(Uuid::Random(), 2, {{"retention.ms", "1000"}});
  Apply();
  Write("bad", 0, 3);
  const Uuid id = snapshot_.topics.at("bad").id;
  snapshot_.topics.erase("bad");
  snapshot_.unreadable_topics.insert("bad");
  snapshot_.unreadable_topics.insert("never-seen");
  Apply();
  Result<TopicInfo> info = logs_->GetTopic("bad");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->id, id);
  EXPECT_EQ(info->configs, (ConfigMap{{"retention.ms", "1000"}}));
  EXPECT_EQ(NextOffset("bad", 0), 3);
  EXPECT_FALSE(logs_->GetTopic("never-seen").ok());
}

TEST_P(LocalReplicasTest, ASnapshotNeverReadIsRefusedAndTouchesNothing) {
  ASSERT_TRUE(logs_->CreateTopic("mine", 1, {}).ok());
  EXPECT_TRUE(replicas_->Apply(ClusterSnapshot{}).IsInvalidArgument());
  EXPECT_TRUE(logs_->GetTopic("mine").ok());
}

TEST_P(LocalReplicasTest, AFailedChangeDoesNotStopTheOthersAndIsRetried) {
  snapshot_.topics["a"] = Topic(Uuid::Random(), 1, {{"retention.ms", "not-a-number"}});
  snapshot_.topics["b"] = Topic(Uuid::Random(), 2);
  EXPECT_TRUE(replicas_->Apply(snapshot_).IsInvalidArgument());
  EXPECT_FALSE(logs_->GetTopic("a").ok());
  EXPECT_EQ(logs_->GetTopic("b")->partitions, 2);

  snapshot_.topics.at("a").configs = {{"retention.ms", "5"}};
  Apply();
  EXPECT_EQ(logs_->GetTopic("a")->configs, (ConfigMap{{"retention.ms", "5"}}));
}

INSTANTIATE_TEST_SUITE_P(Backends, LocalReplicasTest, ::testing::ValuesIn(AllTestBackends()),
                         BackendParamName());

// The same with a group coordinator whose offsets store never creates the topic (a
// cluster's): the coordinator serves exactly the groups of the offsets partitions this
// broker leads, and a group's offsets follow its partition's leadership.
class LocalReplicasGroupsTest : public LocalReplicasTest {
 protected:
  static constexpr int32_t kOffsetsPartitions = 4;

  void SetUp() override {
    LocalReplicasTest::SetUp();
    OffsetStoreOptions options;
    options.create_topic = false;
    options.offsets_topic_num_partitions = kOffsetsPartitions;
    auto store = OffsetStore::Open(logs_.get(), nullptr, &clock_, options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    groups_ =
        std::make_unique<GroupCoordinator>(std::move(*store), &clock_, GroupCoordinatorOptions());
    replicas_ = std::make_unique<LocalReplicas>(kSelf, logs_.get(), groups_.get());
    snapshot_.topics["__consumer_offsets"] = Topic(Uuid::Random(), kOffsetsPartitions);
  }

  void TearDown() override {
    replicas_.reset();
    groups_.reset();
    LocalReplicasTest::TearDown();
  }

  // Makes `leader` the leader of offsets partition `p`, at a new leader epoch.
  void Lead(int32_t p, int32_t leader) {
    znodes::PartitionState& state =
        snapshot_.topics.at("__consumer_offsets").partitions.at(p).state;
    state = {leader, state.leader_epoch + 1, state.controller_epoch, {leader}};
  }

  // A group that lives in offsets partition `p`.
  std::string GroupIn(int32_t p) {
    for (int i = 0;; ++i) {
      std::string group = "group-" + std::to_string(i);
      if (groups_->PartitionFor(group) == p) return group;
    }
  }

  // The partitions whose groups the coordinator serves.
  std::vector<int32_t> Served() {
    std::vector<int32_t> served;
    for (int32_t p = 0; p < kOffsetsPartitions; ++p) {
      if (groups_->Owns(GroupIn(p))) served.push_back(p);
    }
    return served;
  }

  GroupError Commit(const std::string& group, Offset offset) {
    OffsetCommitParams params;
    params.group_id = group;
    params.offsets[PartitionId{"a", 0}] = CommittedOffset{offset, -1, std::nullopt, kStart};
    std::optional<GroupError> error;
    groups_->CommitOffsets(params, [&](const std::map<PartitionId, GroupError>& outcome) {
      error = outcome.at(PartitionId{"a", 0});
    });
    return error.value_or(GroupError::kCoordinatorNotAvailable);
  }

  std::unique_ptr<GroupCoordinator> groups_;
};

TEST_P(LocalReplicasGroupsTest, TheCoordinatorServesThePartitionsThisBrokerLeads) {
  Lead(0, kSelf);
  Lead(1, 2);
  Lead(2, kSelf);
  Lead(3, -1);
  Apply();
  EXPECT_EQ(Served(), (std::vector<int32_t>{0, 2}));

  Lead(0, 2);
  Lead(1, kSelf);
  Lead(3, kSelf);
  Apply();
  EXPECT_EQ(Served(), (std::vector<int32_t>{1, 2, 3}));
  Apply();
  EXPECT_EQ(Served(), (std::vector<int32_t>{1, 2, 3}));

  replicas_->UnloadAllGroups();
  EXPECT_EQ(Served(), (std::vector<int32_t>{}));
  Apply();
  EXPECT_EQ(Served(), (std::vector<int32_t>{1, 2, 3}));

  snapshot_.topics.erase("__consumer_offsets");
  Apply();
  EXPECT_EQ(Served(), (std::vector<int32_t>{}));
}

TEST_P(LocalReplicasGroupsTest, AGroupsOffsetsFollowItsPartitionsLeadership) {
  snapshot_.topics["a"] = Topic(Uuid::Random(), 1);
  Lead(1, kSelf);
  Apply();
  const std::string group = GroupIn(1);
  ASSERT_EQ(Commit(group, 42), GroupError::kNone);

  Lead(1, 2);
  Apply();
  EXPECT_FALSE(groups_->Owns(group));
  EXPECT_NE(Commit(group, 43), GroupError::kNone);

  Lead(1, kSelf);
  Apply();
  ASSERT_TRUE(groups_->Owns(group));
  std::optional<CommittedOffset> offset = groups_->FetchOffset(group, {"a", 0});
  ASSERT_TRUE(offset.has_value());
  EXPECT_EQ(offset->offset, 42);
}

INSTANTIATE_TEST_SUITE_P(Backends, LocalReplicasGroupsTest, ::testing::ValuesIn(AllTestBackends()),
                         BackendParamName());

// Completes every marker request at once, remembering each.
class RecordingMarkerWriter final : public TxnMarkerWriter {
 public:
  void WriteMarkers(TxnMarkerRequest request, std::function<void()> done) override {
    requests.push_back(std::move(request));
    done();
  }
  std::vector<TxnMarkerRequest> requests;
};

// The same with a transaction coordinator whose store never creates the topic (a
// cluster's): it serves exactly the transaction state partitions this broker leads, with
// each partition's leader epoch as the coordinator epoch of its markers.
class LocalReplicasTransactionsTest : public LocalReplicasTest {
 protected:
  static constexpr int32_t kStatePartitions = 3;

  void SetUp() override {
    LocalReplicasTest::SetUp();
    auto ids = ProducerIdAllocator::Open(backend_.get());
    ASSERT_TRUE(ids.ok()) << ids.status().ToString();
    ids_ = std::move(*ids);
    TxnStateStoreOptions options;
    options.create_topic = false;
    options.num_partitions = kStatePartitions;
    auto store = TxnStateStore::Open(logs_.get(), nullptr, &clock_, options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    txns_ = std::make_unique<TransactionCoordinator>(
        std::move(*store), ids_.get(), &markers_, [](std::string_view) { return 0; }, &clock_,
        TransactionCoordinatorOptions());
    replicas_ = std::make_unique<LocalReplicas>(kSelf, logs_.get(), nullptr, txns_.get());
    snapshot_.topics["__transaction_state"] = Topic(Uuid::Random(), kStatePartitions);
    snapshot_.topics["a"] = Topic(Uuid::Random(), 1);
  }

  void TearDown() override {
    replicas_.reset();
    txns_.reset();
    LocalReplicasTest::TearDown();
  }

  // Makes `leader` the leader of state partition `p`, at a new leader epoch.
  void Lead(int32_t p, int32_t leader) {
    znodes::PartitionState& state =
        snapshot_.topics.at("__transaction_state").partitions.at(p).state;
    state = {leader, state.leader_epoch + 1, state.controller_epoch, {leader}};
  }
  int32_t LeaderEpoch(int32_t p) {
    return snapshot_.topics.at("__transaction_state").partitions.at(p).state.leader_epoch;
  }

  std::vector<int32_t> Loaded() {
    std::vector<int32_t> loaded;
    for (int32_t p = 0; p < kStatePartitions; ++p) {
      if (txns_->IsLoaded(p)) loaded.push_back(p);
    }
    return loaded;
  }

  // A transactional id that lives in state partition `p`.
  std::string IdIn(int32_t p) {
    for (int i = 0;; ++i) {
      std::string id = "txn-" + std::to_string(i);
      if (txns_->PartitionFor(id) == p) return id;
    }
  }

  // Runs one committed transaction of `id` on partition a-0; the coordinator epoch of its
  // markers, or -1 when something was refused.
  int32_t CommitOne(const std::string& id) {
    InitProducerIdParams init;
    init.transactional_id = id;
    InitProducerIdResult producer;
    txns_->InitProducerId(init, [&](const InitProducerIdResult& r) { producer = r; });
    if (producer.error != TxnError::kNone) return -1;
    AddPartitionsParams add{id, producer.producer_id, producer.producer_epoch, {{"a", 0}}};
    TxnError added = TxnError::kCoordinatorNotAvailable;
    txns_->AddPartitions(add, [&](TxnError e) { added = e; });
    if (added != TxnError::kNone) return -1;
    const size_t before = markers_.requests.size();
    TxnError ended = TxnError::kCoordinatorNotAvailable;
    txns_->EndTxn({id, producer.producer_id, producer.producer_epoch, /*commit=*/true},
                  [&](TxnError e) { ended = e; });
    if (ended != TxnError::kNone || markers_.requests.size() != before + 1) return -1;
    EXPECT_EQ(markers_.requests.back().type, ControlType::kCommit);
    return markers_.requests.back().coordinator_epoch;
  }

  RecordingMarkerWriter markers_;
  std::unique_ptr<ProducerIdAllocator> ids_;
  std::unique_ptr<TransactionCoordinator> txns_;
};

TEST_P(LocalReplicasTransactionsTest, TheCoordinatorServesThePartitionsThisBrokerLeads) {
  Lead(0, kSelf);
  Lead(1, 2);
  Lead(2, -1);
  Apply();
  EXPECT_EQ(Loaded(), (std::vector<int32_t>{0}));

  Lead(0, 2);
  Lead(1, kSelf);
  Lead(2, kSelf);
  Apply();
  EXPECT_EQ(Loaded(), (std::vector<int32_t>{1, 2}));

  snapshot_.topics.erase("__transaction_state");
  Apply();
  EXPECT_EQ(Loaded(), (std::vector<int32_t>{}));
}

TEST_P(LocalReplicasTransactionsTest, MarkersCarryTheLeaderEpochOfTheStatePartition) {
  Lead(1, kSelf);
  Apply();
  const std::string id = IdIn(1);
  EXPECT_EQ(CommitOne(id), LeaderEpoch(1));

  // Another broker leads for a term, then this one again, at a higher epoch: the
  // partition is loaded again with it, and the id's state survived in the log.
  Lead(1, 2);
  Apply();
  InitProducerIdParams init;
  init.transactional_id = id;
  TxnError elsewhere = TxnError::kNone;
  txns_->InitProducerId(init, [&](const InitProducerIdResult& r) { elsewhere = r.error; });
  EXPECT_EQ(elsewhere, TxnError::kNotCoordinator);
  Lead(1, kSelf);
  Apply();
  EXPECT_EQ(txns_->DescribeTransaction(id).state, TxnState::kCompleteCommit);
  EXPECT_EQ(CommitOne(id), LeaderEpoch(1));
  EXPECT_EQ(LeaderEpoch(1), 3);
}

INSTANTIATE_TEST_SUITE_P(Backends, LocalReplicasTransactionsTest,
                         ::testing::ValuesIn(AllTestBackends()), BackendParamName());

}  // namespace
}  // namespace ringlog::testing
