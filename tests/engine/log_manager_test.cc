// LogManager on every backend: topic lifecycle, configs, persistence and the clean-up of
// partitions that an interrupted deletion left behind.
#include "engine/log/log_manager.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "engine/log/record_batch_builder.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {
namespace {

constexpr TimestampMs kStart = 1'700'000'000'000;

Status AppendRecords(PartitionLog& log, int count, TimestampMs ts) {
  std::string batch = BuildUniformBatch(count, std::string(100, 'x'), ts);
  return log.Append({reinterpret_cast<uint8_t*>(batch.data()), batch.size()}).status();
}

class LogManagerTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    const Status opened =
        OpenTestLogs(GetParam(), dir_.Sub("data"), defaults_, &clock_, &backend_, &manager_);
    ASSERT_TRUE(opened.ok()) << opened.ToString();
  }

  void Restart() {
    ASSERT_TRUE(manager_->Close().ok());
    manager_.reset();
    backend_.reset();
    Open();
  }

  std::vector<PartitionId> StoredPartitions() {
    auto ids = backend_->ListPartitions();
    EXPECT_TRUE(ids.ok()) << ids.status().ToString();
    if (!ids.ok()) return {};
    std::sort(ids->begin(), ids->end());
    return *ids;
  }

  TempDir dir_;
  ManualClock clock_{kStart};
  LogOptions defaults_;
  std::unique_ptr<StorageBackend> backend_;
  std::unique_ptr<LogManager> manager_;
};

TEST_P(LogManagerTest, CreatesDescribesAndDeletesTopics) {
  ASSERT_TRUE(manager_->CreateTopic("payments", 3, {{"retention.ms", "1000"}}).ok());
  ASSERT_TRUE(manager_->CreateTopic("audit.log-v2_x", 1, {}).ok());
  EXPECT_TRUE(manager_->CreateTopic("payments", 1, {}).IsAlreadyExists());

  auto info = manager_->GetTopic("payments");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->partitions, 3);
  EXPECT_EQ(info->configs, (ConfigMap{{"retention.ms", "1000"}}));
  auto topics = manager_->ListTopics();
  ASSERT_EQ(topics.size(), 2u);
  EXPECT_EQ(topics[0].name, "audit.log-v2_x");
  EXPECT_EQ(topics[1].name, "payments");

  auto p2 = manager_->GetPartition({"payments", 2});
  ASSERT_NE(p2, nullptr);
  EXPECT_EQ(p2->options().retention_ms, 1000);
  EXPECT_EQ(p2->options().segment_bytes, defaults_.segment_bytes);
  EXPECT_EQ(manager_->GetPartition({"payments", 3}), nullptr);
  EXPECT_EQ(manager_->GetPartition({"payments", -1}), nullptr);
  EXPECT_EQ(manager_->GetPartition({"nope", 0}), nullptr);
  ASSERT_TRUE(AppendRecords(*p2, 5, kStart).ok());
  EXPECT_EQ(StoredPartitions().size(), 4u);

  ASSERT_TRUE(manager_->DeleteTopic("payments").ok());
  EXPECT_TRUE(manager_->GetTopic("payments").status().IsNotFound());
  EXPECT_EQ(manager_->GetPartition({"payments", 2}), nullptr);
  EXPECT_TRUE(manager_->DeleteTopic("payments").IsNotFound());
  EXPECT_EQ(StoredPartitions(), (std::vector<PartitionId>{{"audit.log-v2_x", 0}}));

  // A topic created again under the same name starts empty.
  ASSERT_TRUE(manager_->CreateTopic("payments", 3, {}).ok());
  EXPECT_EQ(manager_->GetPartition({"payments", 2})->next_offset(), 0);
}

