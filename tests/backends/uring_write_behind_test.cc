// The uring backend's write-behind path under a real failed write: RLIMIT_FSIZE makes the
// writer thread's io_uring write stop short and fail with EFBIG, so the failure comes from
// the kernel in the middle of a queue of batches, not from a test double.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cerrno>
#include <csignal>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "engine/log/partition_log.h"
#include "engine/log/record_batch.h"
#include "engine/log/record_batch_builder.h"
#include "tests/support/log_contents.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"
#include "tests/support/writer_gate.h"

namespace ringlog::testing {
namespace {

constexpr TimestampMs kStart = 1'700'000'000'000;

// One record of 200 bytes, built at `base` with leader epoch 0, so that a log assigning
// it `base` stores exactly these bytes. Every batch has the same size.
std::string MakeBatch(int index, Offset base) {
  std::string value = "batch-" + std::to_string(index) + "-";
  value.resize(200, static_cast<char>('a' + index % 26));
  BatchOptions options;
  options.base_offset = base;
  options.partition_leader_epoch = 0;
  return BuildUniformBatch(1, value, kStart + index, options);
}

std::span<uint8_t> Bytes(std::string& batch) {
  return {reinterpret_cast<uint8_t*>(batch.data()), batch.size()};
}

Result<RecordBatchView> View(const std::string& batch) {
  return RecordBatchView::Parse({reinterpret_cast<const uint8_t*>(batch.data()), batch.size()});
}

// The batch indexes ("batch-<index>-" values) in `bytes`, in order: a readable diff when
// two logs differ.
std::string Labels(const std::string& bytes) {
  std::string labels;
  for (size_t at = bytes.find("batch-"); at != std::string::npos;
       at = bytes.find("batch-", at + 1)) {
    labels += bytes.substr(at + 6, bytes.find('-', at + 6) - at - 6) + " ";
  }
  return labels;
}

// While alive, writes to any file of the process past `bytes` fail with EFBIG (SIGXFSZ is
// ignored instead of killing the process).
class FileSizeLimit {
 public:
  explicit FileSizeLimit(uint64_t bytes) {
    EXPECT_EQ(::getrlimit(RLIMIT_FSIZE, &old_), 0);
    old_handler_ = ::signal(SIGXFSZ, SIG_IGN);
    rlimit limited = old_;
    limited.rlim_cur = bytes;
    EXPECT_EQ(::setrlimit(RLIMIT_FSIZE, &limited), 0);
  }
  ~FileSizeLimit() {
    EXPECT_EQ(::setrlimit(RLIMIT_FSIZE, &old_), 0);
    ::signal(SIGXFSZ, old_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit old_{};
  sighandler_t old_handler_ = SIG_DFL;
};

class UringWriteBehindTest : public ::testing::Test {
 protected:
  static constexpr int kBatches = 20;

  void SetUp() override { OpenBackend(); }

  void OpenBackend() {
    auto backend = OpenTestBackend("uring", dir_.Sub("data"));
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(*backend);
  }

  std::unique_ptr<PartitionLog> OpenLog() {
    auto log = PartitionLog::Open(id_, backend_.get(), {}, &clock_);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return log.ok() ? std::move(*log) : nullptr;
  }

  // Appends `count` batches and waits for each; returns their bytes.
  std::string AppendAndWait(PartitionLog& log, int count) {
    std::string stored;
    for (int i = 0; i < count; ++i) {
      std::string batch = MakeBatch(i, log.next_offset());
      EXPECT_TRUE(log.Append(Bytes(batch)).ok());
      stored += batch;
    }
    return stored;
  }

  // AppendAsyncs kBatches batches, all but the first while the file may grow by only three
  // and a half more batches, so that the write crossing the limit stops short and fails,
  // with the batches queued behind it. Then, still under the limit, destroys the log (`destroy`) or
  // appends one more batch synchronously; either way every callback has run after that.
  // Returns the bytes of the batches that were written, in append order.
  std::string AppendPastTheLimit(std::unique_ptr<PartitionLog>& log, bool destroy) {
    const uint64_t batch_size = MakeBatch(0, 0).size();
    std::mutex mu;
    std::vector<std::pair<int, Status>> outcomes;
    std::vector<std::string> stored(kBatches);
    size_t queued = 0;
    std::string last = MakeBatch(10 + kBatches, 0);
    bool last_ok = false;
    const auto record = [&mu, &outcomes](int i) {
      return [&mu, &outcomes, i](Status status) {
        std::lock_guard lock(mu);
        outcomes.emplace_back(i, std::move(status));
      };
    };
    // The writer waits in the first batch's callback while the others queue, so that they
    // go into one write, which the limit cuts short.
    WriterGate gate;
    std::string first = MakeBatch(10, 0);
    queued += log->AppendAsync(Bytes(first), gate.Wrap(record(0))).ok() ? 1 : 0;
    stored[0] = first;
    gate.WaitHeld();
    {
      FileSizeLimit limit(log->size_bytes() + 3 * batch_size + batch_size / 2);
      for (int i = 1; i < kBatches; ++i) {
        std::string buffer = MakeBatch(10 + i, 0);
        queued += log->AppendAsync(Bytes(buffer), record(i)).ok() ? 1 : 0;
        stored[i] = buffer;
      }
      gate.Open();
      if (destroy) {
        log.reset();
      } else {
        last_ok = log->Append(Bytes(last)).ok();
      }
    }
    std::lock_guard lock(mu);
    EXPECT_EQ(outcomes.size(), queued);
    std::string written;
    int failures = 0;
    for (size_t k = 0; k < outcomes.size(); ++k) {
      if (k > 0) {
        EXPECT_LT(outcomes[k - 1].first, outcomes[k].first) << "callbacks out of order";
      }
      const auto& [i, status] = outcomes[k];
      if (status.ok()) {
        written += stored[i];
      } else {
        ++failures;
        EXPECT_EQ(status.err_no(), EFBIG) << status.ToString();
      }
    }
    EXPECT_GT(failures, 0);
    return last_ok ? written + last : written;
  }

  TempDir dir_;
  ManualClock clock_{kStart};
  std::unique_ptr<StorageBackend> backend_;
  const PartitionId id_{"limited", 0};
};

TEST_F(UringWriteBehindTest, FailedWriteRefusesAppendsUntilTruncateTo) {
  auto created = backend_->CreateSegment(id_, 0, {});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  Segment& segment = **created;
  const std::string first = MakeBatch(0, 0);
  const std::string second = MakeBatch(1, 1);
  const std::string third = MakeBatch(2, 2);
  ASSERT_TRUE(segment.AppendAndWait(*View(first)).ok());
  ASSERT_EQ(segment.size_bytes(), first.size());
  {
    // Room for half of the second batch.
    FileSizeLimit limit(first.size() + second.size() / 2);
    const Status failed = segment.AppendAndWait(*View(second));
    EXPECT_TRUE(failed.IsIOError()) << failed.ToString();
    EXPECT_EQ(failed.err_no(), EFBIG) << failed.ToString();
  }
  EXPECT_EQ(segment.next_offset(), 1);
  EXPECT_EQ(segment.size_bytes(), first.size());
  // Refused though the limit is gone, until TruncateTo.
  const Status refused =
      segment.Append(*View(third), [](Status) { ADD_FAILURE() << "a refused batch ran"; });
  EXPECT_EQ(refused.err_no(), EFBIG) << refused.ToString();

  ASSERT_TRUE(segment.TruncateTo(segment.next_offset()).ok());
  ASSERT_TRUE(segment.AppendAndWait(*View(second)).ok());
  ASSERT_TRUE(segment.AppendAndWait(*View(third)).ok());
  EXPECT_EQ(segment.next_offset(), 3);
  const Result<ReadResult> read = segment.Read(0, 1 << 20);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  const Result<std::string> bytes = CopyReadBytes(*read);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_TRUE(*bytes == first + second + third)
      << "segment: " << Labels(*bytes) << "; the half-written batch left bytes behind";
}

TEST_F(UringWriteBehindTest, FailedWriteAmidQueuedBatchesIsReportedInOrderAndCutBack) {
  std::unique_ptr<PartitionLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  std::string expected = AppendAndWait(*log, 10);
  const uint64_t batch_size = expected.size() / 10;
  expected += AppendPastTheLimit(log, /*destroy=*/false);
  // A flush cannot cover the failed batches: it fails, or syncs only what was written.
  log->Flush().IgnoreError();
  EXPECT_LE(log->flushed_offset(), log->next_offset());

  // Appends go on at the high watermark, after what was written.
  const Offset end = log->next_offset();
  EXPECT_EQ(static_cast<uint64_t>(end) * batch_size, expected.size());
  std::string last = MakeBatch(99, end);
  const Result<AppendResult> appended = log->Append(Bytes(last));
  ASSERT_TRUE(appended.ok()) << appended.status().ToString();
  EXPECT_EQ(appended->base_offset, end);
  expected += last;
  Result<std::string> all = ReadAll(*log, log->log_start_offset());
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_TRUE(*all == expected) << "log: " << Labels(*all) << "\nwant: " << Labels(expected);

  log.reset();
  log = OpenLog();
  ASSERT_NE(log, nullptr);
  all = ReadAll(*log, log->log_start_offset());
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_TRUE(*all == expected) << "log: " << Labels(*all) << "\nwant: " << Labels(expected);
}

// A batch whose callback reported a failed write stays failed: reopening the log (here
// after a clean shutdown, with no append after the failure to cut it back) must not bring
// back the whole batches that the failed write did get into the file.
TEST_F(UringWriteBehindTest, BatchesReportedFailedStayGoneAfterReopen) {
  std::unique_ptr<PartitionLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  std::string expected = AppendAndWait(*log, 10);
  expected += AppendPastTheLimit(log, /*destroy=*/true);
  ASSERT_EQ(log, nullptr);

  ASSERT_TRUE(backend_->Close().ok());
  backend_.reset();
  OpenBackend();
  log = OpenLog();
  ASSERT_NE(log, nullptr);
  const Result<std::string> all = ReadAll(*log, log->log_start_offset());
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_TRUE(*all == expected) << "log: " << Labels(*all) << "\nwant: " << Labels(expected);
}

}  // namespace
}  // namespace ringlog::testing
