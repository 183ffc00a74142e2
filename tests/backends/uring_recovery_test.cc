// Recovery of the uring backend's segment files, which only files can need: torn tails
// cut at every byte, bit rot in the middle kept and never served (a flipped byte anywhere
// in a batch, in the last and in sealed segments), missing, stale and damaged index files,
// stray files, the clean-shutdown marker, bad data directories.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

#include "backends/data_dir.h"
#include "backends/uring/uring_backend.h"
#include "engine/log/record_batch.h"
#include "engine/log/record_batch_builder.h"
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

// Where one byte of a batch is flipped, and how.
struct Flip {
  const char* name;
  size_t at;  // byte of the batch
  uint8_t mask;
};

const Flip kFlips[] = {
    {"payload", 100, 0x20},
    {"crc", kBatchCrcPos + 1, 0x01},
    {"attributes", kBatchAttributesPos + 1, 0x08},
    {"record count", kBatchRecordCountPos + 3, 0x02},
    {"magic", kBatchMagicPos, 0x01},
    {"base offset", kBatchBaseOffsetPos + 7, 0x01},
    // The length grows past the end of the file: it looks like a torn write.
    {"length high byte", kBatchLengthPos, 0x40},
    // The length turns negative: the header does not decode.
    {"length sign", kBatchLengthPos, 0x80},
    // The length is 16 bytes off: the next batch is not where it says.
    {"length low byte", kBatchLengthPos + 3, 0x10},
};

// How the segment holding the damage was left.
enum class Shutdown { kCleanLastSegment, kCrashLastSegment, kCrashSealedSegment };

std::string ShutdownName(Shutdown shutdown) {
  switch (shutdown) {
    case Shutdown::kCleanLastSegment:
      return "CleanLastSegment";
    case Shutdown::kCrashLastSegment:
      return "CrashLastSegment";
    case Shutdown::kCrashSealedSegment:
      return "CrashSealedSegment";
  }
  return "";
}

class UringBitRotTest : public UringRecoveryTest,
                        public ::testing::WithParamInterface<std::tuple<size_t, Shutdown>> {
 protected:
  const Flip& flip() const { return kFlips[std::get<0>(GetParam())]; }
  Shutdown shutdown() const { return std::get<1>(GetParam()); }
};

// Every batch but the damaged one is served exactly; the damaged one's offsets fail with
// Corruption, which names where reading goes on; reads stop before it.
void ExpectOnlyBatchUnreadable(const Segment& segment, const Written& w, size_t damaged) {
  const Offset first = w.bases[damaged];
  const Offset end = damaged + 1 < w.bases.size() ? w.bases[damaged + 1] : segment.next_offset();
  EXPECT_EQ(segment.damaged_ranges(), (std::vector<DamagedRange>{{first, end}}));
  for (Offset o = first; o < end; ++o) {
    Result<ReadResult> read = segment.Read(o, 1 << 20);
    ASSERT_TRUE(read.status().IsCorruption()) << o << " " << read.status().ToString();
    EXPECT_NE(read.status().message().find("reading goes on at offset " + std::to_string(end)),
              std::string::npos)
        << read.status().ToString();
  }
  for (size_t i = 0; i < w.batches.size(); ++i) {
    if (i == damaged) continue;
    const Offset last = (i + 1 < w.bases.size() ? w.bases[i + 1] : w.next) - 1;
    EXPECT_EQ(Bytes(segment.Read(w.bases[i], 1)), w.batches[i]) << i;
    EXPECT_EQ(Bytes(segment.Read(last, 1)), w.batches[i]) << i;
  }
  if (damaged > 0) {
    Result<ReadResult> before = segment.Read(w.bases[0], 1 << 20);
    std::string expected;
    for (size_t i = 0; i < damaged; ++i) expected += w.batches[i];
    ASSERT_TRUE(before.ok()) << before.status().ToString();
    EXPECT_EQ(Bytes(before), expected);
    EXPECT_EQ(before->next_offset, first);
  }
  if (damaged + 1 < w.batches.size()) {
    Result<ReadResult> after = segment.Read(end, 1 << 20);
    std::string expected;
    for (size_t i = damaged + 1; i < w.batches.size(); ++i) expected += w.batches[i];
    ASSERT_TRUE(after.ok()) << after.status().ToString();
    EXPECT_EQ(Bytes(after), expected);
    EXPECT_EQ(after->next_offset, w.next);
  }
}