TEST_P(LogManagerTest, RefusesBadNamesCountsAndConfigsBeforeStoringAnything) {
  for (std::string bad : {std::string(), std::string("."), std::string(".."), std::string("a/b"),
                          std::string("sp ace"), std::string("h\xc3\xa9"), std::string(250, 'n')}) {
    EXPECT_TRUE(manager_->CreateTopic(bad, 1, {}).IsInvalidArgument()) << bad;
  }
  EXPECT_TRUE(ValidateTopicName(std::string(249, 'n')).ok());
  EXPECT_TRUE(ValidateTopicName("...").ok());
  EXPECT_TRUE(manager_->CreateTopic("t", 0, {}).IsInvalidArgument());
  EXPECT_TRUE(manager_->CreateTopic("t", -3, {}).IsInvalidArgument());
  EXPECT_TRUE(manager_->CreateTopic("t", kMaxPartitionsPerTopic + 1, {}).IsInvalidArgument());
  EXPECT_TRUE(manager_->CreateTopic("t", 1, {{"no.such.config", "1"}}).IsInvalidArgument());
  EXPECT_TRUE(manager_->CreateTopic("t", 1, {{"segment.bytes", "lots"}}).IsInvalidArgument());
  EXPECT_TRUE(manager_->CreateTopic("t", 1, {{"segment.bytes", "5"}}).IsInvalidArgument());

  EXPECT_TRUE(manager_->ListTopics().empty());
  EXPECT_TRUE(StoredPartitions().empty());
  auto blobs = backend_->ListMeta("");
  ASSERT_TRUE(blobs.ok());
  EXPECT_TRUE(blobs->empty());
}

TEST_P(LogManagerTest, AltersConfigsOfEveryPartition) {
  ASSERT_TRUE(manager_->CreateTopic("t", 2, {{"retention.ms", "1000"}}).ok());
  ASSERT_TRUE(manager_->AlterTopicConfigs("t", {{"segment.bytes", "2048"}}).ok());
  for (int32_t p = 0; p < 2; ++p) {
    const LogOptions options = manager_->GetPartition({"t", p})->options();
    EXPECT_EQ(options.segment_bytes, 2048u);
    EXPECT_EQ(options.retention_ms, defaults_.retention_ms);  // the old override is gone
  }
  EXPECT_EQ(manager_->GetTopic("t")->configs, (ConfigMap{{"segment.bytes", "2048"}}));

  EXPECT_TRUE(manager_->AlterTopicConfigs("t", {{"retention.ms", "-7"}}).IsInvalidArgument());
  EXPECT_EQ(manager_->GetTopic("t")->configs, (ConfigMap{{"segment.bytes", "2048"}}));
  EXPECT_EQ(manager_->GetPartition({"t", 1})->options().segment_bytes, 2048u);
  EXPECT_TRUE(manager_->AlterTopicConfigs("nope", {}).IsNotFound());

  Restart();
  EXPECT_EQ(manager_->GetPartition({"t", 0})->options().segment_bytes, 2048u);
}

TEST_P(LogManagerTest, GrowsTopicsAndKeepsThemAcrossRestarts) {
  ASSERT_TRUE(manager_->CreateTopic("t", 2, {}).ok());
  EXPECT_TRUE(manager_->CreatePartitions("t", 2).IsInvalidArgument());
  EXPECT_TRUE(manager_->CreatePartitions("t", 1).IsInvalidArgument());
  EXPECT_TRUE(manager_->CreatePartitions("nope", 4).IsNotFound());
  ASSERT_TRUE(manager_->CreatePartitions("t", 5).ok());
  EXPECT_EQ(manager_->GetTopic("t")->partitions, 5);
  ASSERT_NE(manager_->GetPartition({"t", 4}), nullptr);
  ASSERT_TRUE(AppendRecords(*manager_->GetPartition({"t", 4}), 3, kStart).ok());

  Restart();
  EXPECT_EQ(manager_->GetTopic("t")->partitions, 5);
  EXPECT_EQ(manager_->GetPartition({"t", 4})->next_offset(), 3);
  EXPECT_EQ(StoredPartitions().size(), 5u);
}

