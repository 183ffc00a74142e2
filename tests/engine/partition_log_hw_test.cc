// The high watermark of a replicated PartitionLog on every backend: appends do not move
// it, replication does (never back); consumer reads stop there while follower reads go to
// the log end; its checkpoint survives restarts; retention and DeleteRecords stay below
// it. An unreplicated log (the single broker) keeps it at the log end.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "tests/engine/replication_fixture.h"

namespace ringlog::testing {
namespace {

using PartitionLogHwTest = ReplicationLogTest;

TEST_P(PartitionLogHwTest, AnUnreplicatedLogCommitsEveryWrite) {
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  Produce(*log);
  EXPECT_EQ(log->high_watermark(), 3);
  EXPECT_EQ(log->AdvanceHighWatermark(1), 3);
  EXPECT_EQ(ReadAll(*log, 0, ReadBound::kHighWatermark), ReadAll(*log, 0, ReadBound::kLogEnd));
  ASSERT_TRUE(log->CheckpointHighWatermark().ok());
  EXPECT_TRUE(backend_->GetMeta(PartitionLog::HighWatermarkMetaName(id_)).status().IsNotFound());
}

TEST_P(PartitionLogHwTest, ConsumersReadBelowTheHighWatermarkAndFollowersToTheEnd) {
  auto log = OpenLog(Replicated());
  ASSERT_NE(log, nullptr);
  Produce(*log);  // 0..2
  Produce(*log);  // 3..5
  Produce(*log);  // 6..8
  EXPECT_EQ(log->log_end_offset(), 9);
  EXPECT_EQ(log->high_watermark(), 0);
  auto consumer = log->Read(0, 1 << 20);
  ASSERT_TRUE(consumer.ok()) << consumer.status().ToString();
  EXPECT_TRUE(consumer->empty());
  EXPECT_EQ(consumer->next_offset, 0);
  const std::string all = ReadAll(*log, 0, ReadBound::kLogEnd);
  EXPECT_EQ(HeadersOf(all).size(), 3u);

  EXPECT_EQ(log->AdvanceHighWatermark(6), 6);
  const std::string committed = ReadAll(*log, 0, ReadBound::kHighWatermark);
  ASSERT_EQ(HeadersOf(committed).size(), 2u);
  EXPECT_EQ(committed, all.substr(0, committed.size()));
  auto one_read = log->Read(0, 1 << 20);
  ASSERT_TRUE(one_read.ok());
  EXPECT_EQ(one_read->next_offset, 6);
  for (Offset at : {6, 7, 9}) {
    auto above = log->Read(at, 1 << 20);
    ASSERT_TRUE(above.ok()) << at << ": " << above.status().ToString();
    EXPECT_TRUE(above->empty()) << at;
  }
  EXPECT_TRUE(log->Read(10, 1).status().IsOutOfRange());

  // Never back, never past the log end.
  EXPECT_EQ(log->AdvanceHighWatermark(3), 6);
  EXPECT_EQ(log->AdvanceHighWatermark(100), 9);
  EXPECT_EQ(ReadAll(*log, 0, ReadBound::kHighWatermark), all);
}

// A high watermark inside a batch (never what replication reports, but not refused) lets
// consumers read only the batches wholly below it.
TEST_P(PartitionLogHwTest, AHighWatermarkInsideABatchStopsReadsBeforeIt) {
  auto log = OpenLog(Replicated());
  ASSERT_NE(log, nullptr);
  Produce(*log);
  Produce(*log);
  Produce(*log);
  EXPECT_EQ(log->AdvanceHighWatermark(4), 4);
  EXPECT_EQ(log->high_watermark(), 4);
  EXPECT_EQ(HeadersOf(ReadAll(*log, 0, ReadBound::kHighWatermark)).size(), 1u);
  EXPECT_EQ(log->AdvanceHighWatermark(7), 7);
  EXPECT_EQ(HeadersOf(ReadAll(*log, 0, ReadBound::kHighWatermark)).size(), 2u);
}

TEST_P(PartitionLogHwTest, TheHighWatermarkMayLieInAnOlderSegment) {
  auto log = OpenLog(Replicated(SmallSegments()));
  ASSERT_NE(log, nullptr);
  std::vector<Offset> ends;
  for (int i = 0; i < 30; ++i) ends.push_back(Produce(*log, 2).last_offset + 1);
  ASSERT_GT(log->segments().size(), 3u);
  const std::string all = ReadAll(*log, 0, ReadBound::kLogEnd);
  for (Offset hw : {ends[2], ends[9], ends[17], ends[29]}) {
    EXPECT_EQ(log->AdvanceHighWatermark(hw), hw);
    const std::string committed = ReadAll(*log, 0, ReadBound::kHighWatermark);
    const std::vector<BatchHeader> headers = HeadersOf(committed);
    ASSERT_FALSE(headers.empty());
    EXPECT_EQ(headers.back().next_offset(), hw);
    EXPECT_EQ(committed, all.substr(0, committed.size()));
  }
}

TEST_P(PartitionLogHwTest, TheCheckpointSurvivesARestart) {
  auto log = OpenLog(Replicated(SmallSegments()));
  ASSERT_NE(log, nullptr);
  std::vector<Offset> ends;
  for (int i = 0; i < 20; ++i) ends.push_back(Produce(*log, 2).last_offset + 1);
  log->AdvanceHighWatermark(ends[7]);
  ASSERT_TRUE(log->CheckpointHighWatermark().ok());
  EXPECT_EQ(*backend_->GetMeta(PartitionLog::HighWatermarkMetaName(id_)), std::to_string(ends[7]));
  // A crash after a later move: the checkpoint is what survives.
  log->AdvanceHighWatermark(ends[12]);
  ASSERT_TRUE(log->Flush().ok());
  log.reset();
  ASSERT_TRUE(backend_->Close().ok());
  backend_.reset();
  OpenBackend();
  log = OpenLog(Replicated(SmallSegments()));
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->high_watermark(), ends[7]);
  std::vector<BatchHeader> headers = HeadersOf(ReadAll(*log, 0, ReadBound::kHighWatermark));
  ASSERT_FALSE(headers.empty());
  EXPECT_EQ(headers.back().next_offset(), ends[7]);

