#include "engine/log/record_batch.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "engine/big_endian.h"
#include "engine/log/crc32c.h"
#include "engine/log/record_batch_builder.h"

namespace ringlog {
namespace {

std::span<const uint8_t> Span(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
std::span<uint8_t> MutableSpan(std::string& s) {
  return {reinterpret_cast<uint8_t*>(s.data()), s.size()};
}
std::string Str(std::span<const uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

std::optional<std::string> Opt(const std::optional<std::span<const uint8_t>>& b) {
  if (!b) return std::nullopt;
  return Str(*b);
}

template <typename T>
void Put(std::string& batch, size_t pos, T value) {
  StoreBigEndian<T>(reinterpret_cast<uint8_t*>(batch.data()) + pos, value);
}
template <typename T>
T Get(const std::string& batch, size_t pos) {
  return LoadBigEndian<T>(reinterpret_cast<const uint8_t*>(batch.data()) + pos);
}

// Recomputes the CRC after a test edits bytes it covers, so the check under test is the
// one that fires.
void FixCrc(std::string& batch) {
  Put<uint32_t>(batch, kBatchCrcPos, Crc32c(Span(batch).subspan(kBatchAttributesPos)));
}

std::vector<RecordData> SampleRecords() {
  return {
      {"k0", "v0", 1000, {}},
      {std::nullopt, "no key", 1005, {{"h1", "x"}, {"h2", std::nullopt}}},
      {"tombstone", std::nullopt, 998, {}},
      {"", "", 1010, {{"", ""}}},
  };
}

std::string SampleBatch(Offset base = 0) {
  BatchOptions options;
  options.base_offset = base;
  options.producer_id = 77;
  options.producer_epoch = 3;
  options.base_sequence = 10;
  options.partition_leader_epoch = 5;
  return BuildRecordBatch(SampleRecords(), options);
}

TEST(RecordBatchTest, ParsesOwnBatchHeader) {
  const std::string batch = SampleBatch(100);
  Result<RecordBatchView> view = RecordBatchView::Parse(Span(batch));
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  const BatchHeader& h = view->header();
  EXPECT_EQ(h.base_offset, 100);
  EXPECT_EQ(h.size_bytes(), batch.size());
  EXPECT_EQ(view->size_bytes(), batch.size());
  EXPECT_EQ(h.partition_leader_epoch, 5);
  EXPECT_EQ(h.magic, 2);
  EXPECT_EQ(h.record_count, 4);
  EXPECT_EQ(h.last_offset_delta, 3);
  EXPECT_EQ(h.last_offset(), 103);
  EXPECT_EQ(h.next_offset(), 104);
  EXPECT_EQ(h.base_timestamp, 1000);
  EXPECT_EQ(h.max_timestamp, 1010);
  EXPECT_EQ(h.producer_id, 77);
  EXPECT_EQ(h.producer_epoch, 3);
  EXPECT_EQ(h.base_sequence, 10);
  EXPECT_EQ(h.compression(), CompressionType::kNone);
  EXPECT_EQ(h.timestamp_type(), TimestampType::kCreateTime);
  EXPECT_FALSE(h.is_transactional());
  EXPECT_FALSE(h.is_control());
  EXPECT_TRUE(view->VerifyCrc().ok());
  EXPECT_EQ(view->ComputeCrc(), h.crc);
  EXPECT_TRUE(ValidateProducerBatch(*view).ok());
}

TEST(RecordBatchTest, ParseIgnoresTrailingBytes) {
  const std::string batch = SampleBatch();
  const std::string padded = batch + "trailing garbage";
  Result<RecordBatchView> view = RecordBatchView::Parse(Span(padded));
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->size_bytes(), batch.size());
  EXPECT_TRUE(ValidateProducerBatch(*view).ok());
}

TEST(RecordBatchTest, HeaderAloneDecodes) {
  const std::string batch = SampleBatch(9);
  Result<BatchHeader> h = DecodeBatchHeader(Span(batch).first(kBatchHeaderSize));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->base_offset, 9);
  EXPECT_EQ(h->size_bytes(), batch.size());
}

TEST(RecordBatchTest, WrongCrcIsCorruption) {
  std::string batch = SampleBatch();
  batch[batch.size() - 1] ^= 0x01;  // a value byte
  Result<RecordBatchView> view = RecordBatchView::Parse(Span(batch));
  ASSERT_TRUE(view.ok());
  EXPECT_TRUE(view->VerifyCrc().IsCorruption());
  EXPECT_TRUE(ValidateProducerBatch(*view).IsCorruption());
  std::string bad_crc = SampleBatch();
  Put<uint32_t>(bad_crc, kBatchCrcPos, Get<uint32_t>(bad_crc, kBatchCrcPos) + 1);
  EXPECT_TRUE(ValidateProducerBatch(*RecordBatchView::Parse(Span(bad_crc))).IsCorruption());
}

TEST(RecordBatchTest, WrongMagicIsCorruption) {
  for (int magic : {0, 1, 3, -1}) {
    std::string batch = SampleBatch();
    batch[kBatchMagicPos] = static_cast<char>(magic);
    EXPECT_TRUE(RecordBatchView::Parse(Span(batch)).status().IsCorruption()) << magic;
    EXPECT_TRUE(DecodeBatchHeader(Span(batch)).status().IsCorruption()) << magic;
  }
}

TEST(RecordBatchTest, ShortBuffers) {
  const std::string batch = SampleBatch();
  for (size_t n : {size_t{0}, size_t{1}, kBatchHeaderSize - 1}) {
    EXPECT_TRUE(DecodeBatchHeader(Span(batch).first(n)).status().IsOutOfRange()) << n;
    EXPECT_FALSE(RecordBatchView::Parse(Span(batch).first(n)).ok()) << n;
  }
  for (size_t n : {kBatchHeaderSize, batch.size() - 1}) {
    EXPECT_TRUE(RecordBatchView::Parse(Span(batch).first(n)).status().IsCorruption()) << n;
  }
}

TEST(RecordBatchTest, LyingBatchLength) {
  const std::string good = SampleBatch();
  const auto length = Get<int32_t>(good, kBatchLengthPos);

  std::string too_big = good;
  Put<int32_t>(too_big, kBatchLengthPos, length + 1);
  EXPECT_TRUE(RecordBatchView::Parse(Span(too_big)).status().IsCorruption());
  Put<int32_t>(too_big, kBatchLengthPos, INT32_MAX);
  EXPECT_TRUE(RecordBatchView::Parse(Span(too_big)).status().IsCorruption());

  std::string negative = good;
  Put<int32_t>(negative, kBatchLengthPos, -1);
  EXPECT_TRUE(RecordBatchView::Parse(Span(negative)).status().IsCorruption());
  Put<int32_t>(negative, kBatchLengthPos, INT32_MIN);
  EXPECT_TRUE(RecordBatchView::Parse(Span(negative)).status().IsCorruption());

  std::string below_header = good;
  Put<int32_t>(below_header, kBatchLengthPos,
               static_cast<int32_t>(kBatchHeaderSize - kBatchLogOverhead - 1));
  EXPECT_TRUE(RecordBatchView::Parse(Span(below_header)).status().IsCorruption());

  // Smaller than the truth but above the header: the view is shorter, so the CRC it covers
  // no longer matches, and even with a matching CRC the records do not fit.
  std::string too_small = good;
  Put<int32_t>(too_small, kBatchLengthPos, length - 3);
  Result<RecordBatchView> view = RecordBatchView::Parse(Span(too_small));
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->size_bytes(), good.size() - 3);
  EXPECT_TRUE(ValidateProducerBatch(*view).IsCorruption());
  std::string cut = too_small.substr(0, good.size() - 3);
  FixCrc(cut);
  Result<RecordBatchView> cut_view = RecordBatchView::Parse(Span(cut));
  ASSERT_TRUE(cut_view.ok());
  EXPECT_TRUE(cut_view->VerifyCrc().ok());
  EXPECT_TRUE(ValidateProducerBatch(*cut_view).IsCorruption());
}

TEST(RecordBatchTest, NegativeHeaderFieldsAreCorruption) {
  for (size_t pos : {kBatchLastOffsetDeltaPos, kBatchRecordCountPos}) {
    std::string batch = SampleBatch();
    Put<int32_t>(batch, pos, -1);
    EXPECT_TRUE(RecordBatchView::Parse(Span(batch)).status().IsCorruption()) << pos;
  }
  std::string batch = SampleBatch();
  Put<int64_t>(batch, kBatchBaseOffsetPos, -5);
  EXPECT_TRUE(RecordBatchView::Parse(Span(batch)).status().IsCorruption());
}

// Found by tests/fuzz/segment_fuzzer: a base offset near the top of the range made
// next_offset() overflow (undefined behaviour) in recovery and in validation.
TEST(RecordBatchTest, OffsetsPastTheLargestOffsetAreCorruption) {
  std::string batch = SampleBatch();  // 4 records: offset delta 3
  constexpr Offset kMax = std::numeric_limits<Offset>::max();
  Put<int64_t>(batch, kBatchBaseOffsetPos, kMax - 3);
  EXPECT_TRUE(RecordBatchView::Parse(Span(batch)).status().IsCorruption());
  BatchIterator it(Span(batch));
  EXPECT_FALSE(it.Next().has_value());
  EXPECT_TRUE(it.status().IsCorruption());
  // The highest base offset whose next offset still fits.
  Put<int64_t>(batch, kBatchBaseOffsetPos, kMax - 4);
  Result<RecordBatchView> view = RecordBatchView::Parse(Span(batch));
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  EXPECT_EQ(view->header().next_offset(), kMax);
  EXPECT_TRUE(ValidateProducerBatch(*view).ok());
}

TEST(RecordBatchTest, RecordCountMismatch) {
  // lastOffsetDelta disagrees with the count.
  std::string delta = SampleBatch();
  Put<int32_t>(delta, kBatchLastOffsetDeltaPos, 7);
  FixCrc(delta);
  EXPECT_TRUE(ValidateProducerBatch(*RecordBatchView::Parse(Span(delta))).IsInvalidArgument());

  // Both say 5, the records section holds 4: runs out of bytes.
  std::string more = SampleBatch();
  Put<int32_t>(more, kBatchRecordCountPos, 5);
  Put<int32_t>(more, kBatchLastOffsetDeltaPos, 4);
  FixCrc(more);
  EXPECT_TRUE(ValidateProducerBatch(*RecordBatchView::Parse(Span(more))).IsCorruption());

  // Both say 3, the records section holds 4: bytes left over.
  std::string fewer = SampleBatch();
  Put<int32_t>(fewer, kBatchRecordCountPos, 3);
  Put<int32_t>(fewer, kBatchLastOffsetDeltaPos, 2);
  FixCrc(fewer);
  EXPECT_TRUE(ValidateProducerBatch(*RecordBatchView::Parse(Span(fewer))).IsCorruption());

  // A huge count must fail cleanly, not try to allocate for it.
  std::string huge = SampleBatch();
  Put<int32_t>(huge, kBatchRecordCountPos, INT32_MAX);
  Put<int32_t>(huge, kBatchLastOffsetDeltaPos, INT32_MAX - 1);
  FixCrc(huge);
  EXPECT_TRUE(ValidateProducerBatch(*RecordBatchView::Parse(Span(huge))).IsCorruption());
}

TEST(RecordBatchTest, EmptyBatchRefused) {
  std::string batch = SampleBatch().substr(0, kBatchHeaderSize);
  Put<int32_t>(batch, kBatchLengthPos, static_cast<int32_t>(kBatchHeaderSize - kBatchLogOverhead));
  Put<int32_t>(batch, kBatchRecordCountPos, 0);
  Put<int32_t>(batch, kBatchLastOffsetDeltaPos, 0);
  FixCrc(batch);
  Result<RecordBatchView> view = RecordBatchView::Parse(Span(batch));
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  EXPECT_TRUE(ValidateProducerBatch(*view).IsInvalidArgument());
}

TEST(RecordBatchTest, ControlBatchRefused) {
  BatchOptions options;
  options.attributes = kBatchAttrControl | kBatchAttrTransactional;
  const std::string batch = BuildRecordBatch(SampleRecords(), options);
  Result<RecordBatchView> view = RecordBatchView::Parse(Span(batch));
  ASSERT_TRUE(view.ok());
  EXPECT_TRUE(view->header().is_control());
  EXPECT_TRUE(view->VerifyCrc().ok());
  EXPECT_TRUE(ValidateProducerBatch(*view).IsInvalidArgument());
}

TEST(RecordBatchTest, TransactionalDataBatchAccepted) {
  BatchOptions options;
  options.attributes = kBatchAttrTransactional;
  const std::string batch = BuildRecordBatch(SampleRecords(), options);
  Result<RecordBatchView> view = RecordBatchView::Parse(Span(batch));
  ASSERT_TRUE(view.ok());
  EXPECT_TRUE(view->header().is_transactional());
  EXPECT_TRUE(ValidateProducerBatch(*view).ok());
}

TEST(RecordBatchTest, WrongRecordOffsetDeltaRefused) {
  // One small record: length(1) attributes(1) timestamp delta(1) then the offset delta.
  std::string batch = BuildRecordBatch({{"k", "v", 5, {}}});
  const size_t offset_delta_pos = kBatchHeaderSize + 3;
  ASSERT_EQ(batch[offset_delta_pos], 0);
  batch[offset_delta_pos] = 2;  // zig-zag 1
  FixCrc(batch);
  EXPECT_TRUE(ValidateProducerBatch(*RecordBatchView::Parse(Span(batch))).IsInvalidArgument());
}

TEST(RecordBatchTest, CompressedBatchOfGarbageIsCorruption) {
  // A valid CRC over a records section that is not zstd data: consumers could not read
  // it, so the broker must not take it (compressed_batch_test.cc has the rest).
  std::string batch = SampleBatch();
  batch.replace(kBatchHeaderSize, std::string::npos, "not really zstd");
  Put<int32_t>(batch, kBatchLengthPos, static_cast<int32_t>(batch.size() - kBatchLogOverhead));
  Put<int16_t>(batch, kBatchAttributesPos, static_cast<int16_t>(CompressionType::kZstd));
  FixCrc(batch);
  Result<RecordBatchView> view = RecordBatchView::Parse(Span(batch));
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->header().compression(), CompressionType::kZstd);
  EXPECT_TRUE(ValidateProducerBatch(*view).IsCorruption());
  EXPECT_TRUE(DecodeRecords(*view).status().IsNotSupported());

