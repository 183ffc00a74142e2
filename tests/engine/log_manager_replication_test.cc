// LogManager for a cluster broker on every backend: replicated defaults reach every
// partition, min.insync.replicas maps to the options, high watermarks are checkpointed
// in one pass, and the replication blobs go with their partitions.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "engine/log/log_manager.h"
#include "engine/log/record_batch_builder.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {
namespace {

constexpr TimestampMs kStart = 1'700'000'000'000;

Status AppendRecords(PartitionLog& log, int count) {
  std::string batch = BuildUniformBatch(count, std::string(50, 'r'), kStart);
  return log.Append({reinterpret_cast<uint8_t*>(batch.data()), batch.size()}).status();
}

class LogManagerReplicationTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    defaults_.replicated = true;
    defaults_.min_insync_replicas = 2;
    Open();
  }

  void OpenBackend() {
    auto backend = OpenTestBackend(GetParam(), dir_.Sub("data"));
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(*backend);
  }

  void Open() {
    OpenBackend();
    auto manager = LogManager::Open(backend_.get(), defaults_, &clock_);
    ASSERT_TRUE(manager.ok()) << manager.status().ToString();
    manager_ = std::move(*manager);
  }

  std::vector<std::string> Blobs(std::string_view prefix) {
    auto names = backend_->ListMeta(prefix);
    EXPECT_TRUE(names.ok()) << names.status().ToString();
    return names.ok() ? *names : std::vector<std::string>{};
  }

  TempDir dir_;
  ManualClock clock_{kStart};
  LogOptions defaults_;
  std::unique_ptr<StorageBackend> backend_;
  std::unique_ptr<LogManager> manager_;
};

TEST_P(LogManagerReplicationTest, TopicsInheritReplicationAndMapMinInsyncReplicas) {
  ASSERT_TRUE(manager_->CreateTopic("plain", 1, {}).ok());
  ASSERT_TRUE(manager_->CreateTopic("strict", 1, {{"min.insync.replicas", "3"}}).ok());
  EXPECT_TRUE(manager_->CreateTopic("bad", 1, {{"min.insync.replicas", "0"}}).IsInvalidArgument());
  const auto plain = manager_->GetPartition({"plain", 0});
  const auto strict = manager_->GetPartition({"strict", 0});
  EXPECT_TRUE(plain->options().replicated);
  EXPECT_EQ(plain->options().min_insync_replicas, 2);
  EXPECT_EQ(strict->options().min_insync_replicas, 3);
  ASSERT_TRUE(manager_->AlterTopicConfigs("strict", {{"min.insync.replicas", "1"}}).ok());
  EXPECT_EQ(strict->options().min_insync_replicas, 1);
  EXPECT_TRUE(strict->options().replicated);
  ASSERT_TRUE(AppendRecords(*plain, 4).ok());
  EXPECT_EQ(plain->high_watermark(), 0);
}

TEST_P(LogManagerReplicationTest, CheckpointsEveryHighWatermarkThatMoved) {
  ASSERT_TRUE(manager_->CreateTopic("t", 3, {}).ok());
  for (int32_t p = 0; p < 3; ++p) {
    const auto log = manager_->GetPartition({"t", p});
    ASSERT_TRUE(AppendRecords(*log, 2 + p).ok());
    log->AdvanceHighWatermark(2 + p);
  }
  ASSERT_TRUE(manager_->CheckpointHighWatermarks().ok());
  for (int32_t p = 0; p < 3; ++p) {
    auto stored = backend_->GetMeta(PartitionLog::HighWatermarkMetaName({"t", p}));
    ASSERT_TRUE(stored.ok()) << stored.status().ToString();
    EXPECT_EQ(*stored, std::to_string(2 + p));
  }
  ASSERT_TRUE(manager_->Close().ok());
  manager_.reset();
  backend_.reset();
  Open();
  EXPECT_EQ(manager_->GetPartition({"t", 2})->high_watermark(), 4);
}

TEST_P(LogManagerReplicationTest, ReplicationBlobsGoWithTheirPartitions) {
  ASSERT_TRUE(manager_->CreateTopic("gone", 1, {}).ok());
  ASSERT_TRUE(manager_->CreateTopic("kept", 1, {}).ok());
  for (const char* topic : {"gone", "kept"}) {
    const auto log = manager_->GetPartition({topic, 0});
    ASSERT_TRUE(AppendRecords(*log, 2).ok());
    log->AdvanceHighWatermark(2);
  }
  ASSERT_TRUE(manager_->CheckpointHighWatermarks().ok());
  ASSERT_TRUE(manager_->DeleteTopic("gone").ok());
  const std::vector<std::string> kept_epochs = {PartitionLog::LeaderEpochMetaName({"kept", 0})};
  const std::vector<std::string> kept_hws = {PartitionLog::HighWatermarkMetaName({"kept", 0})};
  EXPECT_EQ(Blobs(PartitionLog::kLeaderEpochMetaPrefix), kept_epochs);
  EXPECT_EQ(Blobs(PartitionLog::kHighWatermarkMetaPrefix), kept_hws);

  // What an interrupted deletion leaves: a partition's blobs without its topic.
  ASSERT_TRUE(manager_->Close().ok());
  manager_.reset();
  backend_.reset();
  OpenBackend();
  ASSERT_TRUE(
      backend_
          ->PutMeta(PartitionLog::LeaderEpochMetaName({"ghost", 0}), LeaderEpochHistory().Encode())
          .ok());
  ASSERT_TRUE(backend_->PutMeta(PartitionLog::HighWatermarkMetaName({"ghost", 0}), "7").ok());
  ASSERT_TRUE(backend_->Close().ok());
  backend_.reset();
  Open();
  EXPECT_EQ(Blobs(PartitionLog::kLeaderEpochMetaPrefix), kept_epochs);
  EXPECT_EQ(Blobs(PartitionLog::kHighWatermarkMetaPrefix), kept_hws);
}

INSTANTIATE_TEST_SUITE_P(Backends, LogManagerReplicationTest,
                         ::testing::ValuesIn(AllTestBackends()), BackendParamName());

}  // namespace
}  // namespace ringlog::testing
