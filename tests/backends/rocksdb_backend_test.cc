// What only the RocksDB backend has to prove (the shared segment conformance suite covers
// the Segment contract): acknowledged appends survive kill -9 through the WAL, deleting a
// segment gives its disk space back, the data dir claim, and damaged records found in the
// database are reported and kept, never served.
#include "backends/rocksdb/rocksdb_backend.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <random>
#include <thread>
#include <vector>

#include "backends/data_dir.h"
#include "backends/rocksdb/rocksdb_format.h"
#include "backends/rocksdb/rocksdb_options.h"
#include "engine/log/record_batch.h"
#include "engine/log/record_batch_builder.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {
namespace {

namespace fmt = rocksdb_format;

const PartitionId kPartition{"events", 3};
constexpr TimestampMs kStart = 1'700'000'000'000;

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// A batch at `base` of `records` records whose values are derived from `base`, so that
// a reader can tell the batch stored at an offset is the one written there.
std::string MakeBatch(Offset base, int records, size_t value_size) {
  std::string value(value_size, '\0');
  std::mt19937_64 rng(static_cast<uint64_t>(base));
  for (char& c : value) c = static_cast<char>(rng());
  BatchOptions options;
  options.base_offset = base;
  return BuildUniformBatch(records, value, kStart + base, options);
}

Result<std::unique_ptr<StorageBackend>> Open(const std::string& dir,
                                             uint64_t write_buffer_bytes = 64ull << 20) {
  RocksDbBackendOptions options;
  options.data_dir = dir;
  options.write_buffer_bytes = write_buffer_bytes;
  return OpenRocksDbBackend(options);
}

// Appends `count` batches to `segment`; returns the next offset.
Offset AppendBatches(Segment& segment, int count, int records, size_t value_size) {
  Offset next = segment.next_offset();
  for (int i = 0; i < count; ++i) {
    const std::string batch = MakeBatch(next, records, value_size);
    Result<RecordBatchView> view = RecordBatchView::Parse(Bytes(batch));
    EXPECT_TRUE(view.ok());
    Status status = segment.AppendAndWait(*view);
    EXPECT_TRUE(status.ok()) << status.ToString();
    next = view->header().next_offset();
  }
  return next;
}

// Reads the whole segment and checks that it is an unbroken run of intact batches, each
// the one MakeBatch made for its offset. Returns the bytes read.
uint64_t CheckWholeSegment(const Segment& segment, int records, size_t value_size) {
  uint64_t bytes = 0;
  Offset at = segment.base_offset();
  while (at < segment.next_offset()) {
    Result<ReadResult> read = segment.Read(at, 1 << 20);
    EXPECT_TRUE(read.ok()) << read.status().ToString();
    if (!read.ok()) return bytes;
    const std::string& data = std::get<std::string>(read->data);
    BatchIterator it(Bytes(data));
    while (std::optional<RecordBatchView> batch = it.Next()) {
      EXPECT_EQ(batch->header().base_offset, at);
      EXPECT_TRUE(batch->VerifyCrc().ok());
      const std::string expected = MakeBatch(at, records, value_size);
      EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(batch->bytes().data()),
                                 batch->bytes().size()),
                expected)
          << "batch at " << at;
      at = batch->header().next_offset();
    }
    EXPECT_EQ(it.consumed(), data.size()) << "a read returned a partial batch";
    EXPECT_EQ(at, read->next_offset);
    bytes += data.size();
  }
  EXPECT_EQ(at, segment.next_offset()) << "the log does not end at a whole batch";
  return bytes;
}

