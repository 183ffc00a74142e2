// The Segment and StorageBackend contracts (engine/log/segment.h, engine/log/storage_backend.h),
// checked the same way on every backend: append and read, counters, timestamps, flush,
// seal, truncation, reopening, segment and partition removal, listing and the meta store.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>
#include <vector>

#include "engine/log/record_batch.h"
#include "engine/log/record_batch_builder.h"
#include "engine/log/segment.h"
#include "engine/log/storage_backend.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {
namespace {

constexpr TimestampMs kT0 = 1'700'000'000'000;

// A batch of `count` records from `base`, all stamped `ts`, values of `value_size` bytes.
std::string MakeBatch(Offset base, int count, TimestampMs ts, size_t value_size = 40) {
  BatchOptions options;
  options.base_offset = base;
  return BuildUniformBatch(count, std::string(value_size, static_cast<char>('a' + base % 26)), ts,
                           options);
}

RecordBatchView View(const std::string& bytes) {
  auto view =
      RecordBatchView::Parse({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
  CHECK(view.ok()) << view.status().ToString();
  return *view;
}

std::string Bytes(const Result<ReadResult>& result) {
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  if (!result.ok()) return "";
  Result<std::string> bytes = CopyReadBytes(*result);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return bytes.ok() ? *bytes : "";
}

// What a test appended to one segment, to compare reads against.
struct Appended {
  std::vector<std::string> batches;
  std::vector<Offset> bases;  // base offset of each batch
  Offset next = 0;

  // The bytes of batches [first, last].
  std::string Range(size_t first, size_t last) const {
    std::string out;
    for (size_t i = first; i <= last; ++i) out += batches[i];
    return out;
  }
  // Index of the batch holding `offset`.
  size_t BatchOf(Offset offset) const {
    return static_cast<size_t>(std::upper_bound(bases.begin(), bases.end(), offset) -
                               bases.begin()) -
           1;
  }
};

class SegmentConformanceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    auto backend = OpenTestBackend(GetParam(), dir_.Sub("data"));
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(*backend);
  }

  // Restarts the backend: after Close() when `clean`, else by just dropping it.
  void Reopen(bool clean) {
    if (clean) {
      ASSERT_TRUE(backend_->Close().ok());
    }
    backend_.reset();
    Open();
  }

  std::unique_ptr<Segment> Create(Offset base, uint32_t index_interval = 4096,
                                  const PartitionId& id = {"topic", 0}) {
    SegmentOptions options;
    options.index_interval_bytes = index_interval;
    auto segment = backend_->CreateSegment(id, base, options);
    EXPECT_TRUE(segment.ok()) << segment.status().ToString();
    return segment.ok() ? std::move(*segment) : nullptr;
  }

  std::vector<std::unique_ptr<Segment>> OpenPartition(const PartitionId& id = {"topic", 0}) {
    auto segments = backend_->OpenPartition(id, SegmentOptions());
    EXPECT_TRUE(segments.ok()) << segments.status().ToString();
    return segments.ok() ? std::move(*segments) : std::vector<std::unique_ptr<Segment>>();
  }

  // Appends `count` batches to `segment`, of 1..3 records and varied sizes, timestamps
  // from `ts` rising by 10.
  Appended Fill(Segment& segment, int count, TimestampMs ts = kT0) {
    Appended out;
    out.next = segment.next_offset();
    for (int i = 0; i < count; ++i) {
      std::string batch = MakeBatch(out.next, 1 + i % 3, ts + 10 * i, 20 + (i * 37) % 300);
      EXPECT_TRUE(segment.AppendAndWait(View(batch)).ok());
      out.bases.push_back(out.next);
      out.next = View(batch).header().next_offset();
      out.batches.push_back(std::move(batch));
    }
    return out;
  }

  TempDir dir_;
  std::unique_ptr<StorageBackend> backend_;
};

TEST_P(SegmentConformanceTest, EmptySegment) {
  auto segment = Create(100);
  ASSERT_NE(segment, nullptr);
  EXPECT_EQ(segment->base_offset(), 100);
  EXPECT_EQ(segment->next_offset(), 100);
  EXPECT_EQ(segment->size_bytes(), 0u);
  EXPECT_EQ(segment->max_timestamp(), kNoTimestamp);
  EXPECT_FALSE(segment->sealed());
  EXPECT_TRUE(segment->Read(100, 1 << 20).status().IsOutOfRange());
  EXPECT_TRUE(segment->FindOffsetByTimestamp(0).status().IsNotFound());
  EXPECT_TRUE(segment->Flush().ok());
}

TEST_P(SegmentConformanceTest, ReadsWholeBatchesFromEveryOffset) {
  for (uint32_t interval : {1u, 300u, 4096u}) {
    SCOPED_TRACE("index interval " + std::to_string(interval));
    auto segment = Create(1000 * interval, interval);
    ASSERT_NE(segment, nullptr);
    const Appended a = Fill(*segment, 40);
    for (Offset o = segment->base_offset(); o < a.next; ++o) {
      const size_t i = a.BatchOf(o);
      // A tiny budget still returns the one batch holding the offset.
      Result<ReadResult> one = segment->Read(o, 1);
      EXPECT_EQ(Bytes(one), a.batches[i]) << "offset " << o;
      EXPECT_EQ(one->first_offset, a.bases[i]);
      EXPECT_EQ(one->next_offset, i + 1 < a.bases.size() ? a.bases[i + 1] : a.next);
      // A large budget returns everything from that batch on.
      Result<ReadResult> all = segment->Read(o, 1 << 20);
      EXPECT_EQ(Bytes(all), a.Range(i, a.batches.size() - 1)) << "offset " << o;
      EXPECT_EQ(all->first_offset, a.bases[i]);
      EXPECT_EQ(all->next_offset, a.next);
    }
    EXPECT_TRUE(segment->Read(segment->base_offset() - 1, 100).status().IsOutOfRange());
    EXPECT_TRUE(segment->Read(a.next, 100).status().IsOutOfRange());
  }
}

TEST_P(SegmentConformanceTest, ReadStopsAtMaxBytes) {
  auto segment = Create(0, 64);
  ASSERT_NE(segment, nullptr);
  const Appended a = Fill(*segment, 30);
  for (size_t first = 0; first < a.batches.size(); first += 7) {
    for (size_t last = first; last < a.batches.size(); last += 3) {
      const std::string want = a.Range(first, last);
      // Exactly the size of batches [first, last]: all of them.
      Result<ReadResult> exact = segment->Read(a.bases[first], want.size());
      EXPECT_EQ(Bytes(exact), want);
      EXPECT_EQ(exact->next_offset,
                a.bases[last] + (last + 1 < a.bases.size() ? a.bases[last + 1] - a.bases[last]
                                                           : a.next - a.bases[last]));
      // One byte less: the last of them no longer fits (unless it is the only one).
      const std::string shorter = last > first ? a.Range(first, last - 1) : want;
      EXPECT_EQ(Bytes(segment->Read(a.bases[first], want.size() - 1)), shorter);
    }
  }
  EXPECT_EQ(Bytes(segment->Read(0, 0)), a.batches[0]);
}

TEST_P(SegmentConformanceTest, LargeBatchesReadWhole) {
  auto segment = Create(0);
  ASSERT_NE(segment, nullptr);
  std::vector<std::string> batches;
  Offset next = 0;
  for (size_t value_size : {100u, 200'000u, 50u, 70'000u, 10u}) {
    batches.push_back(MakeBatch(next, 2, kT0, value_size));
    ASSERT_TRUE(segment->AppendAndWait(View(batches.back())).ok());
    next += 2;
  }
  EXPECT_EQ(Bytes(segment->Read(2, 10)), batches[1]);
  EXPECT_EQ(Bytes(segment->Read(3, batches[1].size() + batches[2].size())),
            batches[1] + batches[2]);
  EXPECT_EQ(Bytes(segment->Read(0, 1 << 30)),
            batches[0] + batches[1] + batches[2] + batches[3] + batches[4]);
}

TEST_P(SegmentConformanceTest, CountersFollowAppends) {
  auto segment = Create(50);
  ASSERT_NE(segment, nullptr);
  uint64_t size = 0;
  Offset next = 50;
  for (TimestampMs ts : {kT0 + 50, kT0 + 30, kT0 + 70, kT0 + 10}) {
    const std::string batch = MakeBatch(next, 4, ts);
    ASSERT_TRUE(segment->AppendAndWait(View(batch)).ok());
    size += batch.size();
    next += 4;
    EXPECT_EQ(segment->next_offset(), next);
    EXPECT_EQ(segment->size_bytes(), size);
  }
  EXPECT_EQ(segment->max_timestamp(), kT0 + 70);
  const SegmentInfo info = segment->info();
  EXPECT_EQ(info.base_offset, 50);
  EXPECT_EQ(info.next_offset, next);
  EXPECT_EQ(info.size_bytes, size);
}

TEST_P(SegmentConformanceTest, AppendAtWrongOffsetChangesNothing) {
  auto segment = Create(0);
  ASSERT_NE(segment, nullptr);
  const Appended a = Fill(*segment, 3);
  const std::string wrong = MakeBatch(a.next + 5, 1, kT0);
  EXPECT_FALSE(segment->AppendAndWait(View(wrong)).ok());
  EXPECT_EQ(segment->next_offset(), a.next);
  EXPECT_EQ(Bytes(segment->Read(0, 1 << 20)), a.Range(0, 2));
}

TEST_P(SegmentConformanceTest, FindsOffsetByTimestamp) {
  for (uint32_t interval : {1u, 200u, 4096u}) {
    SCOPED_TRACE("index interval " + std::to_string(interval));
    auto segment = Create(interval, interval);
    ASSERT_NE(segment, nullptr);
    // Timestamps that go up and down, with repeats.
    std::vector<std::pair<Offset, TimestampMs>> batches;  // base, max timestamp
    Offset next = segment->base_offset();
    for (int i = 0; i < 60; ++i) {
      const TimestampMs ts = kT0 + (i * 7919) % 400 + (i / 20) * 100;
      ASSERT_TRUE(segment->AppendAndWait(View(MakeBatch(next, 2, ts))).ok());
      batches.emplace_back(next, ts);
      next += 2;
    }
    for (TimestampMs ts = kT0 - 5; ts <= kT0 + 700; ts += 3) {
      auto expected = std::find_if(batches.begin(), batches.end(),
                                   [&](const auto& b) { return b.second >= ts; });
      Result<Offset> found = segment->FindOffsetByTimestamp(ts);
      if (expected == batches.end()) {
        EXPECT_TRUE(found.status().IsNotFound()) << ts;
      } else {
        ASSERT_TRUE(found.ok()) << found.status().ToString();
        EXPECT_EQ(*found, expected->first) << "timestamp " << ts;
      }
    }
  }
}

TEST_P(SegmentConformanceTest, FlushKeepsData) {
  auto segment = Create(0);
  ASSERT_NE(segment, nullptr);
  const Appended a = Fill(*segment, 5);
  EXPECT_TRUE(segment->Flush().ok());
  EXPECT_TRUE(segment->Flush().ok());
  EXPECT_EQ(Bytes(segment->Read(0, 1 << 20)), a.Range(0, 4));
}

TEST_P(SegmentConformanceTest, SealedSegmentRefusesAppends) {
  auto segment = Create(0);
  ASSERT_NE(segment, nullptr);
  const Appended a = Fill(*segment, 5);
  ASSERT_TRUE(segment->Seal().ok());
  EXPECT_TRUE(segment->sealed());
  EXPECT_TRUE(segment->Seal().ok());  // idempotent
  EXPECT_FALSE(segment->AppendAndWait(View(MakeBatch(a.next, 1, kT0))).ok());
  EXPECT_EQ(segment->next_offset(), a.next);
  EXPECT_EQ(Bytes(segment->Read(a.bases[2], 1 << 20)), a.Range(2, 4));
  EXPECT_EQ(*segment->FindOffsetByTimestamp(kT0 + 15), a.bases[2]);
}

// The worked examples of Segment::TruncateTo: batches [0..4][5..9][10..14].
TEST_P(SegmentConformanceTest, TruncateToWorkedExamples) {
  const std::string b0 = MakeBatch(0, 5, kT0 + 30);
  const std::string b1 = MakeBatch(5, 5, kT0 + 10);
  const std::string b2 = MakeBatch(10, 5, kT0 + 50);
  for (Offset cut : {Offset{10}, Offset{7}}) {
    SCOPED_TRACE("TruncateTo(" + std::to_string(cut) + ")");
    auto segment = Create(0, 4096, {"truncate", static_cast<int32_t>(cut)});
    ASSERT_NE(segment, nullptr);
    for (const std::string* b : {&b0, &b1, &b2}) ASSERT_TRUE(segment->AppendAndWait(View(*b)).ok());
    ASSERT_TRUE(segment->TruncateTo(cut).ok());
    EXPECT_EQ(segment->next_offset(), 10);
    EXPECT_EQ(segment->size_bytes(), b0.size() + b1.size());
    EXPECT_EQ(segment->max_timestamp(), kT0 + 30);
    EXPECT_EQ(Bytes(segment->Read(0, 1 << 20)), b0 + b1);
    EXPECT_TRUE(segment->Read(10, 100).status().IsOutOfRange());
    EXPECT_TRUE(segment->FindOffsetByTimestamp(kT0 + 40).status().IsNotFound());
    // Appends continue at the cut.
    const std::string again = MakeBatch(10, 2, kT0 + 5);
    ASSERT_TRUE(segment->AppendAndWait(View(again)).ok());
    EXPECT_EQ(segment->next_offset(), 12);
    EXPECT_EQ(Bytes(segment->Read(5, 1 << 20)), b1 + again);
  }
}

TEST_P(SegmentConformanceTest, TruncateEdges) {
  auto segment = Create(20, 1);
  ASSERT_NE(segment, nullptr);
  const Appended a = Fill(*segment, 11);
  ASSERT_GT(a.next - 1, a.bases.back());
  ASSERT_TRUE(segment->TruncateTo(a.next + 10).ok());  // beyond the end: nothing
  EXPECT_EQ(segment->next_offset(), a.next);
  ASSERT_TRUE(segment->TruncateTo(a.next - 1).ok());  // inside the last batch: nothing
  EXPECT_EQ(segment->next_offset(), a.next);
  ASSERT_TRUE(segment->TruncateTo(a.bases[6]).ok());
  EXPECT_EQ(segment->next_offset(), a.bases[6]);
  EXPECT_EQ(segment->max_timestamp(), kT0 + 50);
  EXPECT_EQ(*segment->FindOffsetByTimestamp(kT0 + 41), a.bases[5]);
  ASSERT_TRUE(segment->TruncateTo(20).ok());  // everything
  EXPECT_EQ(segment->next_offset(), 20);
  EXPECT_EQ(segment->size_bytes(), 0u);
  EXPECT_EQ(segment->max_timestamp(), kNoTimestamp);
  const Appended again = Fill(*segment, 3, kT0 + 1000);
  EXPECT_EQ(Bytes(segment->Read(20, 1 << 20)), again.Range(0, 2));
}

TEST_P(SegmentConformanceTest, TruncateSealedSegmentStaysSealed) {
  auto first = Create(0);
  ASSERT_NE(first, nullptr);
  const Appended a = Fill(*first, 8);
  ASSERT_TRUE(first->Seal().ok());
  auto second = Create(a.next);
  ASSERT_NE(second, nullptr);
  ASSERT_TRUE(first->TruncateTo(a.bases[4]).ok());
  EXPECT_TRUE(first->sealed());
  EXPECT_EQ(first->next_offset(), a.bases[4]);
  ASSERT_TRUE(first->Flush().ok());
  first.reset();
  second.reset();
  Reopen(/*clean=*/true);
  auto segments = OpenPartition();
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_EQ(segments[0]->next_offset(), a.bases[4]);
  EXPECT_EQ(Bytes(segments[0]->Read(0, 1 << 20)), a.Range(0, 3));
  EXPECT_EQ(segments[0]->max_timestamp(), kT0 + 30);
}

TEST_P(SegmentConformanceTest, ReopenReturnsTheSameLog) {
  for (bool clean : {true, false}) {
    SCOPED_TRACE(clean ? "clean shutdown" : "no Close()");
    const PartitionId id{"reopen", clean ? 1 : 2};
    Appended a;
    Appended b;
    {
      auto first = Create(0, 128, id);
      ASSERT_NE(first, nullptr);
      a = Fill(*first, 25);
      ASSERT_TRUE(first->Seal().ok());
      auto second = Create(a.next, 128, id);
      ASSERT_NE(second, nullptr);
      b = Fill(*second, 12, kT0 + 5000);
      ASSERT_TRUE(second->Flush().ok());
    }
    Reopen(clean);
    auto segments = OpenPartition(id);
    ASSERT_EQ(segments.size(), 2u);
    EXPECT_TRUE(segments[0]->sealed());
    EXPECT_FALSE(segments[1]->sealed());
    EXPECT_EQ(segments[0]->base_offset(), 0);
    EXPECT_EQ(segments[0]->next_offset(), a.next);
    EXPECT_EQ(segments[0]->max_timestamp(), kT0 + 240);
    EXPECT_EQ(segments[1]->base_offset(), a.next);
    EXPECT_EQ(segments[1]->next_offset(), b.next);
    EXPECT_EQ(segments[1]->max_timestamp(), kT0 + 5110);
    EXPECT_EQ(segments[0]->size_bytes(), a.Range(0, 24).size());
    EXPECT_EQ(segments[1]->size_bytes(), b.Range(0, 11).size());
    for (Offset o = 0; o < a.next; o += 3) {
      EXPECT_EQ(Bytes(segments[0]->Read(o, 1)), a.batches[a.BatchOf(o)]);
    }
    EXPECT_EQ(Bytes(segments[0]->Read(0, 1 << 20)), a.Range(0, 24));
    EXPECT_EQ(Bytes(segments[1]->Read(a.next, 1 << 20)), b.Range(0, 11));
    EXPECT_EQ(*segments[0]->FindOffsetByTimestamp(kT0 + 101), a.bases[11]);
    // The last segment takes appends where it left off.
    const std::string more = MakeBatch(b.next, 3, kT0 + 9000);
    ASSERT_TRUE(segments[1]->AppendAndWait(View(more)).ok());
    EXPECT_EQ(segments[1]->next_offset(), b.next + 3);
    EXPECT_EQ(Bytes(segments[1]->Read(b.next, 1 << 20)), more);
  }
}

TEST_P(SegmentConformanceTest, OpenPartitionWithoutStorageIsEmpty) {
  EXPECT_TRUE(OpenPartition({"nothing", 3}).empty());
}

TEST_P(SegmentConformanceTest, CreateSegmentTwiceIsAlreadyExists) {
  auto segment = Create(10);
  ASSERT_NE(segment, nullptr);
  auto again = backend_->CreateSegment({"topic", 0}, 10, SegmentOptions());
  EXPECT_TRUE(again.status().IsAlreadyExists()) << again.status().ToString();
}

TEST_P(SegmentConformanceTest, DeleteSegmentKeepsResultsAlreadyReturned) {
  auto first = Create(0);
  ASSERT_NE(first, nullptr);
  const Appended a = Fill(*first, 6);
  ASSERT_TRUE(first->Seal().ok());
  auto second = Create(a.next);
  ASSERT_NE(second, nullptr);
  const Appended b = Fill(*second, 2);
  Result<ReadResult> held = first->Read(0, 1 << 20);
  ASSERT_TRUE(held.ok());
  ASSERT_TRUE(backend_->DeleteSegment({"topic", 0}, 0).ok());
  EXPECT_EQ(Bytes(held), a.Range(0, 5));
  first.reset();
  EXPECT_EQ(Bytes(held), a.Range(0, 5));
  second.reset();
  auto segments = OpenPartition();
  ASSERT_EQ(segments.size(), 1u);
  EXPECT_EQ(segments[0]->base_offset(), a.next);
  EXPECT_EQ(Bytes(segments[0]->Read(a.next, 1 << 20)), b.Range(0, 1));
  // The base offset is free again.
  EXPECT_NE(Create(0), nullptr);
}

TEST_P(SegmentConformanceTest, DeletePartitionRemovesEverything) {
  const PartitionId doomed{"doomed", 1};
  const PartitionId kept{"kept", 0};
  {
    auto s = Create(0, 4096, doomed);
    ASSERT_NE(s, nullptr);
    Fill(*s, 3);
    auto k = Create(0, 4096, kept);
    ASSERT_NE(k, nullptr);
    Fill(*k, 3);
  }
  ASSERT_TRUE(backend_->DeletePartition(doomed).ok());
  EXPECT_TRUE(OpenPartition(doomed).empty());
  EXPECT_EQ(OpenPartition(kept).size(), 1u);
  auto listed = backend_->ListPartitions();
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(*listed, std::vector<PartitionId>{kept});
}

TEST_P(SegmentConformanceTest, ListPartitions) {
  auto empty = backend_->ListPartitions();
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  const std::vector<PartitionId> ids = {{"a", 0}, {"a", 1}, {"my-topic", 12}, {"z.y_x", 7}};
  for (const PartitionId& id : ids) ASSERT_NE(Create(0, 4096, id), nullptr);
  Reopen(/*clean=*/true);
  auto listed = backend_->ListPartitions();
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  std::vector<PartitionId> sorted = *listed;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, ids);
}