// One flipped byte in a batch in the middle: every good batch after it is kept and served,
// the damaged batch never is, and the damage is counted.
TEST_P(UringBitRotTest, FlippedByteInTheMiddleKeepsEveryGoodBatch) {
  const bool sealed = shutdown() == Shutdown::kCrashSealedSegment;
  const Written w = MakeSegment(0, 12, 150, /*seal=*/sealed);
  Written tail;
  if (sealed) tail = MakeSegment(w.next, 3, 40, /*seal=*/false);
  if (shutdown() == Shutdown::kCleanLastSegment) {
    ASSERT_TRUE(backend_->Close().ok());
  }
  backend_.reset();
  constexpr size_t kDamaged = 5;
  const std::string log_path = SegmentFile(0, ".log");
  std::string bytes = ReadFile(log_path);
  bytes[w.positions[kDamaged] + flip().at] ^= flip().mask;
  WriteFile(log_path, bytes);

  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round == 0 ? "first open" : "after a clean restart");
    Open();
    auto segments = OpenPartition();
    ASSERT_EQ(segments.size(), sealed ? 2u : 1u);
    Segment& segment = *segments[0];
    EXPECT_EQ(segment.next_offset(), w.next);
    EXPECT_EQ(segment.size_bytes(), bytes.size());
    ExpectOnlyBatchUnreadable(segment, w, kDamaged);
    if (sealed) {
      EXPECT_EQ(Bytes(segments[1]->Read(w.next, 1 << 20)), tail.All());
    }
    // The file is left as it was for an operator to look at.
    EXPECT_EQ(ReadFile(log_path), bytes);
    ASSERT_TRUE(backend_->Close().ok());
    backend_.reset();
  }
  Open();
}

INSTANTIATE_TEST_SUITE_P(Flips, UringBitRotTest,
                         ::testing::Combine(::testing::Range<size_t>(0, std::size(kFlips)),
                                            ::testing::Values(Shutdown::kCleanLastSegment,
                                                              Shutdown::kCrashLastSegment,
                                                              Shutdown::kCrashSealedSegment)),
                         [](const ::testing::TestParamInfo<std::tuple<size_t, Shutdown>>& p) {
                           std::string name = kFlips[std::get<0>(p.param)].name;
                           std::replace(name.begin(), name.end(), ' ', '_');
                           return name + "_" + ShutdownName(std::get<1>(p.param));
                         });

// Appends go on after the kept damage, and a later roll keeps no index files for the
// damaged segment, so that the next open, after a clean shutdown too, finds it again.
TEST_F(UringRecoveryTest, DamagedLastSegmentTakesAppendsAndIsVerifiedAfterItsRoll) {
  Written w = MakeSegment(0, 8, 120, /*seal=*/false);
  ASSERT_TRUE(backend_->Close().ok());
  backend_.reset();
  const std::string log_path = SegmentFile(0, ".log");
  std::string bytes = ReadFile(log_path);
  bytes[w.positions[2] + 70] ^= 0x10;
  WriteFile(log_path, bytes);
  Open();
  {
    auto segments = OpenPartition();
    ASSERT_EQ(segments.size(), 1u);
    Segment& segment = *segments[0];
    for (int i = 0; i < 3; ++i) {
      const std::string batch = MakeBatch(w.next, 2, kT0 + 1000, 30);
      ASSERT_TRUE(segment.AppendAndWait(View(batch)).ok());
      w.bases.push_back(w.next);
      w.positions.push_back(bytes.size());
      bytes += batch;
      w.next += 2;
      w.batches.push_back(batch);
    }
    ASSERT_TRUE(segment.Flush().ok());
    ASSERT_TRUE(segment.Seal().ok());
    EXPECT_FALSE(fs::exists(SegmentFile(0, ".index")));
    ExpectOnlyBatchUnreadable(segment, w, 2);
    ASSERT_TRUE(backend_->CreateSegment(kPartition, w.next, {}).ok());
  }
  Restart(/*clean=*/true);
  auto segments = OpenPartition();
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_EQ(segments[0]->next_offset(), w.next);
  ExpectOnlyBatchUnreadable(*segments[0], w, 2);
}

// Damage at the very last batch has nothing valid after it: in the last segment it is cut
// like a torn write; in a sealed segment its offsets, up to the next segment, are kept as
// damage.
TEST_F(UringRecoveryTest, DamagedLastBatchIsCutFromTheLastSegmentOnly) {
  const Written first = MakeSegment(0, 6, 100, /*seal=*/true);
  const Written last = MakeSegment(first.next, 6, 100, /*seal=*/false);
  backend_.reset();  // a crash: sealed segments are verified on the next open
  for (const auto& [base, w] : {std::pair{Offset{0}, &first}, {first.next, &last}}) {
    const std::string path = SegmentFile(base, ".log");
    std::string bytes = ReadFile(path);
    bytes[w->positions.back() + 80] ^= 0x04;
    WriteFile(path, bytes);
  }
  Open();
  auto segments = OpenPartition();
  ASSERT_EQ(segments.size(), 2u);
  ExpectOnlyBatchUnreadable(*segments[0], first, first.batches.size() - 1);
  EXPECT_EQ(segments[0]->next_offset(), first.next);
  Segment& active = *segments[1];
  EXPECT_TRUE(active.damaged_ranges().empty());
  EXPECT_EQ(active.next_offset(), last.bases.back());
  EXPECT_EQ(fs::file_size(SegmentFile(first.next, ".log")), last.positions.back());
  const std::string next = MakeBatch(active.next_offset(), 1, kT0, 10);
  ASSERT_TRUE(active.AppendAndWait(View(next)).ok());
  EXPECT_EQ(Bytes(active.Read(last.bases.back(), 1 << 20)), next);
}