TEST_P(LogManagerTest, PersistsTopicsConfigsAndData) {
  // Blanks and a tab survive the metadata's escaping (Kafka's parser trims them).
  const ConfigMap configs = {{"retention.ms", " 1000\t"},
                             {"message.timestamp.type", "LogAppendTime"},
                             {"segment.bytes", "4096"}};
  ASSERT_TRUE(manager_->CreateTopic("a", 2, configs).ok());
  ASSERT_TRUE(manager_->CreateTopic("b.c_d-e", 1, {}).ok());
  ASSERT_TRUE(AppendRecords(*manager_->GetPartition({"a", 1}), 7, kStart).ok());
  ASSERT_TRUE(AppendRecords(*manager_->GetPartition({"b.c_d-e", 0}), 2, kStart).ok());

  Restart();
  auto topics = manager_->ListTopics();
  ASSERT_EQ(topics.size(), 2u);
  EXPECT_EQ(topics[0].name, "a");
  EXPECT_EQ(topics[0].partitions, 2);
  EXPECT_EQ(topics[0].configs, configs);
  EXPECT_EQ(topics[1].name, "b.c_d-e");
  EXPECT_TRUE(topics[1].configs.empty());
  const auto a1 = manager_->GetPartition({"a", 1});
  EXPECT_EQ(a1->next_offset(), 7);
  EXPECT_EQ(a1->options().retention_ms, 1000);
  EXPECT_EQ(a1->options().timestamp_type, TimestampType::kLogAppendTime);
  EXPECT_EQ(manager_->GetPartition({"b.c_d-e", 0})->next_offset(), 2);
}

TEST_P(LogManagerTest, RemovesPartitionsThatBelongToNoTopic) {
  ASSERT_TRUE(manager_->CreateTopic("kept", 1, {}).ok());
  manager_.reset();
  // What an interrupted deletion leaves: a topic's partitions without its metadata,
  // and a partition beyond a topic's count.
  for (const PartitionId& id :
       {PartitionId{"ghost", 0}, PartitionId{"ghost", 1}, PartitionId{"kept", 7}}) {
    auto log = PartitionLog::Open(id, backend_.get(), defaults_, &clock_);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    ASSERT_TRUE(AppendRecords(**log, 4, kStart).ok());
    ASSERT_TRUE((*log)->DeleteRecordsBefore(2).ok());
  }
  ASSERT_TRUE(backend_->Close().ok());
  backend_.reset();

  Open();
  EXPECT_EQ(StoredPartitions(), (std::vector<PartitionId>{{"kept", 0}}));
  auto blobs = backend_->ListMeta(PartitionLog::kLogStartMetaPrefix);
  ASSERT_TRUE(blobs.ok());
  EXPECT_TRUE(blobs->empty());
  EXPECT_EQ(manager_->ListTopics().size(), 1u);

  // A topic created where stale data lies starts empty all the same.
  auto stale = PartitionLog::Open({"fresh", 0}, backend_.get(), defaults_, &clock_);
  ASSERT_TRUE(stale.ok());
  ASSERT_TRUE(AppendRecords(**stale, 4, kStart).ok());
  stale->reset();
  ASSERT_TRUE(manager_->CreateTopic("fresh", 1, {}).ok());
  EXPECT_EQ(manager_->GetPartition({"fresh", 0})->next_offset(), 0);
}