  Put<int16_t>(batch, kBatchAttributesPos, 5);  // no such codec
  FixCrc(batch);
  EXPECT_TRUE(ValidateProducerBatch(*RecordBatchView::Parse(Span(batch))).IsInvalidArgument());
}

TEST(RecordBatchTest, SetBaseOffsetAndEpochKeepCrc) {
  std::string batch = SampleBatch(0);
  const uint32_t crc = Get<uint32_t>(batch, kBatchCrcPos);
  SetBaseOffset(MutableSpan(batch), 123456789);
  SetPartitionLeaderEpoch(MutableSpan(batch), 42);
  Result<RecordBatchView> view = RecordBatchView::Parse(Span(batch));
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->header().base_offset, 123456789);
  EXPECT_EQ(view->header().partition_leader_epoch, 42);
  EXPECT_EQ(view->header().crc, crc);
  EXPECT_TRUE(ValidateProducerBatch(*view).ok());
  Result<std::vector<Record>> records = DecodeRecords(*view);
  ASSERT_TRUE(records.ok());
  EXPECT_EQ((*records)[2].offset, 123456791);
}

TEST(RecordBatchTest, SetLogAppendTimeRecomputesCrc) {
  std::string batch = SampleBatch();
  const uint32_t crc = Get<uint32_t>(batch, kBatchCrcPos);
  SetLogAppendTime(MutableSpan(batch), 999999);
  Result<RecordBatchView> view = RecordBatchView::Parse(Span(batch));
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->header().timestamp_type(), TimestampType::kLogAppendTime);
  EXPECT_EQ(view->header().max_timestamp, 999999);
  EXPECT_EQ(view->header().base_timestamp, 1000);  // untouched
  EXPECT_EQ(view->header().compression(), CompressionType::kNone);
  EXPECT_NE(view->header().crc, crc);
  EXPECT_TRUE(view->VerifyCrc().ok());
  EXPECT_TRUE(ValidateProducerBatch(*view).ok());
}

