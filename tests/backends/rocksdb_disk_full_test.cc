// The RocksDB backend on a full disk, through a FileSystem whose disk the test fills and
// empties (FillableFileSystem): appends stop while RocksDB keeps room for its flushes, and
// deletions still go; when the disk fills anyway and a WAL append fails, writes resume
// without a reopen once space returns; neither a sync nor a close after the failed append
// aborts the process (Debian's RocksDB has assertions on), and what was written before
// the disk filled is intact.
#include <gtest/gtest.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <memory>
#include <random>
#include <string>

#include "backends/rocksdb/rocksdb_backend.h"
#include "engine/log/record_batch.h"
#include "engine/log/record_batch_builder.h"
#include "tests/support/temp_dir.h"

namespace ringlog::testing {
namespace {

const PartitionId kPartition{"full", 0};
constexpr TimestampMs kStart = 1'700'000'000'000;
constexpr uint64_t kWriteBuffer = 4 << 20;
// What the guard keeps free beside the memtables: a new WAL (RocksDB preallocates a tenth
// more than the largest memtable, here the meta column family's 4 MiB too) and a margin.
constexpr uint64_t kReserve = kWriteBuffer + kWriteBuffer / 10 + (4 << 20);

// The default FileSystem, with a disk the test controls: GetFreeSpace reports `free`, and
// while `failing` every append to a file fails with NoSpace, as ENOSPC does.
class FillableFileSystem : public rocksdb::FileSystemWrapper {
 public:
  FillableFileSystem() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  const char* Name() const override { return "FillableFileSystem"; }

  void SetFree(uint64_t bytes) { free_ = bytes; }
  void SetFailing(bool failing) { failing_ = failing; }

  rocksdb::IOStatus GetFreeSpace(const std::string& /*path*/, const rocksdb::IOOptions& /*options*/,
                                 uint64_t* free, rocksdb::IODebugContext* /*dbg*/) override {
    *free = free_;
    return rocksdb::IOStatus::OK();
  }
  rocksdb::IOStatus NewWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* file,
                                    rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus status = target()->NewWritableFile(path, options, file, dbg);
    if (status.ok()) *file = std::make_unique<File>(std::move(*file), &failing_);
    return status;
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* file,
                                       rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus status = target()->ReopenWritableFile(path, options, file, dbg);
    if (status.ok()) *file = std::make_unique<File>(std::move(*file), &failing_);
    return status;
  }

 private:
  class File : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile> file, const std::atomic<bool>* failing)
        : FSWritableFileOwnerWrapper(std::move(file)), failing_(failing) {}
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
      if (*failing_) return NoSpace();
      return target()->Append(data, options, dbg);
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             const rocksdb::DataVerificationInfo& info,
                             rocksdb::IODebugContext* dbg) override {
      if (*failing_) return NoSpace();
      return target()->Append(data, options, info, dbg);
    }
    rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                       const rocksdb::IOOptions& options,
                                       rocksdb::IODebugContext* dbg) override {
      if (*failing_) return NoSpace();
      return target()->PositionedAppend(data, offset, options, dbg);
    }

   private:
    static rocksdb::IOStatus NoSpace() {
      rocksdb::IOStatus status = rocksdb::IOStatus::NoSpace("injected", "No space left on device");
      status.SetRetryable(true);
      return status;
    }
    const std::atomic<bool>* const failing_;
  };

  std::atomic<uint64_t> free_{1ull << 40};
  std::atomic<bool> failing_{false};
};

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// A batch at `base` whose bytes are derived from `base`.
std::string MakeBatch(Offset base, size_t value_size = 64 << 10) {
  std::string value(value_size, '\0');
  std::mt19937_64 rng(static_cast<uint64_t>(base));
  for (char& c : value) c = static_cast<char>(rng());
  BatchOptions options;
  options.base_offset = base;
  return BuildUniformBatch(1, value, kStart + base, options);
}

Status Append(Segment& segment, size_t value_size = 64 << 10) {
  const std::string batch = MakeBatch(segment.next_offset(), value_size);
  Result<RecordBatchView> view = RecordBatchView::Parse(Bytes(batch));
  if (!view.ok()) return view.status();
  return segment.AppendAndWait(*view);
}

// Checks that `segment` holds exactly the batches MakeBatch made for offsets [0, end).
void ExpectBatches(const Segment& segment, Offset end) {
  ASSERT_EQ(segment.next_offset(), end);
  for (Offset at = 0; at < end; ++at) {
    Result<ReadResult> read = segment.Read(at, 1);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    EXPECT_EQ(std::get<std::string>(read->data), MakeBatch(at)) << "batch at " << at;
  }
}

class RocksDbDiskFullTest : public ::testing::Test {
 protected:
  Result<std::unique_ptr<StorageBackend>> Open() {
    RocksDbBackendOptions options;
    options.data_dir = dir_.path();
    options.write_buffer_bytes = kWriteBuffer;
    options.env = env_.get();
    return OpenRocksDbBackend(options);
  }

  TempDir dir_;
  std::shared_ptr<FillableFileSystem> fs_ = std::make_shared<FillableFileSystem>();
  std::unique_ptr<rocksdb::Env> env_ = rocksdb::NewCompositeEnv(fs_);
};

