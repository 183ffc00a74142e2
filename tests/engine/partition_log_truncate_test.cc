// TruncateTo and TruncateFullyAndStartAt on every backend: the data, the offset and time
// index lookups, the producer state, the leader epochs and the high watermark all go back
// to the cut, appends go on from there, and a restart finds the same log.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/engine/replication_fixture.h"

namespace ringlog::testing {
namespace {

using PartitionLogTruncateTest = ReplicationLogTest;

constexpr int64_t kProducer = 5151;

// A producer's batch of `count` records from `sequence`, stamped `ts`.
std::string ProducerBatch(int32_t sequence, int count, TimestampMs ts) {
  BatchOptions options;
  options.producer_id = kProducer;
  options.producer_epoch = 0;
  options.base_sequence = sequence;
  return BatchOf(count, ts, options);
}

class TruncateFixture : public PartitionLogTruncateTest {
 protected:
  // 20 batches of 3 records stamped 1000 ms apart, epochs 0 (0..29) and 4 (30..59), in
  // small segments; their bytes in `batches_`.
  void Fill(PartitionLog& log) {
    for (int i = 0; i < 20; ++i) {
      if (i == 10) {
        ASSERT_TRUE(log.AssignLeaderEpoch(4).ok());
      }
      std::string batch = BatchOf(3, kReplicationStart + 1000 * i);
      ASSERT_TRUE(log.Append(Span(batch)).ok());
      batches_.push_back(batch);
    }
  }
  std::string Prefix(size_t count) const {
    std::string out;
    for (size_t i = 0; i < count; ++i) out += batches_[i];
    return out;
  }
  // Every offset below the log end reads the batch that holds it.
  void ExpectEveryOffsetReads(const PartitionLog& log) {
    for (Offset at = 0; at < log.log_end_offset(); ++at) {
      auto read = log.Read(at, 1, ReadBound::kLogEnd);
      ASSERT_TRUE(read.ok()) << at << ": " << read.status().ToString();
      EXPECT_EQ(*CopyReadBytes(*read), batches_[at / 3]) << at;
    }
  }

  std::vector<std::string> batches_;
};

TEST_P(TruncateFixture, CutsDataIndexesEpochsAndGoesOnFromTheCut) {
  auto log = OpenLog(SmallSegments());
  ASSERT_NE(log, nullptr);
  Fill(*log);
  const size_t segments_before = log->segments().size();
  ASSERT_GT(segments_before, 4u);
  ASSERT_TRUE(log->TruncateTo(40).ok());
  EXPECT_EQ(log->log_end_offset(), 42);  // the batch 39..41 starts below 40: kept whole
  ASSERT_TRUE(log->TruncateTo(36).ok());
  EXPECT_EQ(log->log_end_offset(), 36);
  EXPECT_LT(log->segments().size(), segments_before);
  EXPECT_EQ(ReadAll(*log, 0), Prefix(12));
  ExpectEveryOffsetReads(*log);
  EXPECT_EQ(*log->OffsetForTimestamp(kReplicationStart + 11000), 33);
  EXPECT_TRUE(log->OffsetForTimestamp(kReplicationStart + 12000).status().IsNotFound());
  EXPECT_EQ(log->leader_epochs(), (std::vector<EpochStart>{{0, 0}, {4, 30}}));
  ASSERT_TRUE(log->TruncateTo(30).ok());
  EXPECT_EQ(log->leader_epochs(), (std::vector<EpochStart>{{0, 0}}));
  EXPECT_EQ(log->EndOffsetForEpoch(0), (EpochEndOffset{0, 30}));

  // Appends go on at the cut, at the epoch this replica leads with.
  ASSERT_TRUE(log->AssignLeaderEpoch(6).ok());
  for (int i = 10; i < 14; ++i) {
    std::string batch = BatchOf(3, kReplicationStart + 1000 * i + 1);
    auto appended = log->Append(Span(batch));
    ASSERT_TRUE(appended.ok()) << appended.status().ToString();
    EXPECT_EQ(appended->base_offset, 3 * i);
    batches_[i] = batch;
  }
  EXPECT_EQ(log->leader_epochs(), (std::vector<EpochStart>{{0, 0}, {6, 30}}));
  ExpectEveryOffsetReads(*log);
  log = Restart(std::move(log), SmallSegments());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->log_end_offset(), 42);
  EXPECT_EQ(ReadAll(*log, 0), Prefix(14));
  ExpectEveryOffsetReads(*log);
  EXPECT_EQ(*log->OffsetForTimestamp(kReplicationStart + 13000), 39);
  EXPECT_EQ(log->leader_epochs(), (std::vector<EpochStart>{{0, 0}, {6, 30}}));
}

// A cut in a sealed segment: a new active segment starts at the cut.
TEST_P(TruncateFixture, ACutInASealedSegmentStartsANewActiveOne) {
  auto log = OpenLog(SmallSegments());
  ASSERT_NE(log, nullptr);
  Fill(*log);
  const std::vector<SegmentInfo> before = log->segments();
  const SegmentInfo sealed = before[1];
  const Offset cut = sealed.base_offset + 3;
  ASSERT_LT(cut, sealed.next_offset);
  ASSERT_TRUE(log->TruncateTo(cut).ok());
  const std::vector<SegmentInfo> after = log->segments();
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after[1].next_offset, cut);
  EXPECT_EQ(after[2].base_offset, cut);
  EXPECT_EQ(log->log_end_offset(), cut);
  std::string batch = BatchOf(3, kReplicationStart + 99);
  auto appended = log->Append(Span(batch));
  ASSERT_TRUE(appended.ok()) << appended.status().ToString();
  EXPECT_EQ(appended->base_offset, cut);
  log = Restart(std::move(log), SmallSegments());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->log_end_offset(), cut + 3);
  EXPECT_EQ(ReadAll(*log, 0), Prefix(static_cast<size_t>(cut / 3)) + batch);

  // At a segment's base: the segments from there on go.
  ASSERT_TRUE(log->TruncateTo(after[1].base_offset).ok());
  EXPECT_EQ(log->segments().size(), 2u);
  EXPECT_EQ(log->log_end_offset(), after[1].base_offset);
  ASSERT_TRUE(log->TruncateTo(0).ok());
  ASSERT_EQ(log->segments().size(), 1u);
  EXPECT_EQ(log->log_end_offset(), 0);
  EXPECT_TRUE(log->leader_epochs().empty());
  log = Restart(std::move(log), SmallSegments());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->log_end_offset(), 0);
}