TEST(RecordBatchTest, DecodeRecordsRoundTrip) {
  const std::vector<RecordData> in = SampleRecords();
  const std::string batch = SampleBatch(50);
  Result<std::vector<Record>> out = DecodeRecords(*RecordBatchView::Parse(Span(batch)));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const Record& r = (*out)[i];
    EXPECT_EQ(r.offset, 50 + static_cast<Offset>(i));
    EXPECT_EQ(r.timestamp, in[i].timestamp);
    EXPECT_EQ(Opt(r.key), in[i].key) << i;
    EXPECT_EQ(Opt(r.value), in[i].value) << i;
    ASSERT_EQ(r.headers.size(), in[i].headers.size()) << i;
    for (size_t j = 0; j < r.headers.size(); ++j) {
      EXPECT_EQ(Str(r.headers[j].key), in[i].headers[j].key);
      EXPECT_EQ(Opt(r.headers[j].value), in[i].headers[j].value);
    }
  }
}

// Every single-byte change to the records section, with the CRC made valid again, must
// give a clean error or a clean decode: never a crash, a hang or a sanitizer report.
TEST(RecordBatchTest, MalformedRecordsNeverCrash) {
  const std::string good = SampleBatch();
  const uint8_t replacements[] = {0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, 0x81};
  int errors = 0;
  for (size_t pos = kBatchHeaderSize; pos < good.size(); ++pos) {
    for (uint8_t b : replacements) {
      std::string batch = good;
      if (static_cast<uint8_t>(batch[pos]) == b) continue;
      batch[pos] = static_cast<char>(b);
      FixCrc(batch);
      Result<RecordBatchView> view = RecordBatchView::Parse(Span(batch));
      ASSERT_TRUE(view.ok());
      Result<std::vector<Record>> records = DecodeRecords(*view);
      const Status validated = ValidateProducerBatch(*view);
      if (!records.ok()) {
        EXPECT_TRUE(records.status().IsCorruption()) << records.status().ToString();
        EXPECT_FALSE(validated.ok());
        ++errors;
      }
    }
  }
  EXPECT_GT(errors, 0);
}

