// The committed offsets' wait for their in-sync replicas (a cluster's
// OffsetStoreOptions::await_replicas) on every backend: a commit is answered only once the
// wait reports its records replicated, with the wait's error otherwise, and only after its
// flush; transactional commits wait the same way.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "engine/clock.h"
#include "engine/group/offset_store.h"
#include "engine/log/internal_topics.h"
#include "engine/log/log_manager.h"
#include "tests/support/held_replica_waits.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {
namespace {

constexpr int32_t kPartitions = 3;
const PartitionId kT0{"t", 0};

class OffsetStoreReplicasTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const Status opened = OpenTestLogs(GetParam(), dir_.path(), {}, &clock_, &backend_, &logs_);
    ASSERT_TRUE(opened.ok()) << opened.ToString();
    OffsetStoreOptions options;
    options.offsets_topic_num_partitions = kPartitions;
    options.await_replicas = replicas_.Fn();
    Result<std::unique_ptr<OffsetStore>> store =
        OffsetStore::Open(logs_.get(), nullptr, &clock_, options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    for (int32_t p = 0; p < kPartitions; ++p) ASSERT_TRUE(store_->LoadPartition(p).ok());
  }

  void TearDown() override {
    store_.reset();
    EXPECT_TRUE(logs_->Close().ok());
  }

  static OffsetStore::Offsets At(Offset offset) { return {{kT0, CommittedOffset{offset}}}; }

  ManualClock clock_{5'000'000};
  TempDir dir_;
  std::unique_ptr<StorageBackend> backend_;
  std::unique_ptr<LogManager> logs_;
  std::unique_ptr<OffsetStore> store_;
  HeldReplicaWaits replicas_;
};

TEST_P(OffsetStoreReplicasTest, ACommitIsAnsweredOnceReplicated) {
  std::optional<Status> answer;
  store_->Commit("g", At(7), [&](Status s) { answer = std::move(s); });
  ASSERT_EQ(replicas_.waits().size(), 1u);
  EXPECT_FALSE(answer.has_value()) << "answered before its replicas have it";
  EXPECT_EQ(replicas_.waits()[0].partition,
            (PartitionId{std::string(kConsumerOffsetsTopic), store_->PartitionFor("g")}));
  EXPECT_EQ(replicas_.waits()[0].end, 1);
  EXPECT_GE(replicas_.waits()[0].flushed_before, 1) << "the wait starts after the flush";
  replicas_.waits()[0].done(Status::OK());
  ASSERT_TRUE(answer.has_value());
  EXPECT_TRUE(answer->ok()) << answer->ToString();

  store_->Commit("g", At(9), [&](Status s) { answer = std::move(s); });
  ASSERT_EQ(replicas_.waits().size(), 2u);
  EXPECT_EQ(replicas_.waits()[1].end, 2);
}

TEST_P(OffsetStoreReplicasTest, TheWaitsErrorIsTheCommits) {
  std::optional<Status> answer;
  store_->Commit("g", At(7), [&](Status s) { answer = std::move(s); });
  ASSERT_EQ(replicas_.waits().size(), 1u);
  replicas_.waits()[0].done(Status::NotFound("no longer the leader"));
  ASSERT_TRUE(answer.has_value());
  EXPECT_TRUE(answer->IsNotFound()) << answer->ToString();
}

TEST_P(OffsetStoreReplicasTest, ATransactionalCommitWaitsToo) {
  std::optional<Status> answer;
  store_->CommitPending("g", /*producer_id=*/4, /*producer_epoch=*/0, At(7),
                        [&](Status s) { answer = std::move(s); });
  ASSERT_EQ(replicas_.waits().size(), 1u);
  EXPECT_FALSE(answer.has_value());
  replicas_.waits()[0].done(Status::Busy("the ISR is below min.insync.replicas"));
  ASSERT_TRUE(answer.has_value());
  EXPECT_TRUE(answer->IsBusy()) << answer->ToString();
}

TEST_P(OffsetStoreReplicasTest, ACommitThatFailsWaitsForNothing) {
  store_->UnloadPartition(store_->PartitionFor("g"));
  std::optional<Status> answer;
  store_->Commit("g", At(7), [&](Status s) { answer = std::move(s); });
  EXPECT_TRUE(replicas_.waits().empty());
  ASSERT_TRUE(answer.has_value());
  EXPECT_TRUE(answer->IsNotFound()) << answer->ToString();
}

INSTANTIATE_TEST_SUITE_P(Backends, OffsetStoreReplicasTest, ::testing::ValuesIn(AllTestBackends()),
                         BackendParamName());

}  // namespace
}  // namespace ringlog::testing
