// The committed-offsets store over the partitions of __consumer_offsets, on every backend:
// groups land in their own partitions, a reopen replays them all, an old data dir with a
// one-partition topic still works, unloading a partition forgets its groups until it is
// loaded again, and a store that may not create the topic never does.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/clock.h"
#include "engine/group/group_partition.h"
#include "engine/group/offset_record.h"
#include "engine/group/offset_store.h"
#include "engine/log/internal_topics.h"
#include "engine/log/log_manager.h"
#include "engine/log/record_batch_builder.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {
namespace {

const PartitionId kT0{"t", 0};
constexpr int32_t kPartitions = 8;

class OffsetStorePartitionsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { OpenLogs(); }
  void TearDown() override { Close(); }

  static OffsetStoreOptions Options(bool create_topic = true) {
    OffsetStoreOptions options;
    options.offsets_topic_num_partitions = kPartitions;
    options.create_topic = create_topic;
    return options;
  }

  void OpenLogs() {
    LogOptions defaults;
    defaults.replicated = replicated_;
    const Status opened =
        OpenTestLogs(GetParam(), dir_.path(), defaults, &clock_, &backend_, &logs_);
    ASSERT_TRUE(opened.ok()) << opened.ToString();
  }

  void OpenStore(const OffsetStoreOptions& options) {
    store_.reset();
    Result<std::unique_ptr<OffsetStore>> store =
        OffsetStore::Open(logs_.get(), nullptr, &clock_, options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }

  void Close() {
    store_.reset();
    if (logs_ != nullptr) {
      EXPECT_TRUE(logs_->Close().ok());
    }
    logs_.reset();
    backend_.reset();
  }

  void Reopen(const OffsetStoreOptions& options) {
    Close();
    OpenLogs();
    OpenStore(options);
  }

  Status Commit(const std::string& group, Offset offset) {
    std::optional<Status> result;
    store_->Commit(group, {{kT0, CommittedOffset{offset, -1, std::nullopt, 7}}},
                   [&](Status s) { result = std::move(s); });
    EXPECT_TRUE(result.has_value()) << "commit not acknowledged";
    return result.value_or(Status::IOError("no answer"));
  }

  std::optional<Offset> Committed(const std::string& group) const {
    std::optional<CommittedOffset> committed = store_->Get(group, kT0);
    return committed ? std::optional<Offset>(committed->offset) : std::nullopt;
  }

  Offset EndOf(int32_t partition) const {
    std::shared_ptr<PartitionLog> log =
        logs_->GetPartition(PartitionId{std::string(kConsumerOffsetsTopic), partition});
    return log == nullptr ? -1 : log->next_offset();
  }

  // Groups named "group-<i>" until one sits in each of `count` distinct partitions.
  std::vector<std::string> GroupsInDistinctPartitions(size_t count) const {
    std::vector<std::string> groups;
    std::set<int32_t> seen;
    for (int i = 0; groups.size() < count; ++i) {
      std::string group = "group-" + std::to_string(i);
      if (seen.insert(OffsetsPartitionFor(group, kPartitions)).second) groups.push_back(group);
    }
    return groups;
  }

  ManualClock clock_{5'000'000};
  // The logs are a cluster broker's: their high watermark moves only by replication.
  bool replicated_ = false;
  TempDir dir_;
  std::unique_ptr<StorageBackend> backend_;
  std::unique_ptr<LogManager> logs_;
  std::unique_ptr<OffsetStore> store_;
};

TEST_P(OffsetStorePartitionsTest, EachGroupGoesToItsOwnPartition) {
  OpenStore(Options());
  const std::vector<std::string> groups = GroupsInDistinctPartitions(3);
  for (size_t i = 0; i < groups.size(); ++i) {
    ASSERT_TRUE(Commit(groups[i], static_cast<Offset>(10 + i)).ok());
  }
  ASSERT_EQ(logs_->GetTopic(kConsumerOffsetsTopic)->partitions, kPartitions);
  int32_t written = 0;
  for (int32_t p = 0; p < kPartitions; ++p) {
    if (EndOf(p) > 0) ++written;
  }
  EXPECT_EQ(written, 3) << "one partition per group";
  for (size_t i = 0; i < groups.size(); ++i) {
    EXPECT_EQ(store_->PartitionFor(groups[i]), OffsetsPartitionFor(groups[i], kPartitions));
    EXPECT_EQ(EndOf(store_->PartitionFor(groups[i])), 1) << groups[i];
    EXPECT_EQ(Committed(groups[i]), static_cast<Offset>(10 + i));
  }
}

TEST_P(OffsetStorePartitionsTest, AReopenReplaysEveryPartition) {
  OpenStore(Options());
  std::vector<std::string> groups;
  for (int i = 0; i < 20; ++i) groups.push_back(std::string("g").append(std::to_string(i)));
  for (size_t i = 0; i < groups.size(); ++i) {
    ASSERT_TRUE(Commit(groups[i], static_cast<Offset>(i)).ok());
  }
  ASSERT_TRUE(store_->DeleteGroup(groups[3]).ok());
  Reopen(Options());
  EXPECT_EQ(store_->num_partitions(), kPartitions);
  EXPECT_EQ(store_->Groups().size(), groups.size() - 1);
  for (size_t i = 0; i < groups.size(); ++i) {
    EXPECT_EQ(Committed(groups[i]), i == 3 ? std::nullopt : std::optional<Offset>(i)) << groups[i];
  }
}

TEST_P(OffsetStorePartitionsTest, AReplicatedLogIsReplayedToItsEndNotItsHighWatermark) {
  // A new coordinator loads what its log holds, as Kafka's does: the high watermark it
  // restarts with is only the last checkpoint, older than the commits it acknowledged.
  replicated_ = true;
  Reopen(Options());
  ASSERT_TRUE(Commit("g", 12).ok());
  const int32_t partition = store_->PartitionFor("g");
  ASSERT_EQ(EndOf(partition), 1);
  ASSERT_EQ(logs_->GetPartition(PartitionId{std::string(kConsumerOffsetsTopic), partition})
                ->high_watermark(),
            0)
      << "nothing replicated moved it";
  Reopen(Options());
  EXPECT_EQ(Committed("g"), 12);
}

TEST_P(OffsetStorePartitionsTest, AnOldDataDirWithOnePartitionStillWorks) {
  // What earlier versions wrote: every group's records in partition 0 of a 1-partition
  // topic.
  ASSERT_TRUE(logs_->CreateTopic(kConsumerOffsetsTopic, 1, {{"retention.ms", "-1"}}).ok());
  std::string batch =
      BuildRecordBatch({RecordData{EncodeOffsetKey({"old-a", kT0}),
                                   EncodeOffsetValue(CommittedOffset{41, -1, std::nullopt, 1}),
                                   1,
                                   {}},
                        RecordData{EncodeOffsetKey({"old-b", kT0}),
                                   EncodeOffsetValue(CommittedOffset{42, -1, "m", 1}),
                                   1,
                                   {}}});
  ASSERT_TRUE(
      logs_->GetPartition(PartitionId{std::string(kConsumerOffsetsTopic), 0})
          ->Append(std::span<uint8_t>(reinterpret_cast<uint8_t*>(batch.data()), batch.size()))
          .ok());
  Reopen(Options());
  EXPECT_EQ(store_->num_partitions(), 1) << "the existing topic keeps its count";
  EXPECT_EQ(store_->PartitionFor("old-a"), 0);
  EXPECT_EQ(Committed("old-a"), 41);
  EXPECT_EQ(Committed("old-b"), 42);
  ASSERT_TRUE(Commit("new", 43).ok());
  Reopen(Options());
  EXPECT_EQ(logs_->GetTopic(kConsumerOffsetsTopic)->partitions, 1);
  EXPECT_EQ(EndOf(0), 3);
  EXPECT_EQ(Committed("old-a"), 41);
  EXPECT_EQ(Committed("new"), 43);
}

TEST_P(OffsetStorePartitionsTest, AnUnloadedPartitionForgetsItsGroupsUntilLoadedAgain) {
  OpenStore(Options());
  const std::vector<std::string> groups = GroupsInDistinctPartitions(2);
  const std::string& moved = groups[0];
  const std::string& kept = groups[1];
  ASSERT_TRUE(Commit(moved, 5).ok());
  ASSERT_TRUE(Commit(kept, 6).ok());
  const int32_t partition = store_->PartitionFor(moved);
  ASSERT_TRUE(store_->Owns(moved));
  store_->UnloadPartition(partition);
  EXPECT_FALSE(store_->Owns(moved));
  EXPECT_FALSE(store_->IsLoaded(partition));
  EXPECT_TRUE(store_->Owns(kept));
  EXPECT_FALSE(Committed(moved).has_value());
  EXPECT_FALSE(store_->GetAllIfOwned(moved).has_value());
  EXPECT_EQ(store_->Groups(), std::vector<std::string>{kept});
  EXPECT_TRUE(Commit(moved, 7).IsNotFound()) << "not loaded here";
  EXPECT_TRUE(store_->DeleteGroup(moved).IsNotFound());
  EXPECT_EQ(EndOf(partition), 1) << "nothing written to an unloaded partition";

  ASSERT_TRUE(store_->LoadPartition(partition).ok());
  EXPECT_TRUE(store_->Owns(moved));
  EXPECT_EQ(Committed(moved), 5);
  EXPECT_EQ(Committed(kept), 6);
  ASSERT_TRUE(store_->LoadPartition(partition).ok()) << "loading twice is harmless";
  ASSERT_TRUE(Commit(moved, 8).ok());
  EXPECT_EQ(Committed(moved), 8);
}

TEST_P(OffsetStorePartitionsTest, LoadingAPartitionOutsideTheTopicIsRefused) {
  OpenStore(Options());
  EXPECT_TRUE(store_->LoadPartition(kPartitions).IsInvalidArgument());
  EXPECT_TRUE(store_->LoadPartition(-1).IsInvalidArgument());
}

TEST_P(OffsetStorePartitionsTest, WithoutCreateTopicTheStoreNeverCreatesIt) {
  OpenStore(Options(/*create_topic=*/false));
  EXPECT_FALSE(store_->Owns("g"));
  EXPECT_TRUE(Commit("g", 1).IsNotFound());
  EXPECT_TRUE(store_->LoadPartition(store_->PartitionFor("g")).IsNotFound());
  EXPECT_FALSE(logs_->GetTopic(kConsumerOffsetsTopic).ok()) << "the controller creates it";

  // The controller made the topic; this broker leads one partition of it.
  ASSERT_TRUE(logs_->CreateTopic(kConsumerOffsetsTopic, kPartitions, {}).ok());
  const std::vector<std::string> groups = GroupsInDistinctPartitions(2);
  ASSERT_TRUE(store_->LoadPartition(store_->PartitionFor(groups[0])).ok());
  EXPECT_TRUE(store_->Owns(groups[0]));
  EXPECT_FALSE(store_->Owns(groups[1]));
  ASSERT_TRUE(Commit(groups[0], 3).ok());
  EXPECT_TRUE(Commit(groups[1], 4).IsNotFound());

  // A reopen loads nothing until told.
  Reopen(Options(/*create_topic=*/false));
  EXPECT_FALSE(store_->Owns(groups[0]));
  ASSERT_TRUE(store_->LoadPartition(store_->PartitionFor(groups[0])).ok());
  EXPECT_EQ(Committed(groups[0]), 3);
}

TEST_P(OffsetStorePartitionsTest, SnapshotsArePerPartition) {
  OffsetStoreOptions options = Options();
  options.compact_min_records = 10;
  OpenStore(options);
  const std::vector<std::string> groups = GroupsInDistinctPartitions(2);
  const std::string& busy = groups[0];
  const std::string& quiet = groups[1];
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(Commit(busy, i).ok());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Commit(quiet, i).ok());
  ASSERT_TRUE(store_->MaybeCompact().ok());
  std::shared_ptr<PartitionLog> busy_log = logs_->GetPartition(
      PartitionId{std::string(kConsumerOffsetsTopic), store_->PartitionFor(busy)});
  std::shared_ptr<PartitionLog> quiet_log = logs_->GetPartition(
      PartitionId{std::string(kConsumerOffsetsTopic), store_->PartitionFor(quiet)});
  EXPECT_EQ(busy_log->log_start_offset(), 30) << "the busy partition took a snapshot";
  EXPECT_EQ(quiet_log->log_start_offset(), 0) << "the quiet one had too few records";
  EXPECT_EQ(store_->log_records(), 1 + 5);
  Reopen(options);
  EXPECT_EQ(Committed(busy), 29);
  EXPECT_EQ(Committed(quiet), 4);
  EXPECT_EQ(store_->log_records(), 1 + 5);
}

INSTANTIATE_TEST_SUITE_P(Backends, OffsetStorePartitionsTest,
                         ::testing::ValuesIn(AllTestBackends()), BackendParamName());

}  // namespace
}  // namespace ringlog::testing