TEST_P(TruncateFixture, NoOpAtTheEndAndRefusedBelowTheStart) {
  auto log = OpenLog(SmallSegments());
  ASSERT_NE(log, nullptr);
  Fill(*log);
  ASSERT_TRUE(log->TruncateTo(60).ok());
  ASSERT_TRUE(log->TruncateTo(100).ok());
  EXPECT_EQ(log->log_end_offset(), 60);
  ASSERT_TRUE(log->DeleteRecordsBefore(9).ok());
  EXPECT_TRUE(log->TruncateTo(8).IsInvalidArgument());
  ASSERT_TRUE(log->TruncateTo(9).ok());
  EXPECT_EQ(log->log_end_offset(), 9);
  EXPECT_EQ(log->log_start_offset(), 9);
}

// A broker led epoch 2 from offset 3 without writing, was killed, and now follows a leader
// that never knew epoch 2: told to cut at 3, where its log ends, it drops epoch 2, so that
// its next fetch names epoch 0 and goes on (before, it named epoch 2 again, forever).
TEST_P(PartitionLogTruncateTest, ACutAtTheEndDropsTheEpochsThatStartThere) {
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  Produce(*log);  // 0..2 at epoch 0
  ASSERT_TRUE(log->AssignLeaderEpoch(2).ok());
  ASSERT_EQ(log->latest_epoch(), 2);
  ASSERT_TRUE(log->TruncateTo(3).ok());
  EXPECT_EQ(log->log_end_offset(), 3);
  EXPECT_EQ(log->leader_epochs(), (std::vector<EpochStart>{{0, 0}}));
  EXPECT_EQ(log->latest_epoch(), 0);
  log = Restart(std::move(log));
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->leader_epochs(), (std::vector<EpochStart>{{0, 0}}));
  // Past the end nothing goes: no epoch starts there.
  ASSERT_TRUE(log->TruncateTo(10).ok());
  EXPECT_EQ(log->leader_epochs(), (std::vector<EpochStart>{{0, 0}}));
}

TEST_P(PartitionLogTruncateTest, RewindsTheProducerState) {
  auto log = OpenLog(SmallSegments());
  ASSERT_NE(log, nullptr);
  for (int32_t sequence = 0; sequence < 30; sequence += 3) {
    std::string batch = ProducerBatch(sequence, 3, kReplicationStart + sequence);
    ASSERT_TRUE(log->Append(Span(batch)).ok());
  }
  log = Restart(std::move(log), SmallSegments());  // a snapshot of the whole log
  ASSERT_NE(log, nullptr);
  ASSERT_TRUE(log->TruncateTo(18).ok());
  ASSERT_EQ(log->ActiveProducers().size(), 1u);
  EXPECT_EQ(log->ActiveProducers()[0].last_sequence, 17);
  std::string retry = ProducerBatch(15, 3, kReplicationStart + 15);
  auto again = log->Append(Span(retry));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->base_offset, 15);
  std::string lost = ProducerBatch(18, 3, kReplicationStart + 18);
  auto resent = log->Append(Span(lost));
  ASSERT_TRUE(resent.ok()) << resent.status().ToString();
  EXPECT_FALSE(resent->duplicate);
  EXPECT_EQ(resent->base_offset, 18);
  log = Restart(std::move(log), SmallSegments());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->ActiveProducers()[0].last_sequence, 20);
}