TEST_F(RocksDbDiskFullTest, AppendsStopWhileTheReserveIsLeftAndDeletionsStillGo) {
  // Close to full from the start, so that the guard looks at the disk before every append.
  fs_->SetFree(kReserve + (2 << 20));
  auto backend = Open();
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  auto old = (*backend)->CreateSegment(kPartition, 0, {});
  ASSERT_TRUE(old.ok());
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(Append(**old).ok());
  ASSERT_TRUE((*old)->Seal().ok());
  auto active = (*backend)->CreateSegment(kPartition, 8, {});
  ASSERT_TRUE(active.ok());

  fs_->SetFree(kReserve);
  const Status refused = Append(**active);
  EXPECT_TRUE(refused.IsIOError()) << refused.ToString();
  EXPECT_EQ(refused.err_no(), ENOSPC) << refused.ToString();
  EXPECT_EQ((*active)->next_offset(), 8);
  // Deleting and the metadata that goes with it are how space comes back.
  ASSERT_TRUE((*backend)->DeleteSegment(kPartition, 0).ok());
  ASSERT_TRUE((*backend)->PutMeta("log-start.full-0", "8").ok());

  fs_->SetFree(1ull << 40);
  const Status appended = Append(**active);
  ASSERT_TRUE(appended.ok()) << appended.ToString();
  EXPECT_EQ((*active)->next_offset(), 9);
  ASSERT_TRUE((*backend)->Close().ok());
}

TEST_F(RocksDbDiskFullTest, MemtablesAreFlushedToMakeRoom) {
  auto backend = Open();
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  auto segment = (*backend)->CreateSegment(kPartition, 0, {});
  ASSERT_TRUE(segment.ok());
  // Room for the reserve and 3 MiB: 64 KiB appends fit only as long as the memtables
  // that hold them are flushed when they grow past 1 MiB or so.
  fs_->SetFree(kReserve + (3 << 20));
  for (int i = 0; i < 256; ++i) {
    const Status appended = Append(**segment);
    ASSERT_TRUE(appended.ok()) << "append " << i << ": " << appended.ToString();
  }
  ExpectBatches(**segment, 256);
  ASSERT_TRUE((*backend)->Close().ok());
}

TEST_F(RocksDbDiskFullTest, WritesResumeWithoutAReopenOnceSpaceReturns) {
  {
    auto backend = Open();
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    auto segment = (*backend)->CreateSegment(kPartition, 0, {});
    ASSERT_TRUE(segment.ok());
    for (int i = 0; i < 8; ++i) ASSERT_TRUE(Append(**segment).ok());

    // Another process takes the last bytes between the guard's look and the WAL append.
    fs_->SetFailing(true);
    Status failed = Append(**segment);
    EXPECT_TRUE(failed.IsIOError()) << failed.ToString();
    EXPECT_EQ(failed.err_no(), ENOSPC) << failed.ToString();
    fs_->SetFree(0);
    // Syncing what was written does not touch the failed WAL (that would abort).
    EXPECT_TRUE((*segment)->Flush().IsIOError());
    failed = Append(**segment);
    EXPECT_TRUE(failed.IsIOError()) << failed.ToString();
    EXPECT_TRUE((*backend)->DeleteSegment(kPartition, 0).IsIOError());
    EXPECT_EQ((*segment)->next_offset(), 8);

    fs_->SetFailing(false);
    fs_->SetFree(1ull << 40);
    const Status resumed = Append(**segment);
    ASSERT_TRUE(resumed.ok()) << resumed.ToString();
    ASSERT_TRUE((*segment)->Flush().ok());
    ExpectBatches(**segment, 9);
    ASSERT_TRUE((*backend)->Close().ok());
  }
  auto backend = Open();
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  auto segments = (*backend)->OpenPartition(kPartition, {});
  ASSERT_TRUE(segments.ok()) << segments.status().ToString();
  ASSERT_EQ(segments->size(), 1u);
  ExpectBatches(*segments->front(), 9);
}

// The child of the close test: appends, fails a WAL append, closes with the disk still
// full. Returns an exit code: 0 when the close reported the unclosed database as an
// IOError, as it must.
int FailThenClose(RocksDbBackendOptions options, FillableFileSystem* fs) {
  auto backend = OpenRocksDbBackend(options);
  if (!backend.ok()) return 10;
  auto segment = (*backend)->CreateSegment(kPartition, 0, {});
  if (!segment.ok()) return 11;
  for (int i = 0; i < 8; ++i) {
    if (!Append(**segment).ok()) return 12;
  }
  if (!(*segment)->Flush().ok()) return 13;
  fs->SetFailing(true);
  if (Append(**segment).ok()) return 14;
  fs->SetFree(0);
  segment->reset();
  return (*backend)->Close().IsIOError() ? 0 : 15;
}

TEST_F(RocksDbDiskFullTest, CloseAfterAFailedWalAppendOnAFullDiskDoesNotAbort) {
  RocksDbBackendOptions options;
  options.data_dir = dir_.path();
  options.write_buffer_bytes = kWriteBuffer;
  options.env = env_.get();
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) ::_exit(FailThenClose(options, fs_.get()));
  int wait_status = 0;
  ASSERT_EQ(::waitpid(child, &wait_status, 0), child);
  ASSERT_TRUE(WIFEXITED(wait_status)) << "the close was killed by signal " << WTERMSIG(wait_status);
  ASSERT_EQ(WEXITSTATUS(wait_status), 0);

  // The WAL it left holds everything up to the failure.
  auto backend = Open();
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  auto segments = (*backend)->OpenPartition(kPartition, {});
  ASSERT_TRUE(segments.ok()) << segments.status().ToString();
  ASSERT_EQ(segments->size(), 1u);
  ExpectBatches(*segments->front(), 8);
}

}  // namespace
}  // namespace ringlog::testing