TEST(RecordBatchTest, TruncatedRecordsSectionIsCorruption) {
  const std::string good = SampleBatch();
  for (size_t cut = 1; cut < good.size() - kBatchHeaderSize; ++cut) {
    std::string batch = good.substr(0, good.size() - cut);
    Put<int32_t>(batch, kBatchLengthPos, static_cast<int32_t>(batch.size() - kBatchLogOverhead));
    FixCrc(batch);
    EXPECT_TRUE(DecodeRecords(*RecordBatchView::Parse(Span(batch))).status().IsCorruption()) << cut;
  }
}

TEST(BatchIteratorTest, WalksConcatenatedBatches) {
  const std::string a = SampleBatch(0);
  const std::string b = BuildRecordBatch({{"x", "y", 1, {}}}, {.base_offset = 4});
  const std::string c = SampleBatch(5);
  const std::string all = a + b + c;
  BatchIterator it(Span(all));
  std::vector<Offset> bases;
  while (auto view = it.Next()) {
    EXPECT_TRUE(view->VerifyCrc().ok());
    bases.push_back(view->header().base_offset);
  }
  EXPECT_TRUE(it.status().ok());
  EXPECT_EQ(bases, (std::vector<Offset>{0, 4, 5}));
  EXPECT_EQ(it.consumed(), all.size());
  EXPECT_FALSE(it.Next().has_value());
}

