// The transaction state log's wait for its in-sync replicas (a cluster's
// TxnStateStoreOptions::await_replicas) on every backend: a write is acknowledged only once
// the wait reports its record replicated, with the wait's error otherwise, and only after
// its flush.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "engine/clock.h"
#include "engine/log/internal_topics.h"
#include "engine/log/log_manager.h"
#include "engine/txn/txn_state_store.h"
#include "tests/support/held_replica_waits.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {
namespace {

constexpr int32_t kPartitions = 3;

TxnLogEntry PrepareCommit(int64_t producer_id) {
  TxnLogEntry entry;
  entry.producer_id = producer_id;
  entry.producer_epoch = 1;
  entry.transaction_timeout_ms = 1000;
  entry.state = TxnState::kPrepareCommit;
  entry.partitions = {{"t", 0}};
  entry.last_update_timestamp = 10;
  return entry;
}

class TxnStateStoreReplicasTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const Status opened = OpenTestLogs(GetParam(), dir_.path(), {}, &clock_, &backend_, &logs_);
    ASSERT_TRUE(opened.ok()) << opened.ToString();
    TxnStateStoreOptions options;
    options.num_partitions = kPartitions;
    options.await_replicas = replicas_.Fn();
    Result<std::unique_ptr<TxnStateStore>> store =
        TxnStateStore::Open(logs_.get(), nullptr, &clock_, options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    for (int32_t p = 0; p < kPartitions; ++p) ASSERT_TRUE(store_->LoadPartition(p).ok());
  }

  void TearDown() override {
    store_.reset();
    EXPECT_TRUE(logs_->Close().ok());
  }

  ManualClock clock_{5'000'000};
  TempDir dir_;
  std::unique_ptr<StorageBackend> backend_;
  std::unique_ptr<LogManager> logs_;
  std::unique_ptr<TxnStateStore> store_;
  HeldReplicaWaits replicas_;
};

TEST_P(TxnStateStoreReplicasTest, AWriteIsAcknowledgedOnceReplicated) {
  std::optional<Status> answer;
  store_->Write("a", PrepareCommit(1), [&](Status s) { answer = std::move(s); });
  ASSERT_EQ(replicas_.waits().size(), 1u);
  EXPECT_FALSE(answer.has_value()) << "acknowledged before its replicas have it";
  EXPECT_EQ(replicas_.waits()[0].partition,
            (PartitionId{std::string(kTransactionStateTopic), store_->PartitionFor("a")}));
  EXPECT_EQ(replicas_.waits()[0].end, 1);
  EXPECT_GE(replicas_.waits()[0].flushed_before, 1) << "the wait starts after the flush";
  replicas_.waits()[0].done(Status::OK());
  ASSERT_TRUE(answer.has_value());
  EXPECT_TRUE(answer->ok()) << answer->ToString();

  store_->Write("a", PrepareCommit(1), [&](Status s) { answer = std::move(s); });
  ASSERT_EQ(replicas_.waits().size(), 2u);
  EXPECT_EQ(replicas_.waits()[1].end, 2);
}

TEST_P(TxnStateStoreReplicasTest, TheWaitsErrorIsTheWrites) {
  std::optional<Status> answer;
  store_->Write("a", PrepareCommit(1), [&](Status s) { answer = std::move(s); });
  ASSERT_EQ(replicas_.waits().size(), 1u);
  replicas_.waits()[0].done(Status::NotFound("no longer the leader"));
  ASSERT_TRUE(answer.has_value());
  EXPECT_TRUE(answer->IsNotFound()) << answer->ToString();
}

TEST_P(TxnStateStoreReplicasTest, AWriteThatFailsWaitsForNothing) {
  store_->UnloadPartition(store_->PartitionFor("a"));
  std::optional<Status> answer;
  store_->Write("a", PrepareCommit(1), [&](Status s) { answer = std::move(s); });
  EXPECT_TRUE(replicas_.waits().empty());
  ASSERT_TRUE(answer.has_value());
  EXPECT_TRUE(answer->IsNotFound()) << answer->ToString();
}

INSTANTIATE_TEST_SUITE_P(Backends, TxnStateStoreReplicasTest,
                         ::testing::ValuesIn(AllTestBackends()), BackendParamName());

}  // namespace
}  // namespace ringlog::testing
