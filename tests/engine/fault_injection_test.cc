// PartitionLog and LogManager under storage faults, on every backend through FaultBackend:
// I/O errors reach the caller, the log stays consistent and readable, and a crash loses
// nothing that a Flush() acknowledged.
#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "engine/log/log_manager.h"
#include "engine/log/partition_log.h"
#include "engine/log/record_batch.h"
#include "engine/log/record_batch_builder.h"
#include "tests/support/fault_backend.h"
#include "tests/support/log_contents.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {
namespace {

constexpr TimestampMs kStart = 1'700'000'000'000;

Result<AppendResult> AppendRecords(PartitionLog& log, int count, TimestampMs ts = kStart) {
  std::string batch = BuildUniformBatch(count, std::string(60, 'v'), ts);
  return log.Append({reinterpret_cast<uint8_t*>(batch.data()), batch.size()});
}

LogOptions SmallSegments() {
  LogOptions options;
  options.segment_bytes = 1024;
  return options;
}

class FaultInjectionTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto backend = FaultBackend::Open(
        [name = GetParam(), dir = dir_.Sub("data")] { return OpenTestBackend(name, dir); });
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(*backend);
  }

  std::unique_ptr<PartitionLog> OpenLog(const LogOptions& options) {
    auto log = PartitionLog::Open(id_, backend_.get(), options, &clock_);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return log.ok() ? std::move(*log) : nullptr;
  }

  TempDir dir_;
  ManualClock clock_{kStart};
  std::unique_ptr<FaultBackend> backend_;
  const PartitionId id_{"events", 0};
};

TEST_P(FaultInjectionTest, AppendErrorReachesTheCallerAndLeavesTheLogAsItWas) {
  auto log = OpenLog(SmallSegments());
  ASSERT_NE(log, nullptr);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(AppendRecords(*log, 2).ok());
  const auto before = ReadAll(*log, 0);
  ASSERT_TRUE(before.ok());

  backend_->InjectFault(FaultOp::kAppend, Status::IOError("injected write error", EIO));
  auto failed = AppendRecords(*log, 2);
  EXPECT_TRUE(failed.status().IsIOError()) << failed.status().ToString();
  EXPECT_EQ(log->next_offset(), 10);
  EXPECT_EQ(*ReadAll(*log, 0), *before);

  auto next = AppendRecords(*log, 3);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->base_offset, 10);
  EXPECT_EQ(log->next_offset(), 13);
}

TEST_P(FaultInjectionTest, FailedRollLeavesTheLogAsItWas) {
  auto log = OpenLog(SmallSegments());
  ASSERT_NE(log, nullptr);
  while (log->segments().size() == 1) ASSERT_TRUE(AppendRecords(*log, 2).ok());
  const Offset end = log->next_offset();
  const size_t segments = log->segments().size();
  // Fill the active segment until the next batch must roll.
  const uint64_t batch_size = BuildUniformBatch(2, std::string(60, 'v'), kStart).size();
  while (log->segments().back().size_bytes + batch_size <= 1024) {
    ASSERT_TRUE(AppendRecords(*log, 2).ok());
  }
  ASSERT_EQ(log->segments().size(), segments);
  const Offset full_end = log->next_offset();
  ASSERT_GT(full_end, end);

  backend_->InjectFault(FaultOp::kCreateSegment, Status::IOError("injected ENOSPC", ENOSPC));
  EXPECT_TRUE(AppendRecords(*log, 2).status().IsIOError());
  backend_->InjectFault(FaultOp::kSeal, Status::IOError("injected seal error", EIO));
  EXPECT_TRUE(AppendRecords(*log, 2).status().IsIOError());
  EXPECT_EQ(log->next_offset(), full_end);
  EXPECT_EQ(log->segments().size(), segments);
  EXPECT_TRUE(ReadAll(*log, 0).ok());

  // Once storage works again, the roll happens and appends go on where they stopped.
  auto appended = AppendRecords(*log, 2);
  ASSERT_TRUE(appended.ok()) << appended.status().ToString();
  EXPECT_EQ(appended->base_offset, full_end);
  EXPECT_EQ(log->segments().size(), segments + 1);
}

TEST_P(FaultInjectionTest, FlushErrorReachesTheCaller) {
  auto log = OpenLog(SmallSegments());
  ASSERT_NE(log, nullptr);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(AppendRecords(*log, 2).ok());
  backend_->InjectFault(FaultOp::kFlush, Status::IOError("injected fsync error", EIO));
  EXPECT_TRUE(log->Flush().IsIOError());
  EXPECT_EQ(log->flushed_offset(), 0);
  EXPECT_TRUE(ReadAll(*log, 0).ok());

  ASSERT_TRUE(log->Flush().ok());
  EXPECT_EQ(log->flushed_offset(), 40);
}

