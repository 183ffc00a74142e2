// PartitionLog's leader epochs on every backend: Append stamps the leader's epoch into
// each batch, the history answers where an epoch ends, and it survives restarts — from its
// blob, or rebuilt from the batches when the blob is missing, unreadable or ahead of the
// log.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/engine/replication_fixture.h"

namespace ringlog::testing {
namespace {

using PartitionLogEpochTest = ReplicationLogTest;

// The epochs stamped on the stored batches, in order.
std::vector<int32_t> StoredEpochs(const std::string& bytes) {
  std::vector<int32_t> epochs;
  for (const BatchHeader& h : HeadersOf(bytes)) epochs.push_back(h.partition_leader_epoch);
  return epochs;
}

TEST_P(PartitionLogEpochTest, AnEmptyLogHasNoEpochsAndStoresNothing) {
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->leader_epoch(), 0);
  EXPECT_EQ(log->latest_epoch(), -1);
  EXPECT_TRUE(log->leader_epochs().empty());
  EXPECT_EQ(log->EndOffsetForEpoch(0), (EpochEndOffset{}));
  EXPECT_TRUE(backend_->GetMeta(PartitionLog::LeaderEpochMetaName(id_)).status().IsNotFound());
}

TEST_P(PartitionLogEpochTest, AppendStampsTheLeaderEpoch) {
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  Produce(*log);  // 0..2 at epoch 0, as a single broker always writes
  EXPECT_EQ(log->leader_epochs(), (std::vector<EpochStart>{{0, 0}}));
  ASSERT_TRUE(log->AssignLeaderEpoch(3).ok());
  EXPECT_EQ(log->leader_epoch(), 3);
  Produce(*log);                                // 3..5 at epoch 3
  Produce(*log);                                // 6..8
  ASSERT_TRUE(log->AssignLeaderEpoch(3).ok());  // the same epoch again: nothing changes
  ASSERT_TRUE(log->AssignLeaderEpoch(7).ok());
  Produce(*log);  // 9..11 at epoch 7
  EXPECT_EQ(StoredEpochs(ReadAll(*log, 0)), (std::vector<int32_t>{0, 3, 3, 7}));
  EXPECT_EQ(log->leader_epochs(), (std::vector<EpochStart>{{0, 0}, {3, 3}, {7, 9}}));
  EXPECT_EQ(log->latest_epoch(), 7);
  EXPECT_EQ(log->EndOffsetForEpoch(7), (EpochEndOffset{7, 12}));
  EXPECT_EQ(log->EndOffsetForEpoch(3), (EpochEndOffset{3, 9}));
  EXPECT_EQ(log->EndOffsetForEpoch(5), (EpochEndOffset{3, 9}));
  EXPECT_EQ(log->EndOffsetForEpoch(0), (EpochEndOffset{0, 3}));
  EXPECT_EQ(log->EndOffsetForEpoch(8), (EpochEndOffset{}));
  EXPECT_EQ(log->EndOffsetForEpoch(-1), (EpochEndOffset{}));
}

TEST_P(PartitionLogEpochTest, TruncatingToTheEndDropsAnEpochWithoutRecords) {
  // A replica led epoch 5 without writing, then follows a leader that ends epoch 3 at its
  // log end: the truncation cuts no record but must forget epoch 5, which it fetches with.
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  ASSERT_TRUE(log->AssignLeaderEpoch(3).ok());
  Produce(*log);  // 0..2 at epoch 3
  ASSERT_TRUE(log->AssignLeaderEpoch(5).ok());
  EXPECT_EQ(log->latest_epoch(), 5);
  ASSERT_TRUE(log->TruncateTo(3).ok());
  EXPECT_EQ(log->latest_epoch(), 3);
  EXPECT_EQ(log->leader_epochs(), (std::vector<EpochStart>{{3, 0}}));
  EXPECT_EQ(log->log_end_offset(), 3);
}

TEST_P(PartitionLogEpochTest, AnOlderEpochIsRefused) {
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  ASSERT_TRUE(log->AssignLeaderEpoch(4).ok());
  EXPECT_TRUE(log->AssignLeaderEpoch(2).IsInvalidArgument());
  EXPECT_EQ(log->leader_epoch(), 4);
  EXPECT_EQ(log->leader_epochs(), (std::vector<EpochStart>{{4, 0}}));
}

// A new epoch is recorded at the log end even before its first batch, so that a replica
// that asks where the previous epoch ended gets the right answer.
TEST_P(PartitionLogEpochTest, AnAssignedEpochSurvivesARestartBeforeItsFirstBatch) {
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  Produce(*log);
  ASSERT_TRUE(log->AssignLeaderEpoch(2).ok());
  log = Restart(std::move(log));
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->leader_epochs(), (std::vector<EpochStart>{{0, 0}, {2, 3}}));
  EXPECT_EQ(log->EndOffsetForEpoch(0), (EpochEndOffset{0, 3}));
  // Leading starts again with the next assignment; the history does not go back.
  EXPECT_EQ(log->leader_epoch(), 0);
  EXPECT_TRUE(log->AssignLeaderEpoch(1).IsInvalidArgument());
  ASSERT_TRUE(log->AssignLeaderEpoch(2).ok());
  Produce(*log);
  EXPECT_EQ(StoredEpochs(ReadAll(*log, 0)), (std::vector<int32_t>{0, 2}));
}