// Damage in the middle and a torn tail in one segment: the damage is kept, the tail cut.
TEST_F(UringRecoveryTest, DamageInTheMiddleAndATornTail) {
  const Written w = MakeSegment(0, 10, 80, /*seal=*/false);
  backend_.reset();
  const std::string log_path = SegmentFile(0, ".log");
  std::string bytes = ReadFile(log_path);
  bytes[w.positions[4] + kBatchMagicPos] = 0;
  bytes.resize(bytes.size() - 7);
  WriteFile(log_path, bytes);
  Open();
  auto segments = OpenPartition();
  ASSERT_EQ(segments.size(), 1u);
  Segment& segment = *segments[0];
  EXPECT_EQ(segment.next_offset(), w.bases.back());
  EXPECT_EQ(fs::file_size(log_path), w.positions.back());
  EXPECT_EQ(segment.damaged_ranges(), (std::vector<DamagedRange>{{w.bases[4], w.bases[5]}}));
  EXPECT_TRUE(segment.Read(w.bases[4], 1).status().IsCorruption());
  EXPECT_EQ(Bytes(segment.Read(w.bases[8], 1)), w.batches[8]);
}

// Garbage between two batches whose offsets follow on holds no offsets; it is still
// damage, and reads never include it.
TEST_F(UringRecoveryTest, GarbageBetweenBatchesIsSteppedOver) {
  const Written w = MakeSegment(0, 6, 60, /*seal=*/false);
  backend_.reset();
  const std::string log_path = SegmentFile(0, ".log");
  std::string bytes = ReadFile(log_path);
  bytes.insert(w.positions[3], std::string(100, '\x02'));
  WriteFile(log_path, bytes);
  Open();
  auto segments = OpenPartition();
  ASSERT_EQ(segments.size(), 1u);
  Segment& segment = *segments[0];
  EXPECT_EQ(segment.next_offset(), w.next);
  EXPECT_EQ(segment.damaged_ranges(), (std::vector<DamagedRange>{{w.bases[3], w.bases[3]}}));
  for (size_t i = 0; i < w.batches.size(); ++i) {
    EXPECT_EQ(Bytes(segment.Read(w.bases[i], 1)), w.batches[i]) << i;
  }
  Result<ReadResult> all = segment.Read(0, 1 << 20);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(Bytes(all), w.batches[0] + w.batches[1] + w.batches[2]);
  EXPECT_EQ(all->next_offset, w.bases[3]);
}

// Found by tests/fuzz/segment_fuzzer: the search for good batches after damage spent a
// CRC budget of the file's size, so once recovery had cut a long torn tail, the next
// recovery of the shorter file gave up on a search the first one had finished, and cut the
// good batches it had kept, and the appends acknowledged since, as a bad tail.
TEST_F(UringRecoveryTest, WhatRecoveryKeptTheNextRecoveryKeepsAfterATailWasCut) {
  const Written w = MakeSegment(0, 1, 10, /*seal=*/false);
  backend_.reset();
  // Damage, then a damaged batch that continues the offsets: the search checks its CRC
  // twice (where the first one's length points, then byte by byte), more than the file
  // holds once the tail is cut.
  std::string damaged = MakeBatch(w.next, 1, kT0, 10);
  damaged[damaged.size() - 3] ^= 0x01;
  std::string decoy = MakeBatch(w.next + 1, 1, kT0, 4000);
  decoy[decoy.size() - 3] ^= 0x01;
  const std::string good = MakeBatch(10, 1, kT0, 10);
  std::string torn = MakeBatch(11, 1, kT0, 20000);
  torn.resize(torn.size() - 1);
  const std::string log_path = SegmentFile(0, ".log");
  WriteFile(log_path, w.batches[0] + damaged + decoy + good + torn);
  Open();
  const std::string appended = MakeBatch(11, 1, kT0, 10);
  {
    auto segments = OpenPartition();
    ASSERT_EQ(segments.size(), 1u);
    ASSERT_EQ(segments[0]->next_offset(), 11);
    ASSERT_EQ(segments[0]->damaged_ranges(), (std::vector<DamagedRange>{{w.next, 10}}));
    ASSERT_TRUE(segments[0]->AppendAndWait(View(appended)).ok());
    ASSERT_TRUE(segments[0]->Flush().ok());
  }
  Restart(/*clean=*/true);
  auto segments = OpenPartition();
  ASSERT_EQ(segments.size(), 1u);
  EXPECT_EQ(segments[0]->next_offset(), 12);
  EXPECT_EQ(segments[0]->damaged_ranges(), (std::vector<DamagedRange>{{w.next, 10}}));
  EXPECT_EQ(Bytes(segments[0]->Read(10, 1 << 20)), good + appended);
}

