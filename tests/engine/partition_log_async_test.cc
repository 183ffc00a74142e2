// PartitionLog::AppendAsync on every backend: written callbacks run once each, in append
// order, after the high watermark moved past their batch; the batch is only borrowed;
// rolls, flushes, reads and destruction while writes are queued; and a failed write
// (FaultOp::kWrite) that is reported to its callback and cut back by the next append.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <map>
#include <mutex>
#include <span>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/log/partition_log.h"
#include "engine/log/record_batch.h"
#include "engine/log/record_batch_builder.h"
#include "tests/support/fault_backend.h"
#include "tests/support/log_contents.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"
#include "tests/support/writer_gate.h"

namespace ringlog::testing {
namespace {

constexpr TimestampMs kStart = 1'700'000'000'000;

int RecordCount(int index) { return 1 + index % 3; }

// Batch `index` of a run: values unique to it, built at offset `base` with leader epoch 0,
// so when the log assigns it `base` the stored bytes are exactly these.
std::string MakeBatch(int index, Offset base, size_t value_size = 64) {
  std::string value = "batch-" + std::to_string(index) + "-";
  value.resize(value_size, static_cast<char>('a' + index % 26));
  BatchOptions options;
  options.base_offset = base;
  options.partition_leader_epoch = 0;
  return BuildUniformBatch(RecordCount(index), value, kStart + index, options);
}

std::span<uint8_t> Bytes(std::string& batch) {
  return {reinterpret_cast<uint8_t*>(batch.data()), batch.size()};
}

// The base offsets of the whole batches in `bytes`; fails the test on a partial batch or
// on a gap between batches.
std::vector<Offset> ContiguousBases(const std::string& bytes) {
  BatchIterator it({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
  std::vector<Offset> bases;
  Offset next = -1;
  while (auto batch = it.Next()) {
    if (next >= 0) {
      EXPECT_EQ(batch->header().base_offset, next) << "a gap in the log";
    }
    bases.push_back(batch->header().base_offset);
    next = batch->header().next_offset();
  }
  EXPECT_TRUE(it.status().ok()) << it.status().ToString();
  EXPECT_EQ(it.consumed(), bytes.size()) << "a read returned a partial batch";
  return bases;
}

// The base offsets of the whole batches in `bytes`, for failure messages.
std::string DescribeBatches(const std::string& bytes) {
  BatchIterator it({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
  std::ostringstream out;
  out << bytes.size() << " bytes, batches at";
  while (auto batch = it.Next()) out << " " << batch->header().base_offset;
  if (it.consumed() != bytes.size()) out << " and a partial batch";
  return out.str();
}

// Byte-for-byte equality that, unlike EXPECT_EQ on strings, names the first difference and
// the batches instead of printing whole logs.
::testing::AssertionResult SameBytes(const std::string& actual, const std::string& expected) {
  if (actual == expected) return ::testing::AssertionSuccess();
  const auto diff = std::mismatch(actual.begin(), actual.end(), expected.begin(), expected.end());
  return ::testing::AssertionFailure()
         << "first difference at byte " << (diff.first - actual.begin())
         << "\n  actual: " << DescribeBatches(actual)
         << "\n  expected: " << DescribeBatches(expected);
}

// What one written callback saw.
struct Written {
  Status status;
  // next_offset() inside the callback.
  Offset high_watermark = -1;
  // The batch's offsets read back inside the callback (only when asked for and OK).
  std::string read;
};

// The written callbacks of a run of batches, recorded from whatever thread runs them.
class WrittenLog {
 public:
  explicit WrittenLog(size_t batches) : calls_(batches) {}

  // The callback of batch `index`. With `log`, it also notes the high watermark and reads
  // `size` bytes at `base` back, as a reader would right after the callback.
  Segment::WrittenCallback Callback(size_t index, const PartitionLog* log = nullptr,
                                    Offset base = 0, size_t size = 0) {
    return [this, index, log, base, size](Status status) {
      Written written;
      written.status = std::move(status);
      if (log != nullptr) {
        written.high_watermark = log->next_offset();
        if (written.status.ok()) {
          Result<ReadResult> read = log->Read(base, size);
          Result<std::string> bytes = read.ok() ? CopyReadBytes(*read) : read.status();
          written.read = bytes.ok() ? *bytes : bytes.status().ToString();
        }
      }
      std::lock_guard lock(mu_);
      calls_[index].push_back(std::move(written));
      order_.push_back(index);
      cv_.notify_all();
    };
  }

  void WaitFor(size_t count) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return order_.size() >= count; });
  }
  size_t count() {
    std::lock_guard lock(mu_);
    return order_.size();
  }
  // The batch indexes in the order their callbacks ran.
  std::vector<size_t> order() {
    std::lock_guard lock(mu_);
    return order_;
  }
  // Every call of batch `index`'s callback.
  std::vector<Written> calls(size_t index) {
    std::lock_guard lock(mu_);
    return calls_[index];
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::vector<Written>> calls_;
  std::vector<size_t> order_;
};

// One AppendAsync of a run.
struct Appended {
  Result<AppendResult> result = AppendResult{};
  // The batch as the log stamped it: its buffer right after the call.
  std::string stored;
};

// AppendAsyncs `count` batches, starting at offset `base`, each from its own buffer that is
// overwritten and freed as soon as the call returns. With `inspect`, each callback reads
// its batch back. With `hold`, the first batch's callback waits behind it.
std::vector<Appended> AppendRun(PartitionLog& log, int count, Offset base, WrittenLog& written,
                                bool inspect, WriterGate* hold = nullptr) {
  std::vector<Appended> run;
  for (int i = 0; i < count; ++i) {
    std::string buffer = MakeBatch(i, base);
    Segment::WrittenCallback callback =
        inspect ? written.Callback(i, &log, base, buffer.size()) : written.Callback(i);
    if (i == 0 && hold != nullptr) callback = hold->Wrap(std::move(callback));
    Appended appended;
    appended.result = log.AppendAsync(Bytes(buffer), std::move(callback));
    appended.stored = buffer;
    std::fill(buffer.begin(), buffer.end(), '\xEE');
    if (appended.result.ok()) base = appended.result->last_offset + 1;
    run.push_back(std::move(appended));
  }
  return run;
}

std::string Concat(const std::vector<Appended>& run) {
  std::string all;
  for (const Appended& a : run) all += a.stored;
  return all;
}

Offset RunEnd(int count) {
  Offset end = 0;
  for (int i = 0; i < count; ++i) end += RecordCount(i);
  return end;
}

LogOptions SmallSegments() {
  LogOptions options;
  options.segment_bytes = 4096;
  options.index_interval_bytes = 512;
  return options;
}

class PartitionLogAsyncTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { OpenBackend(); }

  void OpenBackend() {
    auto backend = OpenTestBackend(GetParam(), dir_.Sub("data"));
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(*backend);
  }

  std::unique_ptr<PartitionLog> OpenLog(const LogOptions& options = {}) {
    auto log = PartitionLog::Open(id_, backend_.get(), options, &clock_);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return log.ok() ? std::move(*log) : nullptr;
  }

  TempDir dir_;
  ManualClock clock_{kStart};
  std::unique_ptr<StorageBackend> backend_;
  const PartitionId id_{"async", 1};
};

TEST_P(PartitionLogAsyncTest, CallbacksRunOnceInOrderAfterTheirBatchIsReadable) {
  constexpr int kBatches = 200;
  WrittenLog written(kBatches);
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  const std::vector<Appended> run = AppendRun(*log, kBatches, 0, written, /*inspect=*/true);

  Offset next = 0;
  for (int i = 0; i < kBatches; ++i) {
    ASSERT_TRUE(run[i].result.ok()) << i << ": " << run[i].result.status().ToString();
    EXPECT_EQ(run[i].result->base_offset, next) << i;
    EXPECT_EQ(run[i].result->last_offset, next + RecordCount(i) - 1) << i;
    // The log assigned the offsets the batch was built with: stamping changed no byte.
    EXPECT_EQ(run[i].stored, MakeBatch(i, next)) << i;
    next += RecordCount(i);
  }
  written.WaitFor(kBatches);
  std::vector<size_t> in_order(kBatches);
  for (int i = 0; i < kBatches; ++i) in_order[i] = i;
  EXPECT_EQ(written.order(), in_order);
  for (int i = 0; i < kBatches; ++i) {
    const std::vector<Written> calls = written.calls(i);
    ASSERT_EQ(calls.size(), 1u) << i;
    EXPECT_TRUE(calls[0].status.ok()) << i << ": " << calls[0].status.ToString();
    EXPECT_GT(calls[0].high_watermark, run[i].result->last_offset) << i;
    EXPECT_TRUE(SameBytes(calls[0].read, run[i].stored)) << i;
  }
  EXPECT_EQ(log->next_offset(), next);
  const Result<std::string> all = ReadAll(*log, 0);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_TRUE(SameBytes(*all, Concat(run)));

  log.reset();
  EXPECT_EQ(written.count(), static_cast<size_t>(kBatches)) << "a callback ran twice";
}

TEST_P(PartitionLogAsyncTest, RollWhileWritesAreQueuedLeavesNoGap) {
  constexpr int kBatches = 200;
  WrittenLog written(kBatches);
  auto log = OpenLog(SmallSegments());
  ASSERT_NE(log, nullptr);
  const std::vector<Appended> run = AppendRun(*log, kBatches, 0, written, /*inspect=*/false);
  for (const Appended& a : run) ASSERT_TRUE(a.result.ok()) << a.result.status().ToString();
  written.WaitFor(kBatches);
  for (int i = 0; i < kBatches; ++i) EXPECT_TRUE(written.calls(i).at(0).status.ok()) << i;

  const std::vector<SegmentInfo> segments = log->segments();
  EXPECT_GE(segments.size(), 5u);
  EXPECT_EQ(segments.front().base_offset, 0);
  for (size_t i = 0; i < segments.size(); ++i) {
    // Every batch is far below segment.bytes, so a roll keeps each segment within it.
    EXPECT_LE(segments[i].size_bytes, SmallSegments().segment_bytes) << "segment " << i;
    if (i > 0) {
      EXPECT_EQ(segments[i].base_offset, segments[i - 1].next_offset) << "segment " << i;
    }
  }
  EXPECT_EQ(segments.back().next_offset, RunEnd(kBatches));
  EXPECT_EQ(log->next_offset(), RunEnd(kBatches));
  const Result<std::string> all = ReadAll(*log, 0);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(ContiguousBases(*all).size(), static_cast<size_t>(kBatches));
  EXPECT_TRUE(SameBytes(*all, Concat(run)));
}

TEST_P(PartitionLogAsyncTest, FlushCoversBatchesWhoseCallbackMayNotHaveRun) {
  constexpr int kBatches = 100;
  WrittenLog written(kBatches);
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  const std::vector<Appended> run = AppendRun(*log, kBatches, 0, written, /*inspect=*/false);
  ASSERT_TRUE(run.back().result.ok()) << run.back().result.status().ToString();
  ASSERT_TRUE(log->Flush().ok());
  EXPECT_GE(log->flushed_offset(), run.back().result->last_offset + 1);

  written.WaitFor(kBatches);
  for (int i = 0; i < kBatches; ++i) EXPECT_TRUE(written.calls(i).at(0).status.ok()) << i;
}

TEST_P(PartitionLogAsyncTest, AppendReturnsOnlyOnceEveryEarlierBatchIsWritten) {
  constexpr int kBatches = 50;
  WrittenLog written(kBatches);
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  const std::vector<Appended> run = AppendRun(*log, kBatches, 0, written, /*inspect=*/false);
  std::string last = MakeBatch(kBatches, RunEnd(kBatches));
  const Result<AppendResult> appended = log->Append(Bytes(last));
  ASSERT_TRUE(appended.ok()) << appended.status().ToString();
  EXPECT_EQ(appended->base_offset, RunEnd(kBatches));
  // Writes complete in append order, so the earlier callbacks all ran.
  EXPECT_EQ(written.count(), static_cast<size_t>(kBatches));
  EXPECT_EQ(log->next_offset(), RunEnd(kBatches + 1));
  const Result<std::string> all = ReadAll(*log, 0);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_TRUE(SameBytes(*all, Concat(run) + last));
}

TEST_P(PartitionLogAsyncTest, LargeBatchesQueuedAmongSmallOnes) {
  // Above the uring backend's 512 KiB queue, below max.message.bytes.
  constexpr size_t kLarge = 700 << 10;
  WrittenLog written(60);
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  std::string expected;
  Offset base = 0;
  for (int i = 0; i < 60; ++i) {
    std::string buffer = MakeBatch(i, base, i % 20 == 10 ? kLarge / RecordCount(i) : 64);
    const Result<AppendResult> appended = log->AppendAsync(Bytes(buffer), written.Callback(i));
    ASSERT_TRUE(appended.ok()) << i << ": " << appended.status().ToString();
    ASSERT_EQ(appended->base_offset, base);
    expected += buffer;
    std::fill(buffer.begin(), buffer.end(), '\xEE');
    base += RecordCount(i);
  }
  written.WaitFor(60);
  EXPECT_EQ(written.order().size(), 60u);
  for (int i = 0; i < 60; ++i) EXPECT_TRUE(written.calls(i).at(0).status.ok()) << i;
  const Result<std::string> all = ReadAll(*log, 0);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_TRUE(SameBytes(*all, expected));
}

TEST_P(PartitionLogAsyncTest, ConcurrentReadsSeeOnlyWholeBatchesBelowTheHighWatermark) {
  constexpr int kBatches = 300;
  std::map<Offset, std::string> by_base;
  std::vector<std::string> batches;
  Offset base = 0;
  for (int i = 0; i < kBatches; ++i) {
    batches.push_back(MakeBatch(i, base, 32 + (i * 37) % 500));
    by_base[base] = batches.back();
    base += RecordCount(i);
  }
  const Offset end = base;
  WrittenLog written(kBatches);
  auto log = OpenLog(SmallSegments());
  ASSERT_NE(log, nullptr);

  std::atomic<bool> writer_done{false};
  std::thread writer([&] {
    size_t queued = 0;
    for (int i = 0; i < kBatches; ++i) {
      std::string buffer = batches[i];
      const bool ok = log->AppendAsync(Bytes(buffer), written.Callback(i)).ok();
      EXPECT_TRUE(ok) << i;
      queued += ok ? 1 : 0;
    }
    written.WaitFor(queued);
    writer_done = true;
  });
  int reads = 0;
  // Reads the log as it grows: on from where the last read ended, and again from a
  // pseudo-random earlier offset. Returns at the end, or when the writer stopped short.
  [&] {
    Offset at = 0;
    uint64_t probe = 12345;
    while (at < end && !(writer_done && at >= log->next_offset())) {
      probe = probe * 6364136223846793005ull + 1442695040888963407ull;
      const Offset from = at == 0 ? 0 : static_cast<Offset>((probe >> 33) % at);
      for (const Offset offset : {at, from}) {
        const Result<ReadResult> read = log->Read(offset, 1500);
        const Offset high_watermark = log->next_offset();
        ASSERT_TRUE(read.ok()) << offset << ": " << read.status().ToString();
        ++reads;
        if (read->empty()) continue;
        EXPECT_LE(read->next_offset, high_watermark) << "read past the high watermark";
        const Result<std::string> bytes = CopyReadBytes(*read);
        ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
        size_t position = 0;
        for (const Offset batch_base : ContiguousBases(*bytes)) {
          const auto want = by_base.find(batch_base);
          ASSERT_NE(want, by_base.end()) << "no batch was appended at " << batch_base;
          ASSERT_EQ(bytes->compare(position, want->second.size(), want->second), 0)
              << "batch " << batch_base;
          position += want->second.size();
        }
        if (offset == at) at = read->next_offset;
      }
    }
  }();
  writer.join();
  written.WaitFor(kBatches);
  EXPECT_GT(reads, 0);
  EXPECT_EQ(log->next_offset(), end);
}

TEST_P(PartitionLogAsyncTest, DestroyingTheLogWaitsForEveryCallback) {
  constexpr int kBatches = 200;
  WrittenLog written(kBatches);
  auto log = OpenLog(SmallSegments());
  ASSERT_NE(log, nullptr);
  const std::vector<Appended> run = AppendRun(*log, kBatches, 0, written, /*inspect=*/false);
  log.reset();
  ASSERT_EQ(written.count(), static_cast<size_t>(kBatches));

  // The batches whose callbacks said OK, in append order.
  std::string ok;
  for (int i = 0; i < kBatches; ++i) {
    ASSERT_TRUE(run[i].result.ok()) << i;
    if (written.calls(i).at(0).status.ok()) ok += run[i].stored;
  }
  EXPECT_TRUE(SameBytes(ok, Concat(run))) << "a write failed without a fault";
  log = OpenLog(SmallSegments());
  ASSERT_NE(log, nullptr);
  Result<std::string> all = ReadAll(*log, 0);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_TRUE(SameBytes(*all, ok));

  log.reset();
  ASSERT_TRUE(backend_->Close().ok());
  backend_.reset();
  OpenBackend();
  log = OpenLog(SmallSegments());
  ASSERT_NE(log, nullptr);
  all = ReadAll(*log, 0);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_TRUE(SameBytes(*all, ok));
}

INSTANTIATE_TEST_SUITE_P(Backends, PartitionLogAsyncTest, ::testing::ValuesIn(AllTestBackends()),
                         BackendParamName());

// A failed write, injected with FaultOp::kWrite: AppendAsync returns OK and the batch's
// callback gets the error.
class PartitionLogFailedWriteTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto backend = FaultBackend::Open(
        [name = GetParam(), dir = dir_.Sub("data")] { return OpenTestBackend(name, dir); });
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(*backend);
    auto log = PartitionLog::Open(id_, backend_.get(), {}, &clock_);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(*log);
  }