TEST_P(PartitionLogEpochTest, TheHistoryIsRebuiltFromTheBatchesWhenMissingOrUnreadable) {
  auto log = OpenLog(SmallSegments());
  ASSERT_NE(log, nullptr);
  for (int32_t epoch : {0, 2, 5}) {
    ASSERT_TRUE(log->AssignLeaderEpoch(epoch).ok());
    for (int i = 0; i < 6; ++i) Produce(*log);
  }
  const std::vector<EpochStart> history = log->leader_epochs();
  ASSERT_EQ(history, (std::vector<EpochStart>{{0, 0}, {2, 18}, {5, 36}}));
  ASSERT_GT(log->segments().size(), 2u);
  const std::string name = PartitionLog::LeaderEpochMetaName(id_);
  for (const char* damage : {"", "ringlog-leader-epochs 1\ncount 9\n"}) {
    log = Restart(std::move(log), SmallSegments());
    ASSERT_NE(log, nullptr);
    if (*damage == '\0') {
      ASSERT_TRUE(backend_->DeleteMeta(name).ok());
    } else {
      ASSERT_TRUE(backend_->PutMeta(name, damage).ok());
    }
    log = Restart(std::move(log), SmallSegments());
    ASSERT_NE(log, nullptr);
    EXPECT_EQ(log->leader_epochs(), history) << "blob: '" << damage << "'";
    auto stored = backend_->GetMeta(name);
    ASSERT_TRUE(stored.ok()) << "the rebuilt history is stored again";
    EXPECT_EQ(LeaderEpochHistory::Decode(*stored)->entries(), history);
  }
}

// Epochs recorded for batches that a crash lost are dropped on open; one that starts at
// the log end is an assignment, kept.
TEST_P(PartitionLogEpochTest, EpochsPastTheLogEndAreDroppedOnOpen) {
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  Produce(*log);
  log = Restart(std::move(log));
  ASSERT_NE(log, nullptr);
  LeaderEpochHistory ahead;
  ahead.Assign(0, 0);
  ahead.Assign(4, 3);
  ahead.Assign(6, 50);
  ASSERT_TRUE(backend_->PutMeta(PartitionLog::LeaderEpochMetaName(id_), ahead.Encode()).ok());
  log = Restart(std::move(log));
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->leader_epochs(), (std::vector<EpochStart>{{0, 0}, {4, 3}}));
}

TEST_P(PartitionLogEpochTest, DeletingRecordsMovesTheFirstEpochsStart) {
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  Produce(*log);
  ASSERT_TRUE(log->AssignLeaderEpoch(1).ok());
  Produce(*log);
  Produce(*log);
  ASSERT_TRUE(log->DeleteRecordsBefore(4).ok());
  EXPECT_EQ(log->leader_epochs(), (std::vector<EpochStart>{{1, 4}}));
  log = Restart(std::move(log));
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->leader_epochs(), (std::vector<EpochStart>{{1, 4}}));
}

TEST_P(PartitionLogEpochTest, DeletingThePartitionDeletesItsHistory) {
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  Produce(*log);
  ASSERT_TRUE(backend_->GetMeta(PartitionLog::LeaderEpochMetaName(id_)).ok());
  ASSERT_TRUE(log->Delete().ok());
  EXPECT_TRUE(backend_->GetMeta(PartitionLog::LeaderEpochMetaName(id_)).status().IsNotFound());
}

INSTANTIATE_TEST_SUITE_P(Backends, PartitionLogEpochTest, ::testing::ValuesIn(AllTestBackends()),
                         BackendParamName());

}  // namespace
}  // namespace ringlog::testing
