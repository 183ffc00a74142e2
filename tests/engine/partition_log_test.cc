// PartitionLog on every backend: offsets, rolls, reads, timestamps, retention, restarts
// and concurrency.
#include "engine/log/partition_log.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "engine/log/record_batch.h"
#include "engine/log/record_batch_builder.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {
namespace {

constexpr TimestampMs kStart = 1'700'000'000'000;

// `count` records stamped first_ts, first_ts + 10, ...; values of `value_size` bytes.
std::string MakeBatch(int count, TimestampMs first_ts, size_t value_size = 20) {
  std::vector<RecordData> records;
  for (int i = 0; i < count; ++i) {
    RecordData r;
    r.value = std::string(value_size, static_cast<char>('a' + i % 26));
    r.timestamp = first_ts + 10 * i;
    records.push_back(std::move(r));
  }
  return BuildRecordBatch(records);
}

// Appends `batch`, which is rewritten in place as the log stores it.
Result<AppendResult> AppendBytes(PartitionLog& log, std::string& batch) {
  return log.Append({reinterpret_cast<uint8_t*>(batch.data()), batch.size()});
}

std::string ReadBytes(const ReadResult& result) {
  Result<std::string> bytes = CopyReadBytes(result);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return bytes.ok() ? *bytes : std::string();
}

std::vector<BatchHeader> Headers(const std::string& bytes) {
  BatchIterator it({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
  std::vector<BatchHeader> out;
  while (auto batch = it.Next()) out.push_back(batch->header());
  EXPECT_TRUE(it.status().ok()) << it.status().ToString();
  EXPECT_EQ(it.consumed(), bytes.size()) << "a read returned a partial batch";
  return out;
}

// Every byte of the log from `from` on, read batch run by batch run.
std::string ReadAll(const PartitionLog& log, Offset from) {
  std::string all;
  for (Offset at = from; at < log.next_offset();) {
    Result<ReadResult> r = log.Read(at, 4096);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok() || r->empty()) break;
    all += ReadBytes(*r);
    at = r->next_offset;
  }
  return all;
}

class PartitionLogTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { OpenBackend(); }

  void OpenBackend() {
    auto backend = OpenTestBackend(GetParam(), dir_.Sub("data"));
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(*backend);
  }

  std::unique_ptr<PartitionLog> OpenLog(const LogOptions& options) {
    auto log = PartitionLog::Open(id_, backend_.get(), options, &clock_);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return log.ok() ? std::move(*log) : nullptr;
  }

  // A clean restart: the log and the backend are closed and opened again.
  std::unique_ptr<PartitionLog> Restart(std::unique_ptr<PartitionLog> log,
                                        const LogOptions& options) {
    EXPECT_TRUE(log->Flush().ok());
    log.reset();
    EXPECT_TRUE(backend_->Close().ok());
    backend_.reset();
    OpenBackend();
    return OpenLog(options);
  }

  // Appends `batches` batches of `records` records, stamped from the clock.
  std::vector<std::string> Fill(PartitionLog& log, int batches, int records = 3) {
    std::vector<std::string> stored;
    for (int i = 0; i < batches; ++i) {
      std::string batch = MakeBatch(records, clock_.NowMs());
      auto appended = AppendBytes(log, batch);
      EXPECT_TRUE(appended.ok()) << appended.status().ToString();
      stored.push_back(std::move(batch));
    }
    return stored;
  }

  TempDir dir_;
  ManualClock clock_{kStart};
  std::unique_ptr<StorageBackend> backend_;
  const PartitionId id_{"orders", 3};
};

LogOptions SmallSegments() {
  LogOptions options;
  options.segment_bytes = 1024;
  options.index_interval_bytes = 256;
  return options;
}

// A batch is in the segment before its flush (flush.messages=1) returns and next_offset()
// moves; a read in that window must still stop at the high watermark.
TEST_P(PartitionLogTest, ReadsNeverPassTheHighWatermark) {
  LogOptions options = SmallSegments();
  options.flush_interval_messages = 1;
  auto log = OpenLog(options);
  ASSERT_NE(log, nullptr);
  // The writer goes on until the reader has seen enough batches (bounded), so the test
  // does not depend on how the two threads happen to be scheduled.
  constexpr int kWantedReads = 50;
  std::atomic<int> reads = 0;
  std::atomic<bool> writer_done = false;
  std::atomic<bool> reader_failed = false;
  std::thread writer([&] {
    for (int i = 0; i < 20000 && reads < kWantedReads && !reader_failed; ++i) Fill(*log, 1);
    writer_done = true;
  });
  // One read at the log end; false (after recording the failure) when it broke the rule.
  auto read_at_end = [&] {
    const Offset from = log->next_offset() > 0 ? log->next_offset() - 1 : 0;
    Result<ReadResult> r = log->Read(from, 1 << 20);
    const Offset high_watermark = log->next_offset();
    if (!r.ok()) {
      ADD_FAILURE() << r.status().ToString();
      return false;
    }
    if (r->empty()) return true;
    ++reads;
    EXPECT_LE(r->next_offset, high_watermark);
    const std::vector<BatchHeader> headers = Headers(ReadBytes(*r));
    const bool whole = !headers.empty() && headers.back().next_offset() == r->next_offset;
    EXPECT_TRUE(whole) << "the read does not end with a whole batch at " << r->next_offset;
    return r->next_offset <= high_watermark && whole;
  };
  while (!writer_done) {
    if (!read_at_end()) reader_failed = true;
  }
  writer.join();
  EXPECT_GE(reads, kWantedReads);
}

TEST_P(PartitionLogTest, AppendsAcrossRollsAndReadsEveryOffset) {
  auto log = OpenLog(SmallSegments());
  ASSERT_NE(log, nullptr);
  Offset expected = 0;
  std::vector<std::string> stored;
  for (int i = 0; i < 60; ++i) {
    std::string batch = MakeBatch(1 + i % 4, kStart + i);
    auto appended = AppendBytes(*log, batch);
    ASSERT_TRUE(appended.ok()) << appended.status().ToString();
    EXPECT_EQ(appended->base_offset, expected);
    EXPECT_EQ(appended->last_offset, expected + i % 4);
    EXPECT_EQ(appended->log_append_time, kNoTimestamp);
    expected = appended->last_offset + 1;
    stored.push_back(batch);
  }
  EXPECT_EQ(log->next_offset(), expected);
  EXPECT_EQ(log->high_watermark(), expected);
  const auto segments = log->segments();
  ASSERT_GT(segments.size(), 5u);
  for (size_t i = 0; i + 1 < segments.size(); ++i) {
    EXPECT_EQ(segments[i].next_offset, segments[i + 1].base_offset);
    EXPECT_LE(segments[i].size_bytes, 1024u);
  }

  // Every offset reads back as the very batch that holds it.
  size_t batch_index = 0;
  for (Offset offset = 0; offset < expected; ++offset) {
    auto header = DecodeBatchHeader(
        {reinterpret_cast<const uint8_t*>(stored[batch_index].data()), stored[batch_index].size()});
    ASSERT_TRUE(header.ok());
    if (offset > header->last_offset()) ++batch_index;
    auto read = log->Read(offset, 1);
    ASSERT_TRUE(read.ok()) << "offset " << offset << ": " << read.status().ToString();
    EXPECT_NE(read->pin, nullptr);
    EXPECT_LE(read->first_offset, offset);
    EXPECT_GT(read->next_offset, offset);
    EXPECT_EQ(ReadBytes(*read), stored[batch_index]) << "offset " << offset;
  }
  std::string all;
  for (const auto& b : stored) all += b;
  EXPECT_EQ(ReadAll(*log, 0), all);
}

TEST_P(PartitionLogTest, ReadsWholeBatchesWithinMaxBytes) {
  auto log = OpenLog({});
  ASSERT_NE(log, nullptr);
  const auto stored = Fill(*log, 10);
  const size_t batch_size = stored[0].size();

  auto one = log->Read(0, 1);  // smaller than a batch: still one batch
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(Headers(ReadBytes(*one)).size(), 1u);

  auto some = log->Read(4, batch_size * 5 / 2);
  ASSERT_TRUE(some.ok());
  auto headers = Headers(ReadBytes(*some));
  ASSERT_EQ(headers.size(), 2u);
  EXPECT_EQ(headers[0].base_offset, 3);  // the batch holding offset 4 starts at 3
  EXPECT_EQ(some->first_offset, 3);
  EXPECT_EQ(some->next_offset, 9);
  EXPECT_LE(some->size_bytes(), batch_size * 5 / 2);

  auto all = log->Read(0, 1 << 20);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(Headers(ReadBytes(*all)).size(), 10u);
  EXPECT_EQ(all->next_offset, 30);
}

TEST_P(PartitionLogTest, ReadBoundaries) {
  auto log = OpenLog({});
  ASSERT_NE(log, nullptr);
  auto empty_log = log->Read(0, 100);
  ASSERT_TRUE(empty_log.ok());
  EXPECT_TRUE(empty_log->empty());

  Fill(*log, 3);
  auto at_end = log->Read(9, 100);
  ASSERT_TRUE(at_end.ok());
  EXPECT_TRUE(at_end->empty());
  EXPECT_EQ(at_end->next_offset, 9);
  EXPECT_TRUE(log->Read(10, 100).status().IsOutOfRange());
  EXPECT_TRUE(log->Read(-1, 100).status().IsOutOfRange());
}

TEST_P(PartitionLogTest, FindsTheExactRecordByTimestamp) {
  auto log = OpenLog(SmallSegments());
  ASSERT_NE(log, nullptr);
  // Batch i holds 4 records stamped base + 100*i + {0, 10, 20, 30}, at offsets 4i..4i+3.
  for (int i = 0; i < 30; ++i) {
    std::string batch = MakeBatch(4, kStart + 100 * i);
    ASSERT_TRUE(AppendBytes(*log, batch).ok());
  }
  ASSERT_GT(log->segments().size(), 2u);
  EXPECT_EQ(*log->OffsetForTimestamp(0), 0);
  EXPECT_EQ(*log->OffsetForTimestamp(kStart), 0);
  EXPECT_EQ(*log->OffsetForTimestamp(kStart + 1), 1);
  EXPECT_EQ(*log->OffsetForTimestamp(kStart + 1720), 4 * 17 + 2);
  EXPECT_EQ(*log->OffsetForTimestamp(kStart + 2930), 4 * 29 + 3);
  EXPECT_TRUE(log->OffsetForTimestamp(kStart + 2931).status().IsNotFound());

  // Records below the log start are never returned.
  ASSERT_TRUE(log->DeleteRecordsBefore(6).ok());
  EXPECT_EQ(*log->OffsetForTimestamp(kStart), 6);
  EXPECT_EQ(*log->OffsetForTimestamp(kStart + 110), 6);
}

TEST_P(PartitionLogTest, RollsWhenTheActiveSegmentIsOld) {
  LogOptions options;
  options.segment_ms = 60'000;
  auto log = OpenLog(options);
  ASSERT_NE(log, nullptr);
  Fill(*log, 2);
  clock_.Advance(59'999);
  Fill(*log, 1);
  EXPECT_EQ(log->segments().size(), 1u);
  clock_.Advance(1);
  Fill(*log, 1);
  ASSERT_EQ(log->segments().size(), 2u);
  EXPECT_EQ(log->segments()[1].base_offset, 9);
  // An empty active segment never rolls, however old.
  clock_.Advance(10 * 60'000);
  Fill(*log, 1);
  EXPECT_EQ(log->segments().size(), 3u);
  Fill(*log, 1);
  EXPECT_EQ(log->segments().size(), 3u);
}

TEST_P(PartitionLogTest, TimeRetentionKeepsTheActiveSegment) {
  LogOptions options = SmallSegments();
  options.retention_ms = 3'600'000;
  auto log = OpenLog(options);
  ASSERT_NE(log, nullptr);
  Fill(*log, 30);
  const size_t before = log->segments().size();
  ASSERT_GT(before, 3u);
  EXPECT_EQ(*log->ApplyRetention(), 0u);  // nothing is old yet

  clock_.Advance(3'600'000 + 1000);
  Fill(*log, 2);  // newer data in the active segment (which rolled on size or not)
  const Offset active_base = log->segments().back().base_offset;
  auto removed = log->ApplyRetention();
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_GE(*removed, before - 1);
  const auto after = log->segments();
  ASSERT_FALSE(after.empty());
  EXPECT_EQ(after.back().base_offset, active_base);
  EXPECT_EQ(log->log_start_offset(), after.front().base_offset);
  EXPECT_TRUE(log->Read(0, 100).status().IsOutOfRange());
  EXPECT_TRUE(log->Read(log->log_start_offset(), 100).ok());

  // Everything is old now, but the active segment stays.
  clock_.Advance(10 * 3'600'000);
  ASSERT_TRUE(log->ApplyRetention().ok());
  ASSERT_EQ(log->segments().size(), 1u);
  EXPECT_EQ(log->segments()[0].base_offset, active_base);
  EXPECT_EQ(log->next_offset(), 96);
}

TEST_P(PartitionLogTest, SizeRetentionKeepsTheActiveSegment) {
  LogOptions options = SmallSegments();
  options.retention_bytes = 3000;
  auto log = OpenLog(options);
  ASSERT_NE(log, nullptr);
  Fill(*log, 60);
  auto removed = log->ApplyRetention();
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_GT(*removed, 0u);
  const auto segments = log->segments();
  EXPECT_GE(log->size_bytes(), 3000u);
  EXPECT_LT(log->size_bytes() - segments.front().size_bytes, 3000u);
  EXPECT_EQ(log->log_start_offset(), segments.front().base_offset);

  options.retention_bytes = 0;
  ASSERT_TRUE(log->SetOptions(options).ok());
  ASSERT_TRUE(log->ApplyRetention().ok());
  ASSERT_EQ(log->segments().size(), 1u);
  EXPECT_EQ(log->segments()[0].next_offset, 180);
  std::string more = MakeBatch(1, kStart);
  auto appended = AppendBytes(*log, more);
  ASSERT_TRUE(appended.ok());
  EXPECT_EQ(appended->base_offset, 180);
}

TEST_P(PartitionLogTest, DeleteRecordsBeforeSurvivesRestart) {
  const LogOptions options = SmallSegments();
  auto log = OpenLog(options);
  ASSERT_NE(log, nullptr);
  Fill(*log, 40);
  EXPECT_TRUE(log->DeleteRecordsBefore(121).IsOutOfRange());
  ASSERT_TRUE(log->DeleteRecordsBefore(50).ok());
  ASSERT_TRUE(log->DeleteRecordsBefore(10).ok());  // lower: a no-op
  EXPECT_EQ(log->log_start_offset(), 50);
  EXPECT_TRUE(log->Read(49, 100).status().IsOutOfRange());
  auto read = log->Read(50, 1);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->first_offset, 48);  // the batch holding 50

  // Retention drops the segments wholly below the new start.
  auto removed = log->ApplyRetention();
  ASSERT_TRUE(removed.ok());
  EXPECT_GT(*removed, 0u);
  EXPECT_LE(log->segments().front().base_offset, 50);
  EXPECT_EQ(log->log_start_offset(), 50);

  log = Restart(std::move(log), options);
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->log_start_offset(), 50);
  EXPECT_EQ(log->next_offset(), 120);
  EXPECT_TRUE(log->Read(49, 100).status().IsOutOfRange());

  // Deleting everything leaves an empty, appendable log.
  ASSERT_TRUE(log->DeleteRecordsBefore(120).ok());
  log = Restart(std::move(log), options);
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->log_start_offset(), 120);
  std::string batch = MakeBatch(2, kStart);
  auto appended = AppendBytes(*log, batch);
  ASSERT_TRUE(appended.ok());
  EXPECT_EQ(appended->base_offset, 120);
  EXPECT_EQ(appended->log_start_offset, 120);
}