// The database of a closed backend, opened directly to damage it the way a disk or a bug
// might.
class RawDb {
 public:
  explicit RawDb(const std::string& data_dir) {
    RocksDbOptionSet set = MakeRocksDbOptions(RocksDbBackendOptions{});
    std::vector<rocksdb::ColumnFamilyDescriptor> families = {
        {std::string(fmt::kDataColumnFamily), set.data},
        {std::string(fmt::kMetaColumnFamily), set.meta},
    };
    rocksdb::DB* db = nullptr;
    rocksdb::Status status =
        rocksdb::DB::Open(set.db, data_dir + "/rocksdb", families, &handles_, &db);
    CHECK(status.ok()) << status.ToString();
    db_.reset(db);
  }
  ~RawDb() {
    for (rocksdb::ColumnFamilyHandle* handle : handles_) {
      CHECK(db_->DestroyColumnFamilyHandle(handle).ok());
    }
    CHECK(db_->Close().ok());
  }

  rocksdb::ColumnFamilyHandle* data() const { return handles_[0]; }
  rocksdb::ColumnFamilyHandle* meta() const { return handles_[1]; }

  void Put(rocksdb::ColumnFamilyHandle* family, const std::string& key, const std::string& value) {
    rocksdb::Status status = db_->Put(rocksdb::WriteOptions(), family, key, value);
    CHECK(status.ok()) << status.ToString();
  }
  std::string Get(rocksdb::ColumnFamilyHandle* family, const std::string& key) {
    std::string value;
    rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), family, key, &value);
    CHECK(status.ok()) << status.ToString();
    return value;
  }
  uint32_t PartitionIdOf(const PartitionId& partition) {
    Result<uint32_t> id = fmt::DecodePartitionRecord(Get(meta(), fmt::PartitionKey(partition)));
    CHECK(id.ok());
    return *id;
  }

 private:
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::unique_ptr<rocksdb::DB> db_;
};

// Bytes of the SST and blob files: where RocksDB keeps data once memtables are flushed.
uint64_t TableFileBytes(const std::string& data_dir) {
  uint64_t bytes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir + "/rocksdb")) {
    const std::string ext = entry.path().extension().string();
    if (ext == ".sst" || ext == ".blob") bytes += entry.file_size();
  }
  return bytes;
}

// The child of the kill test: appends small batches forever, flushing every third one and
// then writing the flushed end offset to `ack_fd`. Returns only on error (an exit code).
// It stays under one memtable, so it needs none of RocksDB's background threads, which a
// forked child does not inherit.
int AppendUntilKilled(const std::string& dir, int ack_fd, int records, size_t value_size) {
  Result<std::unique_ptr<StorageBackend>> backend = Open(dir);
  if (!backend.ok()) return 10;
  Result<std::unique_ptr<Segment>> segment = (*backend)->CreateSegment(kPartition, 0, {});
  if (!segment.ok()) return 11;
  Offset next = 0;
  for (int i = 0; i < 5000; ++i) {
    const std::string batch = MakeBatch(next, records, value_size);
    Result<RecordBatchView> view = RecordBatchView::Parse(Bytes(batch));
    if (!view.ok() || !(*segment)->AppendAndWait(*view).ok()) return 12;
    next = view->header().next_offset();
    if (i % 3 != 2) continue;
    if (!(*segment)->Flush().ok()) return 13;
    if (::write(ack_fd, &next, sizeof(next)) != sizeof(next)) return 14;
  }
  while (true) ::pause();
}

TEST(RocksDbBackendTest, FlushedAppendsSurviveKill9) {
  TempDir dir;
  constexpr int kRecords = 4;
  constexpr size_t kValueSize = 200;
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    ::_exit(AppendUntilKilled(dir.path(), fds[1], kRecords, kValueSize));
  }
  ::close(fds[1]);
  Offset acked = 0;
  int acks = 0;
  Offset got = 0;
  while (acks < 100 && ::read(fds[0], &got, sizeof(got)) == sizeof(got)) {
    acked = got;
    ++acks;
  }
  ::kill(child, SIGKILL);
  int wait_status = 0;
  ASSERT_EQ(::waitpid(child, &wait_status, 0), child);
  ::close(fds[0]);
  ASSERT_TRUE(WIFSIGNALED(wait_status))
      << "the writer stopped on its own, exit code " << WEXITSTATUS(wait_status);
  ASSERT_EQ(acks, 100);

  Result<std::unique_ptr<StorageBackend>> backend = Open(dir.path());
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  Result<std::vector<std::unique_ptr<Segment>>> segments =
      (*backend)->OpenPartition(kPartition, {});
  ASSERT_TRUE(segments.ok()) << segments.status().ToString();
  ASSERT_EQ(segments->size(), 1u);
  const Segment& segment = *segments->front();
  EXPECT_GE(segment.next_offset(), acked);
  EXPECT_EQ(CheckWholeSegment(segment, kRecords, kValueSize), segment.size_bytes());
}