TEST_P(LogManagerTest, HousekeepingAppliesRetentionAndFlushMs) {
  ASSERT_TRUE(
      manager_
          ->CreateTopic("t", 2,
                        {{"segment.bytes", "1024"}, {"retention.ms", "60000"}, {"flush.ms", "500"}})
          .ok());
  auto p0 = manager_->GetPartition({"t", 0});
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(AppendRecords(*p0, 2, kStart).ok());
  const size_t segments = p0->segments().size();
  ASSERT_GT(segments, 2u);
  EXPECT_EQ(p0->flushed_offset(), 0);

  manager_->RunHousekeeping();
  EXPECT_EQ(p0->segments().size(), segments);
  EXPECT_EQ(p0->flushed_offset(), 0);

  clock_.Advance(60'001);
  manager_->RunHousekeeping();
  EXPECT_EQ(p0->segments().size(), 1u);
  EXPECT_EQ(p0->flushed_offset(), 40);
  EXPECT_EQ(p0->next_offset(), 40);
}

TEST_P(LogManagerTest, FlushAllCoversEveryPartition) {
  ASSERT_TRUE(manager_->CreateTopic("t", 3, {}).ok());
  for (int32_t p = 0; p < 3; ++p) {
    ASSERT_TRUE(AppendRecords(*manager_->GetPartition({"t", p}), p + 1, kStart).ok());
  }
  ASSERT_TRUE(manager_->FlushAll().ok());
  for (int32_t p = 0; p < 3; ++p) {
    EXPECT_EQ(manager_->GetPartition({"t", p})->flushed_offset(), p + 1);
  }
}

TEST_P(LogManagerTest, RefusesDamagedTopicMetadata) {
  manager_.reset();
  ASSERT_TRUE(backend_->PutMeta("topic.bad", "ringlog-topic 1\npartitions x\n").ok());
  EXPECT_TRUE(LogManager::Open(backend_.get(), defaults_, &clock_).status().IsCorruption());
  ASSERT_TRUE(backend_->PutMeta("topic.bad", "ringlog-topic 9\npartitions 1\n").ok());
  EXPECT_TRUE(LogManager::Open(backend_.get(), defaults_, &clock_).status().IsNotSupported());
  ASSERT_TRUE(
      backend_->PutMeta("topic.bad", "ringlog-topic 1\nconfig a%zz 1\npartitions 1\n").ok());
  EXPECT_TRUE(LogManager::Open(backend_.get(), defaults_, &clock_).status().IsCorruption());
  ASSERT_TRUE(backend_->DeleteMeta("topic.bad").ok());
  EXPECT_TRUE(LogManager::Open(backend_.get(), defaults_, &clock_).ok());
}

// A record that claims more than a request may create (or an illegal name, or a bad
// config) stops the open before any partition is opened or made: a topic listed before
// it whose partitions are missing is not recreated, and nothing is removed as a leftover.
TEST_P(LogManagerTest, RefusesTopicRecordsBeyondTheLimitsBeforeTouchingStorage) {
  ASSERT_TRUE(manager_->CreateTopic("kept", 1, {}).ok());
  ASSERT_TRUE(AppendRecords(*manager_->GetPartition({"kept", 0}), 3, kStart).ok());
  ASSERT_TRUE(manager_->Close().ok());
  manager_.reset();
  backend_.reset();
  auto backend = OpenTestBackend(GetParam(), dir_.Sub("data"));
  ASSERT_TRUE(backend.ok());
  backend_ = std::move(*backend);
  ASSERT_TRUE(backend_->PutMeta("topic.aaa", "ringlog-topic 1\npartitions 2\n").ok());
  const std::string too_many = std::to_string(kMaxPartitionsPerTopic + 1);
  for (const auto& [record, blob] : std::vector<std::pair<std::string, std::string>>{
           {"topic.zzz", "ringlog-topic 1\npartitions " + too_many + "\n"},
           {"topic.zzz", "ringlog-topic 1\npartitions 1\nconfig segment.bytes 5\n"},
           {"topic..", "ringlog-topic 1\npartitions 1\n"}}) {
    ASSERT_TRUE(backend_->PutMeta(record, blob).ok());
    Result<std::unique_ptr<LogManager>> refused =
        LogManager::Open(backend_.get(), defaults_, &clock_);
    ASSERT_TRUE(refused.status().IsCorruption()) << refused.status().ToString();
    EXPECT_NE(refused.status().message().find(record), std::string::npos)
        << refused.status().ToString();
    EXPECT_EQ(StoredPartitions(), (std::vector<PartitionId>{{"kept", 0}}));
    ASSERT_TRUE(backend_->DeleteMeta(record).ok());
  }
  ASSERT_TRUE(backend_->DeleteMeta("topic.aaa").ok());
  auto manager = LogManager::Open(backend_.get(), defaults_, &clock_);
  ASSERT_TRUE(manager.ok()) << manager.status().ToString();
  manager_ = std::move(*manager);
  EXPECT_EQ(manager_->GetPartition({"kept", 0})->next_offset(), 3);
}

TEST_P(LogManagerTest, RefusesBadDefaults) {
  LogOptions bad;
  bad.retention_ms = -5;
  EXPECT_TRUE(LogManager::Open(backend_.get(), bad, &clock_).status().IsInvalidArgument());
}

INSTANTIATE_TEST_SUITE_P(Backends, LogManagerTest, ::testing::ValuesIn(AllTestBackends()),
                         BackendParamName());

}  // namespace
}  // namespace ringlog::testing