TEST_P(FaultInjectionTest, RolledSegmentsAFailedFlushMissedAreSyncedByTheNext) {
  auto log = OpenLog(SmallSegments());
  ASSERT_NE(log, nullptr);
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(AppendRecords(*log, 2).ok());
  ASSERT_GT(log->segments().size(), 3u);
  const auto all = ReadAll(*log, 0);
  ASSERT_TRUE(all.ok());
  // The first rolled segment syncs, the second fails: the rest stay unflushed.
  backend_->InjectFault(FaultOp::kFlush, Status::IOError("injected fsync error", EIO), 1);
  EXPECT_TRUE(log->Flush().IsIOError());
  EXPECT_EQ(log->flushed_offset(), 0);
  backend_->ClearFaults();
  ASSERT_TRUE(log->Flush().ok());
  EXPECT_EQ(log->flushed_offset(), 60);
  log.reset();

  ASSERT_TRUE(backend_->SimulateCrash().ok());
  log = OpenLog(SmallSegments());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(*ReadAll(*log, 0), *all);
}

// Group commit: a flush's sync does not hold up appends, and it covers what was appended
// before it started; the next flush covers the rest.
TEST_P(FaultInjectionTest, AppendsGoOnWhileAFlushSyncs) {
  auto log = OpenLog(LogOptions{});
  ASSERT_NE(log, nullptr);
  ASSERT_TRUE(AppendRecords(*log, 4).ok());
  std::mutex mu;
  std::condition_variable cv;
  bool flush_started = false;
  bool released = false;
  bool stalled_appends = false;
  backend_->SetHook(FaultOp::kFlush, [&] {
    std::unique_lock lock(mu);
    flush_started = true;
    cv.notify_all();
    // Bounded, so appends that wait for the sync fail the test instead of hanging it.
    if (!cv.wait_for(lock, std::chrono::seconds(5), [&] { return released; })) {
      stalled_appends = true;
    }
  });
  Status flushed;
  std::thread flusher([&] { flushed = log->Flush(); });
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return flush_started; });
  }
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(AppendRecords(*log, 2).ok());
  {
    std::lock_guard lock(mu);
    released = true;
  }
  cv.notify_all();
  flusher.join();
  backend_->SetHook(FaultOp::kFlush, nullptr);
  EXPECT_FALSE(stalled_appends) << "appends waited for the flush's sync";
  ASSERT_TRUE(flushed.ok()) << flushed.ToString();
  EXPECT_EQ(log->next_offset(), 10);
  EXPECT_GE(log->flushed_offset(), 4);
  ASSERT_TRUE(log->Flush().ok());
  EXPECT_EQ(log->flushed_offset(), 10);
  log.reset();
  ASSERT_TRUE(backend_->SimulateCrash().ok());
  log = OpenLog(LogOptions{});
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->next_offset(), 10);
}

TEST_P(FaultInjectionTest, FailedFlushMessagesFlushUndoesTheAppend) {
  LogOptions options = SmallSegments();
  options.flush_interval_messages = 4;
  auto log = OpenLog(options);
  ASSERT_NE(log, nullptr);
  ASSERT_TRUE(AppendRecords(*log, 4).ok());
  EXPECT_EQ(log->flushed_offset(), 4);
  ASSERT_TRUE(AppendRecords(*log, 1).ok());
  const auto before = ReadAll(*log, 0);

  backend_->InjectFault(FaultOp::kFlush, Status::IOError("injected fsync error", EIO));
  EXPECT_TRUE(AppendRecords(*log, 3).status().IsIOError());
  EXPECT_EQ(log->next_offset(), 5);
  EXPECT_EQ(log->flushed_offset(), 4);
  EXPECT_EQ(*ReadAll(*log, 0), *before);

  auto appended = AppendRecords(*log, 3);
  ASSERT_TRUE(appended.ok());
  EXPECT_EQ(appended->base_offset, 5);
  EXPECT_EQ(log->flushed_offset(), 8);
}

TEST_P(FaultInjectionTest, CrashKeepsEveryFlushedBatchAndOnlyThose) {
  auto log = OpenLog(SmallSegments());
  ASSERT_NE(log, nullptr);
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(AppendRecords(*log, 2).ok());
  ASSERT_TRUE(log->Flush().ok());
  const Offset acknowledged = log->flushed_offset();
  ASSERT_EQ(acknowledged, 60);
  const auto durable = ReadAll(*log, 0);
  ASSERT_TRUE(durable.ok());
  // Unflushed appends, spread over rolled segments too.
  for (int i = 0; i < 25; ++i) ASSERT_TRUE(AppendRecords(*log, 2).ok());
  ASSERT_GT(log->segments().back().base_offset, acknowledged);
  log.reset();

  ASSERT_TRUE(backend_->SimulateCrash().ok());
  log = OpenLog(SmallSegments());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(*ReadAll(*log, 0), *durable);
  EXPECT_GE(log->next_offset(), acknowledged);
  EXPECT_TRUE(ReadAll(*log, acknowledged)->empty()) << "unflushed data survived the crash";

  // The log goes on after the crash, and what is flushed now survives the next one.
  auto appended = AppendRecords(*log, 2);
  ASSERT_TRUE(appended.ok()) << appended.status().ToString();
  EXPECT_GE(appended->base_offset, acknowledged);
  ASSERT_TRUE(log->Flush().ok());
  const auto after = ReadAll(*log, 0);
  log.reset();
  ASSERT_TRUE(backend_->SimulateCrash().ok());
  log = OpenLog(SmallSegments());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(*ReadAll(*log, 0), *after);
  auto read = log->Read(appended->base_offset, 1);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->first_offset, appended->base_offset);
}