TEST(RocksDbBackendTest, DeleteSegmentGivesDiskSpaceBack) {
  TempDir dir;
  constexpr int kRecords = 16;
  constexpr size_t kValueSize = 4000;  // batches of about 64 KiB
  {
    Result<std::unique_ptr<StorageBackend>> backend = Open(dir.path(), 4 << 20);
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    Result<std::unique_ptr<Segment>> big = (*backend)->CreateSegment(kPartition, 0, {});
    ASSERT_TRUE(big.ok());
    const Offset end = AppendBatches(**big, 400, kRecords, kValueSize);
    ASSERT_TRUE((*big)->Seal().ok());
    Result<std::unique_ptr<Segment>> small = (*backend)->CreateSegment(kPartition, end, {});
    ASSERT_TRUE(small.ok());
    AppendBatches(**small, 2, kRecords, kValueSize);
    ASSERT_TRUE((*backend)->Close().ok());
  }
  const uint64_t before = TableFileBytes(dir.path());
  EXPECT_GT(before, 24u << 20);

  Result<std::unique_ptr<StorageBackend>> backend = Open(dir.path(), 4 << 20);
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  ASSERT_TRUE((*backend)->DeleteSegment(kPartition, 0).ok());
  // The deleted range's files go at once, but a compaction that RocksDB started on its own
  // at open keeps its input files until it ends, whenever the machine lets it: wait for the
  // space to come back (bounded) rather than race that compaction.
  // The two batches that stay may pin the blob files they were flushed into, up to two
  // write buffers (4 MiB each) that also hold deleted batches, until blob garbage
  // collection rewrites them: where the flushes fell decides, and under load two were
  // pinned (9.6 of 25.8 MB kept). Everything else must go.
  const uint64_t bound = before / 2;
  uint64_t after = TableFileBytes(dir.path());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (after >= bound && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    after = TableFileBytes(dir.path());
  }
  EXPECT_LT(after, bound) << "before " << before << ", after " << after;

  Result<std::vector<std::unique_ptr<Segment>>> segments =
      (*backend)->OpenPartition(kPartition, {});
  ASSERT_TRUE(segments.ok()) << segments.status().ToString();
  ASSERT_EQ(segments->size(), 1u);
  EXPECT_EQ(CheckWholeSegment(*segments->front(), kRecords, kValueSize),
            segments->front()->size_bytes());
  EXPECT_TRUE((*backend)->DeleteSegment(kPartition, 0).IsNotFound());
}