  // Appends `count` batches and waits for each.
  std::string AppendAndWait(int count) {
    std::string stored;
    for (int i = 0; i < count; ++i) {
      std::string batch = MakeBatch(i, log_->next_offset());
      const Result<AppendResult> appended = log_->Append(Bytes(batch));
      EXPECT_TRUE(appended.ok()) << appended.status().ToString();
      stored += batch;
    }
    return stored;
  }

  TempDir dir_;
  ManualClock clock_{kStart};
  std::unique_ptr<FaultBackend> backend_;
  const PartitionId id_{"faulty", 0};
  std::unique_ptr<PartitionLog> log_;
};

TEST_P(PartitionLogFailedWriteTest, FailedWriteReachesItsCallbackAndIsCutBack) {
  const std::string before = AppendAndWait(5);
  const Offset end = log_->next_offset();

  backend_->InjectFault(FaultOp::kWrite, Status::IOError("injected write error", EIO));
  WrittenLog written(1);
  std::string failed = MakeBatch(7, end);
  const Result<AppendResult> queued = log_->AppendAsync(Bytes(failed), written.Callback(0));
  ASSERT_TRUE(queued.ok()) << queued.status().ToString();
  EXPECT_EQ(queued->base_offset, end);
  written.WaitFor(1);
  EXPECT_TRUE(written.calls(0).at(0).status.IsIOError()) << written.calls(0)[0].status.ToString();
  EXPECT_EQ(log_->next_offset(), end);
  const Result<ReadResult> at_end = log_->Read(end, 4096);
  ASSERT_TRUE(at_end.ok()) << at_end.status().ToString();
  EXPECT_TRUE(at_end->empty());
  EXPECT_EQ(*ReadAll(*log_, 0), before);

  // The next append takes the failed batch's place.
  std::string next = MakeBatch(8, end);
  const Result<AppendResult> appended = log_->Append(Bytes(next));
  ASSERT_TRUE(appended.ok()) << appended.status().ToString();
  EXPECT_EQ(appended->base_offset, end);
  EXPECT_EQ(log_->next_offset(), end + RecordCount(8));
  const Result<std::string> all = ReadAll(*log_, 0);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_TRUE(SameBytes(*all, before + next));
}

TEST_P(PartitionLogFailedWriteTest, FailedWriteInARunFailsOnlyFromThatBatchOn) {
  constexpr int kBatches = 60;
  constexpr int kFailing = 30;
  backend_->InjectFault(FaultOp::kWrite, Status::IOError("injected write error", EIO), kFailing);
  // A backend that writes behind holds the first batch's callback, so the batches up to
  // the failing one are still queued when it fails; the recovery's TruncateTo lets the
  // writer go on.
  WriterGate gate;
  backend_->SetHook(FaultOp::kTruncate, [&gate] { gate.Open(); });
  WrittenLog written(kBatches);
  const std::vector<Appended> run =
      AppendRun(*log_, kBatches, 0, written, /*inspect=*/false, &gate);
  gate.Open();
  backend_->SetHook(FaultOp::kTruncate, nullptr);
  for (int i = 0; i <= kFailing; ++i) {
    ASSERT_TRUE(run[i].result.ok()) << i << ": " << run[i].result.status().ToString();
  }
  EXPECT_EQ(run[kFailing].result->base_offset, RunEnd(kFailing));
  size_t callbacks = 0;
  for (const Appended& a : run) callbacks += a.result.ok() ? 1 : 0;
  written.WaitFor(callbacks);

  std::vector<size_t> order = written.order();
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end())) << "callbacks out of append order";
  std::string ok;
  int first_ok_after = -1;
  for (int i = 0; i < kBatches; ++i) {
    const std::vector<Written> calls = written.calls(i);
    ASSERT_EQ(calls.size(), run[i].result.ok() ? 1u : 0u) << i;
    if (calls.empty()) continue;
    if (i < kFailing) {
      EXPECT_TRUE(calls[0].status.ok()) << i << ": " << calls[0].status.ToString();
    } else if (i == kFailing) {
      EXPECT_TRUE(calls[0].status.IsIOError()) << calls[0].status.ToString();
    }
    if (!calls[0].status.ok()) continue;
    ok += run[i].stored;
    if (i > kFailing && first_ok_after < 0) first_ok_after = i;
  }
  // The log was cut back to the high watermark: the failed batch's offsets went to the
  // next batch that was written, and nothing of the failed ones is left.
  ASSERT_GT(first_ok_after, kFailing);
  EXPECT_EQ(run[first_ok_after].result->base_offset, RunEnd(kFailing));
  const Result<std::string> all = ReadAll(*log_, 0);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  const std::vector<Offset> bases = ContiguousBases(*all);
  ASSERT_FALSE(bases.empty());
  EXPECT_EQ(bases.front(), 0);
  EXPECT_TRUE(SameBytes(*all, ok));
}