TEST_P(SegmentConformanceTest, MetaStore) {
  EXPECT_TRUE(backend_->GetMeta("missing").status().IsNotFound());
  ASSERT_TRUE(backend_->PutMeta("topic.orders", "v1").ok());
  ASSERT_TRUE(backend_->PutMeta("topic.orders", "v2").ok());
  ASSERT_TRUE(backend_->PutMeta("topic.audit", std::string(100'000, 'x')).ok());
  ASSERT_TRUE(backend_->PutMeta("group-1", "").ok());
  EXPECT_EQ(*backend_->GetMeta("topic.orders"), "v2");
  EXPECT_EQ(*backend_->GetMeta("group-1"), "");
  EXPECT_EQ(*backend_->ListMeta("topic."),
            (std::vector<std::string>{"topic.audit", "topic.orders"}));
  EXPECT_EQ(*backend_->ListMeta(""),
            (std::vector<std::string>{"group-1", "topic.audit", "topic.orders"}));
  EXPECT_TRUE(backend_->ListMeta("nope")->empty());
  for (std::string_view bad : {"", "a/b", "../x", "sp ace"}) {
    EXPECT_TRUE(backend_->PutMeta(bad, "x").IsInvalidArgument()) << bad;
  }
  ASSERT_TRUE(backend_->DeleteMeta("topic.orders").ok());
  EXPECT_TRUE(backend_->GetMeta("topic.orders").status().IsNotFound());
  Status again = backend_->DeleteMeta("topic.orders");
  EXPECT_TRUE(again.ok() || again.IsNotFound()) << again.ToString();
  Reopen(/*clean=*/false);
  EXPECT_EQ(backend_->GetMeta("topic.audit")->size(), 100'000u);
  EXPECT_EQ(*backend_->ListMeta(""), (std::vector<std::string>{"group-1", "topic.audit"}));
}

TEST_P(SegmentConformanceTest, ReadsDuringAppendsSeeWholeBatches) {
  auto segment = Create(0, 512);
  ASSERT_NE(segment, nullptr);
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::thread reader([&] {
    while (!done.load()) {
      const Offset end = segment->next_offset();
      if (end == 0) continue;
      Result<ReadResult> r = segment->Read(end / 2, 8192);
      if (!r.ok()) {
        ++bad;
        continue;
      }
      Result<std::string> bytes = CopyReadBytes(*r);
      if (!bytes.ok()) {
        ++bad;
        continue;
      }
      BatchIterator it({reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size()});
      Offset expect = r->first_offset;
      while (auto batch = it.Next()) {
        if (batch->header().base_offset != expect || !batch->VerifyCrc().ok()) ++bad;
        expect = batch->header().next_offset();
      }
      if (it.consumed() != bytes->size() || expect != r->next_offset) ++bad;
    }
  });
  Fill(*segment, 400);
  done.store(true);
  reader.join();
  EXPECT_EQ(bad.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, SegmentConformanceTest, ::testing::ValuesIn(AllTestBackends()),
                         BackendParamName());

}  // namespace
}  // namespace ringlog::testing