TEST_P(PartitionLogTest, RestartReturnsIdenticalBytes) {
  const LogOptions options = SmallSegments();
  auto log = OpenLog(options);
  ASSERT_NE(log, nullptr);
  Fill(*log, 25);
  const std::string before = ReadAll(*log, 0);
  const auto segments_before = log->segments();
  log = Restart(std::move(log), options);
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->next_offset(), 75);
  EXPECT_EQ(log->flushed_offset(), 75);
  EXPECT_EQ(log->segments().size(), segments_before.size());
  EXPECT_EQ(ReadAll(*log, 0), before);
  std::string batch = MakeBatch(1, kStart);
  auto appended = AppendBytes(*log, batch);
  ASSERT_TRUE(appended.ok()) << appended.status().ToString();
  EXPECT_EQ(appended->base_offset, 75);
}

TEST_P(PartitionLogTest, LogAppendTimeStampsTheBatch) {
  LogOptions options;
  options.timestamp_type = TimestampType::kLogAppendTime;
  auto log = OpenLog(options);
  ASSERT_NE(log, nullptr);
  Fill(*log, 1);
  clock_.Advance(5000);
  std::string batch = MakeBatch(3, 1);  // producer times far in the past
  auto appended = AppendBytes(*log, batch);
  ASSERT_TRUE(appended.ok());
  EXPECT_EQ(appended->log_append_time, kStart + 5000);

  auto read = log->Read(3, 1);
  ASSERT_TRUE(read.ok());
  const std::string bytes = ReadBytes(*read);
  auto view =
      RecordBatchView::Parse({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->header().timestamp_type(), TimestampType::kLogAppendTime);
  EXPECT_EQ(view->header().max_timestamp, kStart + 5000);
  EXPECT_EQ(view->header().base_offset, 3);
  EXPECT_EQ(view->header().partition_leader_epoch, 0);
  EXPECT_TRUE(view->VerifyCrc().ok());
  // Every record of a LogAppendTime batch has the batch's time.
  EXPECT_EQ(*log->OffsetForTimestamp(kStart + 1), 3);
}

TEST_P(PartitionLogTest, RefusesOversizeAndCorruptBatches) {
  LogOptions options;
  options.max_message_bytes = 300;
  auto log = OpenLog(options);
  ASSERT_NE(log, nullptr);
  Fill(*log, 2, 1);
  const Offset end = log->next_offset();
  const uint64_t size = log->size_bytes();

  std::string big = MakeBatch(1, kStart, 400);
  EXPECT_TRUE(AppendBytes(*log, big).status().IsTooLarge());

  std::string corrupt = MakeBatch(2, kStart);
  corrupt[corrupt.size() - 3] ^= 0x40;
  EXPECT_TRUE(AppendBytes(*log, corrupt).status().IsCorruption());

  std::string truncated = MakeBatch(2, kStart);
  truncated.resize(truncated.size() - 5);
  EXPECT_FALSE(AppendBytes(*log, truncated).ok());

  std::string garbage(80, '\x07');
  EXPECT_FALSE(AppendBytes(*log, garbage).ok());

  std::string two = MakeBatch(1, kStart) + MakeBatch(1, kStart);
  EXPECT_TRUE(AppendBytes(*log, two).status().IsInvalidArgument());

  EXPECT_EQ(log->next_offset(), end);
  EXPECT_EQ(log->size_bytes(), size);
  EXPECT_EQ(Headers(ReadAll(*log, 0)).size(), 2u);
}

TEST_P(PartitionLogTest, FlushMessagesAndFlushMsFlushOnTheirOwn) {
  LogOptions options;
  options.flush_interval_messages = 5;
  options.flush_interval_ms = 1000;
  auto log = OpenLog(options);
  ASSERT_NE(log, nullptr);
  Fill(*log, 1, 3);
  EXPECT_EQ(log->flushed_offset(), 0);
  Fill(*log, 1, 3);  // 6 unflushed messages >= 5
  EXPECT_EQ(log->flushed_offset(), 6);

  Fill(*log, 1, 1);
  ASSERT_TRUE(log->FlushIfDue().ok());
  EXPECT_EQ(log->flushed_offset(), 6);
  clock_.Advance(1000);
  ASSERT_TRUE(log->FlushIfDue().ok());
  EXPECT_EQ(log->flushed_offset(), 7);
}

TEST_P(PartitionLogTest, ConcurrentAppendersAndFlushersGetContiguousOffsets) {
  auto log = OpenLog(SmallSegments());
  ASSERT_NE(log, nullptr);
  constexpr int kAppenders = 4;
  constexpr int kBatchesEach = 60;
  std::atomic<int> appenders_left{kAppenders};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kAppenders; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kBatchesEach; ++i) {
        std::string batch = MakeBatch(1 + (i + t) % 3, kStart + i);
        auto appended = AppendBytes(*log, batch);
        if (!appended.ok()) {
          ++failures;
          continue;
        }
        if (i % 10 == 9) {
          // Flush covers at least everything this thread appended.
          if (!log->Flush().ok() || log->flushed_offset() <= appended->last_offset) ++failures;
        }
      }
      --appenders_left;
    });
  }
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] {
      while (appenders_left.load() > 0) {
        if (!log->Flush().ok()) ++failures;
        auto read = log->Read(log->log_start_offset(), 512);
        if (!read.ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_TRUE(log->Flush().ok());
  EXPECT_EQ(log->flushed_offset(), log->next_offset());

  int64_t records = 0;
  Offset expected = 0;
  for (const BatchHeader& h : Headers(ReadAll(*log, 0))) {
    EXPECT_EQ(h.base_offset, expected);
    expected = h.next_offset();
    records += h.record_count;
  }
  EXPECT_EQ(expected, log->next_offset());
  EXPECT_EQ(records, log->next_offset());
  EXPECT_EQ(records, kAppenders * kBatchesEach * 2);
}

TEST_P(PartitionLogTest, DeleteRemovesEverything) {
  auto log = OpenLog(SmallSegments());
  ASSERT_NE(log, nullptr);
  Fill(*log, 20);
  ASSERT_TRUE(log->DeleteRecordsBefore(10).ok());
  ASSERT_TRUE(log->Delete().ok());
  EXPECT_TRUE(log->Read(10, 100).status().IsNotFound());
  std::string batch = MakeBatch(1, kStart);
  EXPECT_TRUE(AppendBytes(*log, batch).status().IsNotFound());
  log.reset();

  auto partitions = backend_->ListPartitions();
  ASSERT_TRUE(partitions.ok());
  EXPECT_TRUE(partitions->empty());
  EXPECT_TRUE(backend_->GetMeta(PartitionLog::LogStartMetaName(id_)).status().IsNotFound());
  log = OpenLog(SmallSegments());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->log_start_offset(), 0);
  EXPECT_EQ(log->next_offset(), 0);
}

TEST_P(PartitionLogTest, RejectsBadOptions) {
  LogOptions options;
  options.segment_bytes = 10;
  EXPECT_TRUE(
      PartitionLog::Open(id_, backend_.get(), options, &clock_).status().IsInvalidArgument());
  auto log = OpenLog({});
  ASSERT_NE(log, nullptr);
  EXPECT_TRUE(log->SetOptions(options).IsInvalidArgument());
  EXPECT_EQ(log->options().segment_bytes, LogOptions().segment_bytes);
}

INSTANTIATE_TEST_SUITE_P(Backends, PartitionLogTest, ::testing::ValuesIn(AllTestBackends()),
                         BackendParamName());

}  // namespace
}  // namespace ringlog::testing