TEST_P(PartitionLogFailedWriteTest, FlushNeverClaimsTheOffsetsOfAFailedWrite) {
  AppendAndWait(3);
  const Offset end = log_->next_offset();
  backend_->InjectFault(FaultOp::kWrite, Status::IOError("injected write error", EIO));
  WrittenLog written(1);
  std::string failed = MakeBatch(7, end);
  ASSERT_TRUE(log_->AppendAsync(Bytes(failed), written.Callback(0)).ok());
  written.WaitFor(1);
  ASSERT_FALSE(written.calls(0).at(0).status.ok());

  log_->Flush().IgnoreError();
  EXPECT_LE(log_->flushed_offset(), log_->next_offset());
  // An unflushed batch now takes the failed batch's offsets; a crash may lose it, but not
  // what flushed_offset() called durable.
  std::string next = MakeBatch(8, end);
  ASSERT_TRUE(log_->Append(Bytes(next)).ok());
  const Offset claimed = log_->flushed_offset();
  log_.reset();
  ASSERT_TRUE(backend_->SimulateCrash().ok());
  auto log = PartitionLog::Open(id_, backend_.get(), {}, &clock_);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_GE((*log)->next_offset(), claimed);
}

TEST_P(PartitionLogFailedWriteTest, FlushForCloseAfterAFailedWriteFlushesWhatWasWritten) {
  const std::string before = AppendAndWait(3);
  const Offset end = log_->next_offset();
  backend_->InjectFault(FaultOp::kWrite, Status::IOError("injected ENOSPC", ENOSPC));
  WrittenLog written(1);
  std::string failed = MakeBatch(7, end);
  ASSERT_TRUE(log_->AppendAsync(Bytes(failed), written.Callback(0)).ok());
  written.WaitFor(1);
  ASSERT_FALSE(written.calls(0).at(0).status.ok());

  // A flush still fails, so that no acks=all producer takes the failed batch for durable.
  EXPECT_TRUE(log_->Flush().IsIOError());
  // At a shutdown on a full disk, with no append since the failed write, what was written
  // is flushed all the same.
  const Status flushed = log_->FlushForClose();
  ASSERT_TRUE(flushed.ok()) << flushed.ToString();
  EXPECT_EQ(log_->next_offset(), end);
  EXPECT_EQ(log_->flushed_offset(), end);
  log_.reset();
  ASSERT_TRUE(backend_->SimulateCrash().ok());
  auto log = PartitionLog::Open(id_, backend_.get(), {}, &clock_);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  const Result<std::string> all = ReadAll(**log, 0);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_TRUE(SameBytes(*all, before));
}

INSTANTIATE_TEST_SUITE_P(Backends, PartitionLogFailedWriteTest,
                         ::testing::ValuesIn(AllTestBackends()), BackendParamName());

}  // namespace
}  // namespace ringlog::testing