TEST(RocksDbBackendTest, RefusesADataDirOfTheOtherBackend) {
  TempDir uring_dir;
  ASSERT_TRUE(ClaimDataDir(uring_dir.path(), "uring").ok());
  Result<std::unique_ptr<StorageBackend>> backend = Open(uring_dir.path());
  ASSERT_FALSE(backend.ok());
  EXPECT_TRUE(backend.status().IsInvalidArgument()) << backend.status().ToString();
  EXPECT_NE(backend.status().message().find("uring"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(uring_dir.Sub("rocksdb")));

  TempDir rocksdb_dir;
  ASSERT_TRUE(Open(rocksdb_dir.path()).ok());
  Result<std::unique_ptr<StorageBackend>> uring = OpenTestBackend("uring", rocksdb_dir.path());
  ASSERT_FALSE(uring.ok());
  EXPECT_TRUE(uring.status().IsInvalidArgument()) << uring.status().ToString();
}

TEST(RocksDbBackendTest, DamagedRecordsAreCorruptionNotCrashes) {
  TempDir dir;
  {
    Result<std::unique_ptr<StorageBackend>> backend = Open(dir.path());
    ASSERT_TRUE(backend.ok());
    Result<std::unique_ptr<Segment>> segment = (*backend)->CreateSegment(kPartition, 0, {});
    ASSERT_TRUE(segment.ok());
    AppendBatches(**segment, 3, 2, 10);
    ASSERT_TRUE((*backend)->PutMeta("topic.events", "config").ok());
    ASSERT_TRUE((*backend)->Close().ok());
  }
  {
    RawDb raw(dir.path());
    const uint32_t id = raw.PartitionIdOf(kPartition);
    std::string record = raw.Get(raw.meta(), fmt::SegmentKey(id, 0));
    record[5] = static_cast<char>(record[5] ^ 0x01);
    raw.Put(raw.meta(), fmt::SegmentKey(id, 0), record);
    std::string meta = raw.Get(raw.meta(), fmt::MetaKey("topic.events"));
    meta.back() = 'X';
    raw.Put(raw.meta(), fmt::MetaKey("topic.events"), meta);
  }
  {
    Result<std::unique_ptr<StorageBackend>> backend = Open(dir.path());
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    Result<std::vector<std::unique_ptr<Segment>>> segments =
        (*backend)->OpenPartition(kPartition, {});
    ASSERT_FALSE(segments.ok());
    EXPECT_TRUE(segments.status().IsCorruption()) << segments.status().ToString();
    EXPECT_NE(segments.status().message().find("events-3 segment 0"), std::string::npos)
        << segments.status().ToString();
    Result<std::string> meta = (*backend)->GetMeta("topic.events");
    EXPECT_TRUE(meta.status().IsCorruption()) << meta.status().ToString();
    EXPECT_TRUE((*backend)->DeleteMeta("topic.events").ok());
    ASSERT_TRUE((*backend)->Close().ok());
  }
  {
    RawDb raw(dir.path());
    raw.Put(raw.meta(), fmt::PartitionKey(kPartition), "??");
  }
  Result<std::unique_ptr<StorageBackend>> backend = Open(dir.path());
  ASSERT_FALSE(backend.ok());
  EXPECT_TRUE(backend.status().IsCorruption()) << backend.status().ToString();
}

// Flips a bit in the payload of the batch stored at `offset`: its CRC no longer matches.
void DamageStoredBatch(const std::string& data_dir, Offset offset) {
  RawDb raw(data_dir);
  const uint32_t id = raw.PartitionIdOf(kPartition);
  std::string batch = raw.Get(raw.data(), fmt::DataKey(id, offset));
  batch[batch.size() - 3] = static_cast<char>(batch[batch.size() - 3] ^ 0x04);
  raw.Put(raw.data(), fmt::DataKey(id, offset), batch);
}

// Reads every batch of `segment` but the damaged ones at `damaged` (each kRecords long),
// checking them against MakeBatch; reads of a damaged batch's offsets are Corruption, and
// reads stop before it.
void CheckAllButDamaged(const Segment& segment, const std::vector<Offset>& damaged, int records,
                        size_t value_size) {
  Offset at = segment.base_offset();
  while (at < segment.next_offset()) {
    if (std::find(damaged.begin(), damaged.end(), at) != damaged.end()) {
      for (Offset o = at; o < at + records; ++o) {
        Result<ReadResult> read = segment.Read(o, 1 << 20);
        EXPECT_TRUE(read.status().IsCorruption()) << o << " " << read.status().ToString();
      }
      at += records;
      continue;
    }
    Result<ReadResult> read = segment.Read(at, 1 << 20);
    ASSERT_TRUE(read.ok()) << at << " " << read.status().ToString();
    const std::string& data = std::get<std::string>(read->data);
    BatchIterator it(Bytes(data));
    while (std::optional<RecordBatchView> batch = it.Next()) {
      EXPECT_EQ(batch->header().base_offset, at);
      EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(batch->bytes().data()),
                                 batch->bytes().size()),
                MakeBatch(at, records, value_size))
          << "batch at " << at;
      at = batch->header().next_offset();
    }
    EXPECT_EQ(at, read->next_offset);
  }
}