  // A clean close stores the latest; batch ends known only from the disk still cut reads.
  log->AdvanceHighWatermark(ends[15]);
  log = Restart(std::move(log), Replicated(SmallSegments()));
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->high_watermark(), ends[15]);
  headers = HeadersOf(ReadAll(*log, 0, ReadBound::kHighWatermark));
  ASSERT_FALSE(headers.empty());
  EXPECT_EQ(headers.back().next_offset(), ends[15]);
  log->AdvanceHighWatermark(ends[17]);
  headers = HeadersOf(ReadAll(*log, 0, ReadBound::kHighWatermark));
  EXPECT_EQ(headers.back().next_offset(), ends[17]);
}

TEST_P(PartitionLogHwTest, WithoutACheckpointItStartsAtTheLogStartAndNeverPastTheEnd) {
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  Produce(*log);
  Produce(*log);
  ASSERT_TRUE(log->DeleteRecordsBefore(3).ok());
  log = Restart(std::move(log), Replicated());  // unreplicated until now: no checkpoint
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->high_watermark(), 3);
  EXPECT_TRUE(log->Read(3, 1 << 20)->empty());
  log.reset();
  ASSERT_TRUE(backend_->PutMeta(PartitionLog::HighWatermarkMetaName(id_), "500").ok());
  log = OpenLog(Replicated());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->high_watermark(), 6);
  log.reset();
  ASSERT_TRUE(backend_->PutMeta(PartitionLog::HighWatermarkMetaName(id_), "junk").ok());
  log = OpenLog(Replicated());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->high_watermark(), 3);
}

TEST_P(PartitionLogHwTest, RetentionAndDeleteRecordsStayBelowTheHighWatermark) {
  LogOptions options = Replicated(SmallSegments());
  options.retention_bytes = 0;
  auto log = OpenLog(options);
  ASSERT_NE(log, nullptr);
  std::vector<Offset> ends;
  for (int i = 0; i < 20; ++i) ends.push_back(Produce(*log, 2).last_offset + 1);
  ASSERT_GT(log->segments().size(), 3u);
  auto removed = log->ApplyRetention();
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 0u);
  EXPECT_TRUE(log->DeleteRecordsBefore(1).IsOutOfRange());

  log->AdvanceHighWatermark(ends[10]);
  removed = log->ApplyRetention();
  ASSERT_TRUE(removed.ok());
  EXPECT_GT(*removed, 0u);
  for (const SegmentInfo& s : log->segments()) EXPECT_GT(s.next_offset, ends[10]);
  EXPECT_TRUE(log->DeleteRecordsBefore(ends[10] + 1).IsOutOfRange());
  EXPECT_TRUE(log->DeleteRecordsBefore(ends[10]).ok());
}

// Appends, high watermark moves and consumer reads at once: no read passes the high
// watermark, and every read ends with a whole batch.
TEST_P(PartitionLogHwTest, ConcurrentReadsNeverPassTheHighWatermark) {
  auto log = OpenLog(Replicated(SmallSegments()));
  ASSERT_NE(log, nullptr);
  constexpr int kWantedReads = 50;
  std::atomic<int> reads = 0;
  std::atomic<bool> done = false;
  std::thread writer([&] {
    for (int i = 0; i < 5000 && reads < kWantedReads; ++i) {
      Produce(*log, 1 + i % 3);
      // Replication catches up with every other batch.
      if (i % 2 == 1) log->AdvanceHighWatermark(log->log_end_offset());
    }
    done = true;
  });
  // One read just below the high watermark; false (after recording why) when it broke a rule.
  auto read_once = [&] {
    const Offset hw_before = log->high_watermark();
    Result<ReadResult> r = log->Read(hw_before > 0 ? hw_before - 1 : 0, 1 << 20);
    const Offset hw_after = log->high_watermark();
    if (!r.ok()) {
      ADD_FAILURE() << r.status().ToString();
      return false;
    }
    if (r->empty()) return true;
    ++reads;
    EXPECT_LE(r->next_offset, hw_after);
    const std::vector<BatchHeader> headers = HeadersOf(*CopyReadBytes(*r));
    const bool whole = !headers.empty() && headers.back().next_offset() == r->next_offset;
    EXPECT_TRUE(whole) << "the read does not end with a whole batch at " << r->next_offset;
    return whole && r->next_offset <= hw_after;
  };
  while (!done) {
    if (!read_once()) reads = kWantedReads;  // stops the writer
  }
  writer.join();
  EXPECT_GE(reads, kWantedReads);
}

TEST_P(PartitionLogHwTest, SetOptionsKeepsTheLogReplicatedOrNot) {
  auto log = OpenLog(Replicated());
  ASSERT_NE(log, nullptr);
  ASSERT_TRUE(log->SetOptions(LogOptions{}).ok());
  EXPECT_TRUE(log->options().replicated);
  Produce(*log);
  EXPECT_EQ(log->high_watermark(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, PartitionLogHwTest, ::testing::ValuesIn(AllTestBackends()),
                         BackendParamName());

}  // namespace
}  // namespace ringlog::testing