// A damaged header's length must not decide where good data resumes: an append made where
// it points would otherwise hide, at the next recovery, the batch this one kept (found by
// segment_fuzzer).
TEST_F(UringRecoveryTest, AnAppendWhereADamagedHeaderPointsHidesNothing) {
  std::string damaged = MakeBatch(0, 10, kT0, 50);
  const std::string good = MakeBatch(10, 1, kT0, 10);
  std::string torn = MakeBatch(11, 1, kT0, 100);
  torn.resize(torn.size() - 1);
  // Base offset 0 becomes 2^56 (still at most the largest offset), and the length covers
  // the good batch too, so that it points where the torn tail starts.
  damaged[0] ^= 0x01;
  const uint32_t claimed = static_cast<uint32_t>(damaged.size() + good.size()) - 12;
  for (int i = 0; i < 4; ++i) damaged[8 + i] = static_cast<char>(claimed >> (24 - 8 * i));
  MakeSegment(0, 1, 10, /*seal=*/false);
  backend_.reset();
  WriteFile(SegmentFile(0, ".log"), damaged + good + torn);
  Open();
  const std::string appended = MakeBatch(11, 1, kT0, 10);
  const std::vector<DamagedRange> damage{{0, 10}};
  {
    auto segments = OpenPartition();
    ASSERT_EQ(segments.size(), 1u);
    ASSERT_EQ(segments[0]->next_offset(), 11);
    ASSERT_EQ(segments[0]->damaged_ranges(), damage);
    ASSERT_TRUE(segments[0]->AppendAndWait(View(appended)).ok());
    ASSERT_TRUE(segments[0]->Flush().ok());
  }
  Restart(/*clean=*/true);
  auto segments = OpenPartition();
  ASSERT_EQ(segments.size(), 1u);
  EXPECT_EQ(segments[0]->next_offset(), 12);
  EXPECT_EQ(segments[0]->damaged_ranges(), damage);
  EXPECT_EQ(Bytes(segments[0]->Read(10, 1 << 20)), good + appended);
}

// Timestamp lookups step over damage; truncation treats a damaged range as one batch.
TEST_F(UringRecoveryTest, TimestampLookupAndTruncationAroundDamage) {
  const Written w = MakeSegment(0, 12, 100, /*seal=*/false);
  backend_.reset();
  const std::string log_path = SegmentFile(0, ".log");
  std::string bytes = ReadFile(log_path);
  bytes[w.positions[5] + 90] ^= 0x01;
  WriteFile(log_path, bytes);
  Open();
  auto segments = OpenPartition();
  ASSERT_EQ(segments.size(), 1u);
  Segment& segment = *segments[0];
  auto find = [&segment](TimestampMs ts) {
    Result<Offset> found = segment.FindOffsetByTimestamp(ts);
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    return found.ok() ? *found : Offset{-1};
  };
  // Batch i has timestamp kT0 + 10 * i.
  EXPECT_EQ(find(kT0 + 40), w.bases[4]);
  EXPECT_EQ(find(kT0 + 45), w.bases[6]);
  EXPECT_EQ(find(kT0 + 110), w.bases[11]);

  ASSERT_TRUE(segment.TruncateTo(w.bases[8]).ok());
  EXPECT_EQ(segment.next_offset(), w.bases[8]);
  EXPECT_EQ(segment.damaged_ranges().size(), 1u);
  EXPECT_EQ(segment.max_timestamp(), kT0 + 70);
  ASSERT_TRUE(segment.TruncateTo(w.bases[5] + 1).ok());
  EXPECT_EQ(segment.next_offset(), w.bases[5]);
  EXPECT_TRUE(segment.damaged_ranges().empty());
  EXPECT_EQ(segment.max_timestamp(), kT0 + 40);
  EXPECT_EQ(fs::file_size(log_path), w.positions[5]);
  const std::string next = MakeBatch(w.bases[5], 2, kT0, 10);
  ASSERT_TRUE(segment.AppendAndWait(View(next)).ok());
  EXPECT_EQ(Bytes(segment.Read(0, 1 << 20)), bytes.substr(0, w.positions[5]) + next);
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