// A damaged batch in the last segment is bit rot (RocksDB stores no torn batch): recovery
// keeps it and every batch after it, reads of it fail, and it is counted.
TEST(RocksDbBackendTest, RecoveryKeepsTheBatchesAfterADamagedOne) {
  TempDir dir;
  constexpr int kRecords = 3;
  constexpr size_t kValueSize = 50;
  Offset end = 0;
  {
    Result<std::unique_ptr<StorageBackend>> backend = Open(dir.path());
    ASSERT_TRUE(backend.ok());
    Result<std::unique_ptr<Segment>> segment = (*backend)->CreateSegment(kPartition, 0, {});
    ASSERT_TRUE(segment.ok());
    end = AppendBatches(**segment, 10, kRecords, kValueSize);
    ASSERT_TRUE((*backend)->Close().ok());
  }
  // Batch 7 of 10, and the last one.
  const Offset damaged_at = 6 * kRecords;
  const Offset last_at = end - kRecords;
  DamageStoredBatch(dir.path(), damaged_at);
  DamageStoredBatch(dir.path(), last_at);
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round == 0 ? "first open" : "second open");
    Result<std::unique_ptr<StorageBackend>> backend = Open(dir.path());
    ASSERT_TRUE(backend.ok());
    Result<std::vector<std::unique_ptr<Segment>>> segments =
        (*backend)->OpenPartition(kPartition, {});
    ASSERT_TRUE(segments.ok()) << segments.status().ToString();
    ASSERT_EQ(segments->size(), 1u);
    Segment& segment = *segments->front();
    EXPECT_EQ(segment.next_offset(), end);
    EXPECT_EQ(segment.damaged_ranges(),
              (std::vector<DamagedRange>{{damaged_at, damaged_at + kRecords}, {last_at, end}}));
    CheckAllButDamaged(segment, {damaged_at, last_at}, kRecords, kValueSize);
    EXPECT_EQ(segment.max_timestamp(), kStart + last_at - kRecords);
    Result<ReadResult> before = segment.Read(0, 1 << 20);
    ASSERT_TRUE(before.ok());
    EXPECT_EQ(before->next_offset, damaged_at);
    ASSERT_TRUE((*backend)->Close().ok());
  }
}

// In a sealed segment, which recovery does not read, a read meets the damage: it stops
// before a damaged batch, fails on it, and the damage is remembered.
TEST(RocksDbBackendTest, ReadsOfADamagedBatchInAnOlderSegmentAreCorruption) {
  TempDir dir;
  constexpr int kRecords = 2;
  constexpr size_t kValueSize = 30;
  Offset end = 0;
  {
    Result<std::unique_ptr<StorageBackend>> backend = Open(dir.path());
    ASSERT_TRUE(backend.ok());
    Result<std::unique_ptr<Segment>> first = (*backend)->CreateSegment(kPartition, 0, {});
    ASSERT_TRUE(first.ok());
    end = AppendBatches(**first, 5, kRecords, kValueSize);
    ASSERT_TRUE((*first)->Seal().ok());
    Result<std::unique_ptr<Segment>> second = (*backend)->CreateSegment(kPartition, end, {});
    ASSERT_TRUE(second.ok());
    AppendBatches(**second, 2, kRecords, kValueSize);
    ASSERT_TRUE((*backend)->Close().ok());
  }
  const Offset damaged_at = 2 * kRecords;
  DamageStoredBatch(dir.path(), damaged_at);
  Result<std::unique_ptr<StorageBackend>> backend = Open(dir.path());
  ASSERT_TRUE(backend.ok());
  Result<std::vector<std::unique_ptr<Segment>>> segments =
      (*backend)->OpenPartition(kPartition, {});
  ASSERT_TRUE(segments.ok()) << segments.status().ToString();
  ASSERT_EQ(segments->size(), 2u);
  const Segment& first = *segments->front();
  EXPECT_TRUE(first.damaged_ranges().empty());
  Result<ReadResult> up_to = first.Read(0, 1 << 20);
  ASSERT_TRUE(up_to.ok()) << up_to.status().ToString();
  EXPECT_EQ(up_to->next_offset, damaged_at);
  const std::vector<DamagedRange> found = {{damaged_at, damaged_at + kRecords}};
  EXPECT_EQ(first.damaged_ranges(), found);
  Result<ReadResult> damaged = first.Read(damaged_at + 1, 1 << 20);
  EXPECT_TRUE(damaged.status().IsCorruption()) << damaged.status().ToString();
  EXPECT_EQ(first.damaged_ranges(), found);
  CheckAllButDamaged(first, {damaged_at}, kRecords, kValueSize);
  Result<ReadResult> after = first.Read(damaged_at + kRecords, 1 << 20);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->next_offset, end);
}

