// The transaction state log on every backend: entries and removals survive a reopen, ids
// land in Kafka's partition, the topic appears on first write (or never, in a cluster),
// snapshots keep the log small, and records the store cannot read are skipped.
#include "engine/txn/txn_state_store.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "engine/clock.h"
#include "engine/group/group_partition.h"
#include "engine/log/internal_topics.h"
#include "engine/log/log_manager.h"
#include "engine/log/record_batch_builder.h"
#include "engine/txn/txn_record.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {
namespace {

constexpr int32_t kPartitions = 3;

TxnLogEntry Entry(int64_t producer_id, TxnState state) {
  TxnLogEntry entry;
  entry.producer_id = producer_id;
  entry.producer_epoch = 1;
  entry.transaction_timeout_ms = 1000;
  entry.state = state;
  if (state == TxnState::kOngoing) entry.partitions = {{"t", 0}};
  entry.last_update_timestamp = 10;
  return entry;
}

class TxnStateStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { Open(); }
  void TearDown() override { Close(); }

  void Open(TxnStateStoreOptions options = Options()) {
    const Status opened = OpenTestLogs(GetParam(), dir_.path(), {}, &clock_, &backend_, &logs_);
    ASSERT_TRUE(opened.ok()) << opened.ToString();
    Result<std::unique_ptr<TxnStateStore>> store =
        TxnStateStore::Open(logs_.get(), nullptr, &clock_, options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }

  static TxnStateStoreOptions Options() {
    TxnStateStoreOptions options;
    options.num_partitions = kPartitions;
    return options;
  }

  void Close() {
    store_.reset();
    if (logs_ != nullptr) {
      EXPECT_TRUE(logs_->Close().ok());
    }
    logs_.reset();
    backend_.reset();
  }

  TxnStateStore::Entries Load(int32_t partition) {
    Result<TxnStateStore::Entries> entries = store_->LoadPartition(partition);
    EXPECT_TRUE(entries.ok()) << entries.status().ToString();
    return entries.ok() ? *entries : TxnStateStore::Entries();
  }

  void LoadAll() {
    for (int32_t p = 0; p < kPartitions; ++p) Load(p);
  }

  Status Write(const std::string& id, const std::optional<TxnLogEntry>& entry) {
    std::optional<Status> result;
    store_->Write(id, entry, [&](Status s) { result = std::move(s); });
    EXPECT_TRUE(result.has_value()) << "write not acknowledged";
    return result.value_or(Status::Busy("no answer"));
  }

  ManualClock clock_{5'000'000};
  TempDir dir_;
  std::unique_ptr<StorageBackend> backend_;
  std::unique_ptr<LogManager> logs_;
  std::unique_ptr<TxnStateStore> store_;
};

TEST_P(TxnStateStoreTest, TheTopicAppearsOnFirstWrite) {
  LoadAll();
  EXPECT_TRUE(logs_->ListTopics().empty());
  ASSERT_TRUE(Write("a", Entry(1, TxnState::kEmpty)).ok());
  Result<TopicInfo> topic = logs_->GetTopic(kTransactionStateTopic);
  ASSERT_TRUE(topic.ok());
  EXPECT_EQ(topic->partitions, kPartitions);
  EXPECT_EQ(topic->configs.at("retention.ms"), "-1");
  EXPECT_TRUE(IsInternalTopic(kTransactionStateTopic));
}

TEST_P(TxnStateStoreTest, IdsGoToKafkasPartition) {
  for (const char* id : {"a", "transactional-id-17", "zz"}) {
    EXPECT_EQ(store_->PartitionFor(id), OffsetsPartitionFor(id, kPartitions)) << id;
  }
}

TEST_P(TxnStateStoreTest, EntriesAndRemovalsSurviveReopen) {
  LoadAll();
  ASSERT_TRUE(Write("a", Entry(1, TxnState::kEmpty)).ok());
  ASSERT_TRUE(Write("a", Entry(1, TxnState::kOngoing)).ok());
  ASSERT_TRUE(Write("b", Entry(2, TxnState::kPrepareCommit)).ok());
  ASSERT_TRUE(Write("c", Entry(3, TxnState::kCompleteAbort)).ok());
  ASSERT_TRUE(Write("c", std::nullopt).ok());
  Close();
  Open();
  TxnStateStore::Entries all;
  for (int32_t p = 0; p < kPartitions; ++p) all.merge(Load(p));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all.at("a"), Entry(1, TxnState::kOngoing));
  EXPECT_EQ(all.at("b"), Entry(2, TxnState::kPrepareCommit));
  EXPECT_EQ(store_->live_entries(), 2u);
  EXPECT_EQ(store_->log_records(), 5);
}