TEST_P(FaultInjectionTest, RetentionDeleteErrorIsReported) {
  LogOptions options = SmallSegments();
  options.retention_bytes = 0;
  auto log = OpenLog(options);
  ASSERT_NE(log, nullptr);
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(AppendRecords(*log, 2).ok());
  ASSERT_GT(log->segments().size(), 3u);
  backend_->InjectFault(FaultOp::kDeleteSegment, Status::IOError("injected unlink error", EIO),
                        /*skip=*/1);
  EXPECT_TRUE(log->ApplyRetention().status().IsIOError());
  // The log is consistent: readable from its start, appendable at its end.
  ASSERT_EQ(log->segments().size(), 1u);
  EXPECT_EQ(log->log_start_offset(), log->segments()[0].base_offset);
  EXPECT_TRUE(ReadAll(*log, log->log_start_offset()).ok());
  ASSERT_TRUE(AppendRecords(*log, 2).ok());
  ASSERT_TRUE(log->Flush().ok());
  const Offset end = log->next_offset();
  const size_t live = log->segments().size();  // the append may have rolled
  log.reset();

  // The segment that failed to go comes back after a restart and goes on the next pass.
  log = OpenLog(options);
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->segments().size(), live + 1);
  EXPECT_EQ(log->next_offset(), end);
  EXPECT_TRUE(ReadAll(*log, log->log_start_offset()).ok());
  auto removed = log->ApplyRetention();
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, live);
}

TEST_P(FaultInjectionTest, MetaErrorsAreReportedAndChangeNothing) {
  auto log = OpenLog(SmallSegments());
  ASSERT_NE(log, nullptr);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(AppendRecords(*log, 2).ok());
  backend_->InjectFault(FaultOp::kPutMeta, Status::IOError("injected meta error", EIO));
  EXPECT_TRUE(log->DeleteRecordsBefore(4).IsIOError());
  EXPECT_EQ(log->log_start_offset(), 0);
  EXPECT_TRUE(log->Read(0, 1).ok());
  log.reset();

  auto manager = LogManager::Open(backend_.get(), {}, &clock_);
  ASSERT_TRUE(manager.ok()) << manager.status().ToString();
  backend_->InjectFault(FaultOp::kPutMeta, Status::IOError("injected meta error", EIO));
  EXPECT_TRUE((*manager)->CreateTopic("t", 3, {}).IsIOError());
  EXPECT_TRUE((*manager)->GetTopic("t").status().IsNotFound());
  auto stored = backend_->ListPartitions();
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(stored->empty());

  ASSERT_TRUE((*manager)->CreateTopic("t", 2, {}).ok());
  backend_->InjectFault(FaultOp::kDeleteMeta, Status::IOError("injected meta error", EIO));
  EXPECT_TRUE((*manager)->DeleteTopic("t").IsIOError());
  ASSERT_NE((*manager)->GetPartition({"t", 1}), nullptr);
  EXPECT_TRUE(AppendRecords(*(*manager)->GetPartition({"t", 1}), 1).ok());

  backend_->InjectFault(FaultOp::kPutMeta, Status::IOError("injected meta error", EIO));
  EXPECT_TRUE((*manager)->CreatePartitions("t", 4).IsIOError());
  EXPECT_TRUE((*manager)->AlterTopicConfigs("t", {{"retention.ms", "5"}}).ok());
  EXPECT_EQ((*manager)->GetTopic("t")->partitions, 2);
  EXPECT_EQ((*manager)->GetPartition({"t", 2}), nullptr);
  EXPECT_EQ(backend_->ListPartitions()->size(), 2u);
}

TEST_P(FaultInjectionTest, ReadAndOpenErrorsReachTheCaller) {
  auto log = OpenLog({});
  ASSERT_NE(log, nullptr);
  ASSERT_TRUE(AppendRecords(*log, 3).ok());
  backend_->InjectFault(FaultOp::kRead, Status::IOError("injected read error", EIO));
  EXPECT_TRUE(log->Read(0, 100).status().IsIOError());
  EXPECT_TRUE(log->Read(0, 100).ok());
  log.reset();

  backend_->InjectFault(FaultOp::kOpenPartition, Status::IOError("injected open error", EIO));
  EXPECT_TRUE(PartitionLog::Open(id_, backend_.get(), {}, &clock_).status().IsIOError());
  backend_->InjectFault(FaultOp::kGetMeta, Status::IOError("injected meta error", EIO));
  EXPECT_TRUE(PartitionLog::Open(id_, backend_.get(), {}, &clock_).status().IsIOError());
  log = OpenLog({});
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->next_offset(), 3);
  EXPECT_EQ(backend_->calls(FaultOp::kOpenPartition), 4);
}

INSTANTIATE_TEST_SUITE_P(Backends, FaultInjectionTest, ::testing::ValuesIn(AllTestBackends()),
                         BackendParamName());

}  // namespace
}  // namespace ringlog::testing