TEST(RocksDbBackendTest, ReadsDuringAppendsSeeWholeIntactBatches) {
  TempDir dir;
  Result<std::unique_ptr<StorageBackend>> backend = Open(dir.path());
  ASSERT_TRUE(backend.ok());
  Result<std::unique_ptr<Segment>> created = (*backend)->CreateSegment(kPartition, 0, {});
  ASSERT_TRUE(created.ok());
  Segment& segment = **created;
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::atomic<int> bad{0};
  auto reader = [&](uint64_t seed) {
    std::mt19937_64 rng(seed);
    while (!done.load()) {
      const Offset end = segment.next_offset();
      if (end == 0) continue;
      const Offset at = static_cast<Offset>(rng() % static_cast<uint64_t>(end));
      Result<ReadResult> read = segment.Read(at, 2000);
      if (!read.ok() || read->first_offset > at || read->next_offset <= at) {
        ++bad;
        continue;
      }
      const std::string& data = std::get<std::string>(read->data);
      BatchIterator it(Bytes(data));
      Offset expected = read->first_offset;
      while (std::optional<RecordBatchView> batch = it.Next()) {
        if (batch->header().base_offset != expected || !batch->VerifyCrc().ok()) ++bad;
        expected = batch->header().next_offset();
      }
      if (it.consumed() != data.size() || expected != read->next_offset) ++bad;
      ++reads;
    }
  };
  std::thread r1(reader, 1);
  std::thread r2(reader, 2);
  // Appends go on until both readers had their turn (bounded), whatever the scheduling.
  for (int i = 0; i < 1500 || (i < 100'000 && reads.load() < 100); ++i) {
    AppendBatches(segment, 1, 2, 100);
  }
  done = true;
  r1.join();
  r2.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GE(reads.load(), 100);
}

TEST(RocksDbBackendTest, CloseReleasesTheDatabase) {
  TempDir dir;
  Result<std::unique_ptr<StorageBackend>> backend = Open(dir.path());
  ASSERT_TRUE(backend.ok());
  Result<std::unique_ptr<Segment>> segment = (*backend)->CreateSegment(kPartition, 0, {});
  ASSERT_TRUE(segment.ok());
  AppendBatches(**segment, 2, 1, 10);
  ASSERT_TRUE((*backend)->Close().ok());
  EXPECT_TRUE((*backend)->Close().ok());
  EXPECT_TRUE((*backend)->ListPartitions().status().IsBusy());
  EXPECT_TRUE((*segment)->Read(0, 100).status().IsBusy());

  // The old objects are still alive, yet the database is free to open again.
  Result<std::unique_ptr<StorageBackend>> again = Open(dir.path());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  Result<std::vector<PartitionId>> partitions = (*again)->ListPartitions();
  ASSERT_TRUE(partitions.ok());
  EXPECT_EQ(*partitions, std::vector<PartitionId>{kPartition});
}

}  // namespace
}  // namespace ringlog::testing