TEST_P(TxnStateStoreTest, WritesToAPartitionNotLoadedFail) {
  EXPECT_TRUE(Write("a", Entry(1, TxnState::kEmpty)).IsNotFound());
  Load(store_->PartitionFor("a"));
  EXPECT_TRUE(store_->IsLoaded(store_->PartitionFor("a")));
  EXPECT_TRUE(Write("a", Entry(1, TxnState::kEmpty)).ok());
  store_->UnloadPartition(store_->PartitionFor("a"));
  EXPECT_TRUE(Write("a", Entry(1, TxnState::kEmpty)).IsNotFound());
  EXPECT_TRUE(store_->LoadPartition(kPartitions).status().IsInvalidArgument());
}

TEST_P(TxnStateStoreTest, AClusterStoreNeverCreatesTheTopic) {
  Close();
  TxnStateStoreOptions options = Options();
  options.create_topic = false;
  Open(options);
  EXPECT_TRUE(store_->LoadPartition(0).status().IsNotFound());
  ASSERT_TRUE(logs_->CreateTopic(kTransactionStateTopic, 2, {}).ok());
  EXPECT_TRUE(store_->LoadPartition(0).ok());
  EXPECT_EQ(store_->num_partitions(), 2) << "the existing topic's count wins";
}

TEST_P(TxnStateStoreTest, SnapshotsDropSupersededRecords) {
  Close();
  TxnStateStoreOptions options = Options();
  options.compact_min_records = 20;
  Open(options);
  LoadAll();
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(Write("a", Entry(1, i % 2 == 0 ? TxnState::kOngoing : TxnState::kEmpty)).ok());
  }
  ASSERT_TRUE(Write("b", Entry(2, TxnState::kCompleteCommit)).ok());
  ASSERT_TRUE(store_->MaybeCompact().ok());
  EXPECT_EQ(store_->log_records(), 2);
  std::shared_ptr<PartitionLog> log = logs_->GetPartition(
      PartitionId{std::string(kTransactionStateTopic), store_->PartitionFor("a")});
  ASSERT_NE(log, nullptr);
  EXPECT_GT(log->log_start_offset(), 0);
  Close();
  Open(options);
  TxnStateStore::Entries all;
  for (int32_t p = 0; p < kPartitions; ++p) all.merge(Load(p));
  EXPECT_EQ(all.at("a"), Entry(1, TxnState::kEmpty));
  EXPECT_EQ(all.at("b"), Entry(2, TxnState::kCompleteCommit));
}

TEST_P(TxnStateStoreTest, UnreadableRecordsAreSkipped) {
  LoadAll();
  ASSERT_TRUE(Write("a", Entry(1, TxnState::kEmpty)).ok());
  std::shared_ptr<PartitionLog> log = logs_->GetPartition(
      PartitionId{std::string(kTransactionStateTopic), store_->PartitionFor("a")});
  ASSERT_NE(log, nullptr);
  RecordData garbage;
  garbage.key = EncodeTxnKey("a");
  garbage.value = std::string("\0\7junk", 6);
  RecordData no_key;
  no_key.value = EncodeTxnValue(Entry(9, TxnState::kEmpty));
  std::string batch = BuildRecordBatch({garbage, no_key});
  ASSERT_TRUE(
      log->Append(std::span<uint8_t>(reinterpret_cast<uint8_t*>(batch.data()), batch.size())).ok());
  TxnStateStore::Entries entries = Load(store_->PartitionFor("a"));
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries.at("a"), Entry(1, TxnState::kEmpty));
}

INSTANTIATE_TEST_SUITE_P(Backends, TxnStateStoreTest, ::testing::ValuesIn(AllTestBackends()),
                         BackendParamName());

}  // namespace
}  // namespace ringlog::testing