TEST(BatchIteratorTest, StopsAtTruncatedTail) {
  const std::string a = SampleBatch(0);
  const std::string b = SampleBatch(4);
  for (size_t tail : {size_t{1}, size_t{20}, kBatchHeaderSize, b.size() - 1}) {
    const std::string all = a + b.substr(0, tail);
    BatchIterator it(Span(all));
    ASSERT_TRUE(it.Next().has_value());
    EXPECT_FALSE(it.Next().has_value()) << tail;
    EXPECT_TRUE(it.status().ok()) << tail;  // a partial batch is the end, not an error
    EXPECT_EQ(it.consumed(), a.size());
  }
}

TEST(BatchIteratorTest, MalformedHeaderSetsStatus) {
  std::string b = SampleBatch(4);
  b[kBatchMagicPos] = 1;
  const std::string all = SampleBatch(0) + b + SampleBatch(8);
  BatchIterator it(Span(all));
  ASSERT_TRUE(it.Next().has_value());
  EXPECT_FALSE(it.Next().has_value());
  EXPECT_TRUE(it.status().IsCorruption());
  EXPECT_FALSE(it.Next().has_value());  // stays ended
}

TEST(BatchIteratorTest, EmptyInput) {
  BatchIterator it({});
  EXPECT_FALSE(it.Next().has_value());
  EXPECT_TRUE(it.status().ok());
  EXPECT_EQ(it.consumed(), 0u);
}

}  // namespace
}  // namespace ringlog