TEST_P(PartitionLogTruncateTest, LowersTheHighWatermarkDurably) {
  auto log = OpenLog(Replicated());
  ASSERT_NE(log, nullptr);
  const std::string leader = LeaderBatch(0, 3, 1) + LeaderBatch(3, 3, 1) + LeaderBatch(6, 3, 2);
  ASSERT_TRUE(log->AppendReplicated(ConstSpan(leader)).ok());
  log->AdvanceHighWatermark(9);
  ASSERT_TRUE(log->CheckpointHighWatermark().ok());
  ASSERT_TRUE(log->TruncateTo(3).ok());
  EXPECT_EQ(log->high_watermark(), 3);
  EXPECT_EQ(*backend_->GetMeta(PartitionLog::HighWatermarkMetaName(id_)), "3");
  EXPECT_EQ(ReadAll(*log, 0, ReadBound::kHighWatermark), leader.substr(0, leader.size() / 3));
  // The follower fetches again from the cut, at the leader's epochs.
  const std::string refetched = LeaderBatch(3, 2, 3);
  ASSERT_TRUE(log->AppendReplicated(ConstSpan(refetched)).ok());
  EXPECT_EQ(log->leader_epochs(), (std::vector<EpochStart>{{1, 0}, {3, 3}}));
  log->AdvanceHighWatermark(5);
  EXPECT_EQ(ReadAll(*log, 0, ReadBound::kHighWatermark),
            leader.substr(0, leader.size() / 3) + refetched);
}

TEST_P(PartitionLogTruncateTest, TruncateFullyStartsAnEmptyLogAtTheOffset) {
  auto log = OpenLog(Replicated(SmallSegments()));
  ASSERT_NE(log, nullptr);
  std::string leader;
  for (Offset base = 0; base < 30; base += 3) {
    BatchOptions options;
    options.base_offset = base;
    options.partition_leader_epoch = 2;
    options.producer_id = kProducer;
    options.producer_epoch = 0;
    options.base_sequence = static_cast<int32_t>(base);
    leader += BatchOf(3, kReplicationStart, options);
  }
  ASSERT_TRUE(log->AppendReplicated(ConstSpan(leader)).ok());
  log->AdvanceHighWatermark(30);
  ASSERT_TRUE(log->TruncateFullyAndStartAt(500).ok());
  EXPECT_EQ(log->log_start_offset(), 500);
  EXPECT_EQ(log->log_end_offset(), 500);
  EXPECT_EQ(log->high_watermark(), 500);
  EXPECT_TRUE(log->leader_epochs().empty());
  EXPECT_TRUE(log->ActiveProducers().empty());
  ASSERT_EQ(log->segments().size(), 1u);
  EXPECT_TRUE(log->Read(20, 1).status().IsOutOfRange());
  const std::string next = LeaderBatch(500, 3, 5);
  ASSERT_TRUE(log->AppendReplicated(ConstSpan(next)).ok());
  log = Restart(std::move(log), Replicated(SmallSegments()));
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->log_start_offset(), 500);
  EXPECT_EQ(log->log_end_offset(), 503);
  EXPECT_EQ(log->high_watermark(), 500);
  EXPECT_EQ(ReadAll(*log, 500), next);
  EXPECT_EQ(log->leader_epochs(), (std::vector<EpochStart>{{5, 500}}));
  EXPECT_TRUE(log->ActiveProducers().empty());
}

TEST_P(PartitionLogTruncateTest, AFlushAfterATruncationSyncsTheNewBatches) {
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  Produce(*log);
  Produce(*log);
  ASSERT_TRUE(log->Flush().ok());
  EXPECT_EQ(log->flushed_offset(), 6);
  ASSERT_TRUE(log->TruncateTo(3).ok());
  EXPECT_LE(log->flushed_offset(), 3);
  Produce(*log);
  EXPECT_LT(log->flushed_offset(), 6);
  ASSERT_TRUE(log->Flush().ok());
  EXPECT_EQ(log->flushed_offset(), 6);
}

INSTANTIATE_TEST_SUITE_P(Backends, PartitionLogTruncateTest, ::testing::ValuesIn(AllTestBackends()),
                         BackendParamName());
INSTANTIATE_TEST_SUITE_P(Backends, TruncateFixture, ::testing::ValuesIn(AllTestBackends()),
                         BackendParamName());

}  // namespace
}  // namespace ringlog::testing
