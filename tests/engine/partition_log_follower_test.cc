// AppendReplicated on every backend: a follower stores the leader's batches unchanged,
// refuses what does not continue its log, keeps nothing of a call that fails, learns the
// leader epochs and the producers from the batches, and survives restarts.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/engine/replication_fixture.h"

namespace ringlog::testing {
namespace {

using PartitionLogFollowerTest = ReplicationLogTest;

constexpr int64_t kProducer = 4242;

// `count` records of kProducer at producer epoch 0 from `sequence`, stored at `base` by a
// leader at leader epoch `epoch`.
std::string ProducerBatchAt(Offset base, int32_t epoch, int32_t sequence, int count) {
  BatchOptions options;
  options.base_offset = base;
  options.partition_leader_epoch = epoch;
  options.producer_id = kProducer;
  options.producer_epoch = 0;
  options.base_sequence = sequence;
  return BatchOf(count, kReplicationStart, options);
}

TEST_P(PartitionLogFollowerTest, StoresTheLeadersBatchesUnchanged) {
  auto log = OpenLog(Replicated());
  ASSERT_NE(log, nullptr);
  const std::string batches = LeaderBatch(0, 3, 1) + LeaderBatch(3, 2, 1) + LeaderBatch(5, 4, 2);
  const std::string partial = LeaderBatch(9, 2, 2).substr(0, 30);
  auto end = log->AppendReplicated(ConstSpan(batches + partial));
  ASSERT_TRUE(end.ok()) << end.status().ToString();
  EXPECT_EQ(*end, 9);
  EXPECT_EQ(log->log_end_offset(), 9);
  EXPECT_EQ(log->high_watermark(), 0);
  EXPECT_EQ(ReadAll(*log, 0), batches);
  EXPECT_EQ(log->leader_epochs(), (std::vector<EpochStart>{{1, 0}, {2, 5}}));
  EXPECT_EQ(log->EndOffsetForEpoch(1), (EpochEndOffset{1, 5}));
  // Nothing to append is not an error.
  end = log->AppendReplicated(ConstSpan(partial));
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(*end, 9);
  log = Restart(std::move(log), Replicated());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(ReadAll(*log, 0), batches);
  EXPECT_EQ(log->leader_epochs(), (std::vector<EpochStart>{{1, 0}, {2, 5}}));
}

TEST_P(PartitionLogFollowerTest, RefusesWhatDoesNotContinueTheLogAndKeepsNothingOfIt) {
  auto log = OpenLog(Replicated());
  ASSERT_NE(log, nullptr);
  const std::string first = LeaderBatch(0, 3, 1);
  ASSERT_TRUE(log->AppendReplicated(ConstSpan(first)).ok());
  EXPECT_TRUE(log->AppendReplicated(ConstSpan(LeaderBatch(2, 3, 1))).status().IsInvalidArgument());
  std::string damaged = LeaderBatch(3, 3, 2) + LeaderBatch(6, 3, 2);
  damaged[damaged.size() - 1] ^= 0x5a;
  EXPECT_TRUE(log->AppendReplicated(ConstSpan(damaged)).status().IsCorruption());
  const std::string overlapping = LeaderBatch(3, 3, 2) + LeaderBatch(4, 3, 2);
  EXPECT_TRUE(log->AppendReplicated(ConstSpan(overlapping)).status().IsCorruption());
  EXPECT_EQ(log->log_end_offset(), 3);
  EXPECT_EQ(ReadAll(*log, 0), first);
  EXPECT_EQ(log->leader_epochs(), (std::vector<EpochStart>{{1, 0}}));
}

TEST_P(PartitionLogFollowerTest, AGapInTheLeadersLogStartsANewSegment) {
  auto log = OpenLog(Replicated());
  ASSERT_NE(log, nullptr);
  const std::string low = LeaderBatch(0, 3, 0);
  const std::string high = LeaderBatch(10, 2, 0);
  auto end = log->AppendReplicated(ConstSpan(low + high));
  ASSERT_TRUE(end.ok()) << end.status().ToString();
  EXPECT_EQ(*end, 12);
  const std::vector<SegmentInfo> segments = log->segments();
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_EQ(segments[1].base_offset, 10);
  auto in_gap = log->Read(5, 1 << 20, ReadBound::kLogEnd);
  ASSERT_TRUE(in_gap.ok()) << in_gap.status().ToString();
  EXPECT_EQ(in_gap->first_offset, 10);
  EXPECT_EQ(ReadAll(*log, 0), low + high);
  // An empty active segment is replaced rather than left behind.
  ASSERT_TRUE(log->TruncateFullyAndStartAt(20).ok());
  ASSERT_TRUE(log->AppendReplicated(ConstSpan(LeaderBatch(25, 2, 0))).ok());
  ASSERT_EQ(log->segments().size(), 1u);
  EXPECT_EQ(log->segments()[0].base_offset, 25);
}

TEST_P(PartitionLogFollowerTest, RollsLikeTheLeader) {
  auto log = OpenLog(Replicated(SmallSegments()));
  ASSERT_NE(log, nullptr);
  std::string all;
  for (Offset base = 0; base < 60; base += 3) {
    std::string run = LeaderBatch(base, 3, static_cast<int32_t>(base / 20));
    ASSERT_TRUE(log->AppendReplicated(ConstSpan(run)).ok());
    all += run;
  }
  EXPECT_GT(log->segments().size(), 3u);
  EXPECT_EQ(ReadAll(*log, 0), all);
  EXPECT_EQ(log->leader_epochs(), (std::vector<EpochStart>{{0, 0}, {1, 21}, {2, 42}}));
  log = Restart(std::move(log), Replicated(SmallSegments()));
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(ReadAll(*log, 0), all);
  EXPECT_EQ(log->leader_epochs(), (std::vector<EpochStart>{{0, 0}, {1, 21}, {2, 42}}));
}

// The producer state a follower builds lets it answer a retry once it leads.
TEST_P(PartitionLogFollowerTest, AFollowerThatLeadsLaterDedupesRetries) {
  auto log = OpenLog(Replicated());
  ASSERT_NE(log, nullptr);
  const std::string replicated = ProducerBatchAt(0, 1, 0, 3) + ProducerBatchAt(3, 1, 3, 3);
  ASSERT_TRUE(log->AppendReplicated(ConstSpan(replicated)).ok());
  ASSERT_EQ(log->ActiveProducers().size(), 1u);
  EXPECT_EQ(log->ActiveProducers()[0].last_sequence, 5);
  ASSERT_TRUE(log->AssignLeaderEpoch(2).ok());
  for (int pass = 0; pass < 2; ++pass) {
    std::string retry = ProducerBatchAt(0, -1, 3, 3);
    auto again = log->Append(Span(retry));
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_TRUE(again->duplicate);
    EXPECT_EQ(again->base_offset, 3);
    std::string gap = ProducerBatchAt(0, -1, 8, 1);
    EXPECT_TRUE(log->Append(Span(gap)).status().IsOutOfOrderSequence());
    log = Restart(std::move(log), Replicated());
    ASSERT_NE(log, nullptr);
    ASSERT_TRUE(log->AssignLeaderEpoch(2).ok());
  }
  std::string next = ProducerBatchAt(0, -1, 6, 2);
  auto appended = log->Append(Span(next));
  ASSERT_TRUE(appended.ok()) << appended.status().ToString();
  EXPECT_EQ(appended->base_offset, 6);
  EXPECT_EQ(log->leader_epochs(), (std::vector<EpochStart>{{1, 0}, {2, 6}}));
}

INSTANTIATE_TEST_SUITE_P(Backends, PartitionLogFollowerTest, ::testing::ValuesIn(AllTestBackends()),
                         BackendParamName());

}  // namespace
}  // namespace ringlog::testing
