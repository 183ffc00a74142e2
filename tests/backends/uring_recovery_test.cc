// Recovery of the uring backend's segment files, which only files can need: torn tails
// cut at every byte, damaged batches in the last and in sealed segments, missing, stale
// and damaged index files, stray files, the clean-shutdown marker, bad data directories.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "backends/data_dir.h"
#include "backends/uring/uring_backend.h"
#include "engine/record_batch.h"
#include "engine/record_batch_builder.h"
#include "tests/support/temp_dir.h"

namespace ringlog::testing {
namespace {

namespace fs = std::filesystem;

constexpr TimestampMs kT0 = 1'700'000'000'000;
const PartitionId kPartition{"events", 3};

std::string MakeBatch(Offset base, int count, TimestampMs ts, size_t value_size) {
  BatchOptions options;
  options.base_offset = base;
  return BuildUniformBatch(count, std::string(value_size, 'v'), ts, options);
}

RecordBatchView View(const std::string& bytes) {
  auto view =
      RecordBatchView::Parse({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
  CHECK(view.ok()) << view.status().ToString();
  return *view;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

std::string Bytes(const Result<ReadResult>& result) {
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  if (!result.ok()) return "";
  Result<std::string> bytes = CopyReadBytes(*result);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return bytes.ok() ? *bytes : "";
}

// One segment's batches as appended.
struct Written {
  std::vector<std::string> batches;
  std::vector<Offset> bases;
  std::vector<uint64_t> positions;
  Offset next = 0;
  size_t BatchOf(Offset offset) const {
    return static_cast<size_t>(std::upper_bound(bases.begin(), bases.end(), offset) -
                               bases.begin()) -
           1;
  }
  std::string All() const {
    std::string out;
    for (const std::string& b : batches) out += b;
    return out;
  }
};

class UringRecoveryTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    UringBackendOptions options;
    options.data_dir = data_dir_;
    auto backend = OpenUringBackend(options);
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(*backend);
  }

  // Drops the backend as a crash would (no Close()) or closes it cleanly, then reopens.
  void Restart(bool clean) {
    if (clean) {
      ASSERT_TRUE(backend_->Close().ok());
    }
    backend_.reset();
    Open();
  }

  std::vector<std::unique_ptr<Segment>> OpenPartition() {
    SegmentOptions options;
    options.index_interval_bytes = 256;
    auto segments = backend_->OpenPartition(kPartition, options);
    EXPECT_TRUE(segments.ok()) << segments.status().ToString();
    return segments.ok() ? std::move(*segments) : std::vector<std::unique_ptr<Segment>>();
  }

  // A segment at `base` with `count` batches of about `value_size` bytes, flushed, and
  // sealed when `seal`.
  Written MakeSegment(Offset base, int count, size_t value_size, bool seal) {
    SegmentOptions options;
    options.index_interval_bytes = 256;
    auto segment = backend_->CreateSegment(kPartition, base, options);
    EXPECT_TRUE(segment.ok()) << segment.status().ToString();
    Written w;
    w.next = base;
    uint64_t position = 0;
    for (int i = 0; i < count; ++i) {
      std::string batch = MakeBatch(w.next, 1 + i % 3, kT0 + 10 * i, value_size + i);
      EXPECT_TRUE((*segment)->AppendAndWait(View(batch)).ok());
      w.bases.push_back(w.next);
      w.positions.push_back(position);
      position += batch.size();
      w.next = View(batch).header().next_offset();
      w.batches.push_back(std::move(batch));
    }
    EXPECT_TRUE((*segment)->Flush().ok());
    if (seal) {
      EXPECT_TRUE((*segment)->Seal().ok());
    }
    return w;
  }

  std::string PartitionDir() const { return data_dir_ + "/" + kPartition.ToString(); }
  std::string SegmentFile(Offset base, std::string_view suffix) const {
    char stem[21];
    std::snprintf(stem, sizeof(stem), "%020lld", static_cast<long long>(base));
    return PartitionDir() + "/" + stem + std::string(suffix);
  }

  TempDir dir_;
  const std::string data_dir_ = dir_.Sub("data");
  std::unique_ptr<StorageBackend> backend_;
};

// A write torn anywhere inside the last batch loses exactly that batch.
TEST_F(UringRecoveryTest, TornTailAtEveryByteIsCut) {
  const Written sealed = MakeSegment(0, 5, 100, /*seal=*/true);
  const Written last = MakeSegment(sealed.next, 4, 60, /*seal=*/false);
  Restart(/*clean=*/true);
  const std::string log_path = SegmentFile(sealed.next, ".log");
  const std::string whole = ReadFile(log_path);
  const uint64_t last_start = last.positions.back();
  for (uint64_t cut = last_start; cut < whole.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    backend_.reset();
    WriteFile(log_path, whole.substr(0, cut));
    Open();
    auto segments = OpenPartition();
    ASSERT_EQ(segments.size(), 2u);
    Segment& tail = *segments[1];
    ASSERT_EQ(tail.next_offset(), last.bases.back());
    ASSERT_EQ(tail.size_bytes(), last_start);
    ASSERT_EQ(fs::file_size(log_path), last_start);
    ASSERT_EQ(Bytes(tail.Read(sealed.next, 1 << 20)), whole.substr(0, last_start));
    const std::string next = MakeBatch(tail.next_offset(), 2, kT0, 10);
    ASSERT_TRUE(tail.AppendAndWait(View(next)).ok());
    ASSERT_EQ(tail.next_offset(), last.bases.back() + 2);
    ASSERT_EQ(Bytes(tail.Read(last.bases.back(), 1 << 20)), next);
  }
}

TEST_F(UringRecoveryTest, DamagedBatchInLastSegmentIsCutThere) {
  const Written w = MakeSegment(100, 8, 200, /*seal=*/false);
  backend_.reset();
  const std::string log_path = SegmentFile(100, ".log");
  std::string bytes = ReadFile(log_path);
  bytes[w.positions[5] + 100] ^= 0x20;  // inside the records: the CRC no longer matches
  WriteFile(log_path, bytes);
  Open();
  auto segments = OpenPartition();
  ASSERT_EQ(segments.size(), 1u);
  EXPECT_EQ(segments[0]->next_offset(), w.bases[5]);
  EXPECT_EQ(fs::file_size(log_path), w.positions[5]);
  EXPECT_EQ(Bytes(segments[0]->Read(100, 1 << 20)), bytes.substr(0, w.positions[5]));
}

TEST_F(UringRecoveryTest, GarbageHeaderInLastSegmentIsCutThere) {
  const Written w = MakeSegment(0, 6, 50, /*seal=*/false);
  backend_.reset();
  const std::string log_path = SegmentFile(0, ".log");
  std::string bytes = ReadFile(log_path);
  bytes[w.positions[2] + kBatchMagicPos] = 7;
  WriteFile(log_path, bytes);
  Open();
  auto segments = OpenPartition();
  ASSERT_EQ(segments.size(), 1u);
  EXPECT_EQ(segments[0]->next_offset(), w.bases[2]);
  EXPECT_EQ(fs::file_size(log_path), w.positions[2]);
}

TEST_F(UringRecoveryTest, DamageInSealedSegmentAfterCrashIsNeverServed) {
  const Written first = MakeSegment(0, 12, 150, /*seal=*/true);
  const Written second = MakeSegment(first.next, 3, 150, /*seal=*/false);
  backend_.reset();  // a crash: sealed segments are verified on the next open
  const std::string log_path = SegmentFile(0, ".log");
  std::string bytes = ReadFile(log_path);
  bytes[first.positions[7] + 90] ^= 0x01;
  WriteFile(log_path, bytes);
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round == 0 ? "after the crash" : "after a clean restart");
    Open();
    auto segments = OpenPartition();
    ASSERT_EQ(segments.size(), 2u);
    Segment& damaged = *segments[0];
    EXPECT_TRUE(damaged.sealed());
    EXPECT_EQ(damaged.next_offset(), first.next);  // up to the next segment
    for (Offset o = first.bases[7]; o < first.next; ++o) {
      EXPECT_TRUE(damaged.Read(o, 1 << 20).status().IsCorruption()) << o;
    }
    // What precedes the damage still reads, and reads stop before it.
    Result<ReadResult> before = damaged.Read(0, 1 << 20);
    EXPECT_EQ(Bytes(before), bytes.substr(0, first.positions[7]));
    EXPECT_EQ(before->next_offset, first.bases[7]);
    EXPECT_EQ(Bytes(damaged.Read(first.bases[3], 1)), first.batches[3]);
    EXPECT_EQ(Bytes(segments[1]->Read(first.next, 1 << 20)), second.All());
    // The file itself is left alone for an operator to look at.
    EXPECT_EQ(fs::file_size(log_path), bytes.size());
    EXPECT_TRUE(backend_->Close().ok());
    backend_.reset();
  }
  Open();
}

TEST_F(UringRecoveryTest, MissingIndexesAreRebuiltIdentically) {
  const Written first = MakeSegment(0, 40, 120, /*seal=*/true);
  MakeSegment(first.next, 2, 10, /*seal=*/false);
  Restart(/*clean=*/true);
  const std::string index = ReadFile(SegmentFile(0, ".index"));
  const std::string time_index = ReadFile(SegmentFile(0, ".timeindex"));
  ASSERT_GT(index.size(), kIndexFileHeaderSize + kOffsetIndexEntrySize);
  ASSERT_GT(time_index.size(), kIndexFileHeaderSize + kTimeIndexEntrySize);
  ASSERT_TRUE(backend_->Close().ok());
  backend_.reset();
  fs::remove(SegmentFile(0, ".index"));
  fs::remove(SegmentFile(0, ".timeindex"));
  Open();
  auto segments = OpenPartition();
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_EQ(segments[0]->next_offset(), first.next);
  EXPECT_EQ(segments[0]->max_timestamp(), kT0 + 390);
  for (Offset o = 0; o < first.next; ++o) {
    EXPECT_EQ(Bytes(segments[0]->Read(o, 1)), first.batches[first.BatchOf(o)]) << o;
  }
  EXPECT_EQ(*segments[0]->FindOffsetByTimestamp(kT0 + 201), first.bases[21]);
  EXPECT_EQ(ReadFile(SegmentFile(0, ".index")), index);
  EXPECT_EQ(ReadFile(SegmentFile(0, ".timeindex")), time_index);
}

TEST_F(UringRecoveryTest, StaleOrDamagedIndexesAreRebuilt) {
  const Written first = MakeSegment(0, 10, 120, /*seal=*/true);
  MakeSegment(first.next + 100, 1, 10, /*seal=*/false);
  Restart(/*clean=*/true);
  ASSERT_TRUE(backend_->Close().ok());
  backend_.reset();
  // The log grew after its indexes were written.
  const std::string extra = MakeBatch(first.next, 4, kT0 + 5000, 30);
  const std::string log_path = SegmentFile(0, ".log");
  WriteFile(log_path, ReadFile(log_path) + extra);
  // And the time index is garbage.
  WriteFile(SegmentFile(0, ".timeindex"), "not an index");
  Open();
  auto segments = OpenPartition();
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_EQ(segments[0]->next_offset(), first.next + 4);
  EXPECT_EQ(segments[0]->max_timestamp(), kT0 + 5000);
  EXPECT_EQ(Bytes(segments[0]->Read(first.next + 2, 1)), extra);
  EXPECT_EQ(Bytes(segments[0]->Read(0, 1 << 20)), first.All() + extra);
  EXPECT_EQ(*segments[0]->FindOffsetByTimestamp(kT0 + 1000), first.next);
}

TEST_F(UringRecoveryTest, StrayFilesAreIgnored) {
  const Written w = MakeSegment(0, 3, 40, /*seal=*/false);
  backend_.reset();
  WriteFile(PartitionDir() + "/notes.txt", "hello");
  WriteFile(PartitionDir() + "/123.log", "not a segment");
  fs::create_directories(data_dir_ + "/lost+found");
  fs::create_directories(data_dir_ + "/no_partition_number");
  Open();
  auto segments = OpenPartition();
  ASSERT_EQ(segments.size(), 1u);
  EXPECT_EQ(Bytes(segments[0]->Read(0, 1 << 20)), w.All());
  auto partitions = backend_->ListPartitions();
  ASSERT_TRUE(partitions.ok());
  EXPECT_EQ(*partitions, std::vector<PartitionId>{kPartition});
}

TEST_F(UringRecoveryTest, OverlappingSegmentsAreReported) {
  MakeSegment(0, 10, 40, /*seal=*/true);
  MakeSegment(5, 2, 40, /*seal=*/false);
  Restart(/*clean=*/false);
  auto segments = backend_->OpenPartition(kPartition, SegmentOptions());
  EXPECT_TRUE(segments.status().IsCorruption()) << segments.status().ToString();
}

TEST_F(UringRecoveryTest, CleanShutdownMarkerLastsUntilTheNextOpen) {
  const std::string marker = data_dir_ + "/.clean_shutdown";
  EXPECT_FALSE(fs::exists(marker));
  ASSERT_TRUE(backend_->Close().ok());
  EXPECT_TRUE(fs::exists(marker));
  backend_.reset();
  Open();
  EXPECT_FALSE(fs::exists(marker));
}

TEST(UringBackendOpenTest, UnusableDirectoryIsIOError) {
  TempDir dir;
  WriteFile(dir.Sub("file"), "a regular file");
  UringBackendOptions options;
  options.data_dir = dir.Sub("file") + "/sub";
  auto backend = OpenUringBackend(options);
  EXPECT_TRUE(backend.status().IsIOError()) << backend.status().ToString();
  EXPECT_NE(backend.status().message().find(options.data_dir), std::string::npos);
}

TEST(UringBackendOpenTest, DirectoryOfAnotherBackendIsInvalidArgument) {
  TempDir dir;
  ASSERT_TRUE(ClaimDataDir(dir.Sub("data"), "rocksdb").ok());
  UringBackendOptions options;
  options.data_dir = dir.Sub("data");
  auto backend = OpenUringBackend(options);
  EXPECT_TRUE(backend.status().IsInvalidArgument()) << backend.status().ToString();
}

TEST(UringBackendOpenTest, ZeroQueueDepthIsInvalidArgument) {
  TempDir dir;
  UringBackendOptions options;
  options.data_dir = dir.Sub("data");
  options.queue_depth = 0;
  EXPECT_TRUE(OpenUringBackend(options).status().IsInvalidArgument());
}

TEST(UringBackendOpenTest, CapabilitiesAndName) {
  TempDir dir;
  UringBackendOptions options;
  options.data_dir = dir.Sub("data");
  auto backend = OpenUringBackend(options);
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  EXPECT_EQ((*backend)->name(), "uring");
  EXPECT_TRUE((*backend)->capabilities().zero_copy_reads);
}

}  // namespace
}  // namespace ringlog::testing
