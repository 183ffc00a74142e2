// ValidateProducerBatch on compressed batches: the broker opens them and checks their
// records as it does uncompressed ones, so that nothing a consumer cannot read is ever
// acknowledged; a valid batch is left byte for byte as it came.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "engine/big_endian.h"
#include "engine/log/compression/compressor.h"
#include "engine/log/compression/decompressor.h"
#include "engine/log/crc32c.h"
#include "engine/log/record_batch.h"
#include "engine/log/record_batch_builder.h"
#include "engine/varint.h"

namespace ringlog {
namespace {

constexpr CompressionType kCodecs[] = {CompressionType::kGzip, CompressionType::kSnappy,
                                       CompressionType::kLz4, CompressionType::kZstd};

std::span<const uint8_t> Span(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

template <typename T>
void Put(std::string& batch, size_t pos, T value) {
  StoreBigEndian<T>(reinterpret_cast<uint8_t*>(batch.data()) + pos, value);
}

// Sets the length, codec and CRC of a batch whose records section was replaced.
void Finish(std::string& batch, CompressionType type) {
  Put<int32_t>(batch, kBatchLengthPos, static_cast<int32_t>(batch.size() - kBatchLogOverhead));
  Put<int16_t>(batch, kBatchAttributesPos, static_cast<int16_t>(type));
  Put<uint32_t>(batch, kBatchCrcPos, Crc32c(Span(batch).subspan(kBatchAttributesPos)));
}

// `uncompressed` with its records section compressed by `type`, header fields as they were:
// a test edits the uncompressed batch first, then compresses what it made.
std::string Recompress(const std::string& uncompressed, CompressionType type,
                       SnappyFraming framing = SnappyFraming::kXerial) {
  std::string batch = uncompressed.substr(0, kBatchHeaderSize);
  batch += Compress(type, Span(uncompressed).subspan(kBatchHeaderSize), framing);
  Finish(batch, type);
  return batch;
}

std::vector<RecordData> Records(int n) {
  std::vector<RecordData> records;
  for (int i = 0; i < n; ++i) {
    records.push_back(
        {"key-" + std::to_string(i), std::string(50 + i, 'a' + i % 26), 1000 + i,
         i % 3 == 0 ? std::vector<RecordHeaderData>{{"h", "v"}} : std::vector<RecordHeaderData>{}});
  }
  return records;
}

Status Validate(const std::string& batch, size_t limit = kDefaultMaxDecompressedBytes) {
  Result<RecordBatchView> view = RecordBatchView::Parse(Span(batch));
  if (!view.ok()) return view.status();
  return ValidateProducerBatch(*view, limit);
}

std::string Name(CompressionType type) { return std::string(CompressionName(type)); }

TEST(CompressedBatchTest, ValidBatchesOfEveryCodecPassUnchanged) {
  for (CompressionType type : kCodecs) {
    for (SnappyFraming framing : {SnappyFraming::kXerial, SnappyFraming::kRaw}) {
      SCOPED_TRACE(Name(type));
      BatchOptions options;
      options.attributes = static_cast<int16_t>(type);
      options.snappy_framing = framing;
      const std::string batch = BuildRecordBatch(Records(40), options);
      const std::string before = batch;
      EXPECT_TRUE(Validate(batch).ok()) << Validate(batch).ToString();
      EXPECT_EQ(batch, before);
      EXPECT_EQ(Recompress(BuildRecordBatch(Records(40)), type, framing), batch);
    }
  }
}

TEST(CompressedBatchTest, GarbageWithAValidCrcIsCorruption) {
  const std::string good = BuildRecordBatch(Records(5));
  for (CompressionType type : kCodecs) {
    SCOPED_TRACE(Name(type));
    std::string batch = good.substr(0, kBatchHeaderSize) + "this is not compressed data at all";
    Finish(batch, type);
    EXPECT_TRUE(Validate(batch).IsCorruption()) << Validate(batch).ToString();
    // The uncompressed records, merely flagged as compressed, are not valid either (raw
    // snappy has no magic: what it decodes from them fails the record checks instead).
    std::string flagged = good;
    Finish(flagged, type);
    EXPECT_FALSE(Validate(flagged).ok());
  }
}

TEST(CompressedBatchTest, TruncatedCompressedRecordsFail) {
  for (CompressionType type : kCodecs) {
    SCOPED_TRACE(Name(type));
    const std::string good = Recompress(BuildRecordBatch(Records(30)), type);
    for (size_t cut = 1; cut < good.size() - kBatchHeaderSize; cut += 7) {
      std::string batch = good.substr(0, good.size() - cut);
      Finish(batch, type);
      const Status status = Validate(batch);
      EXPECT_TRUE(status.IsCorruption() || status.IsInvalidArgument())
          << "cut " << cut << ": " << status.ToString();
    }
  }
}

// The header says one number of records, the compressed records section holds another.
TEST(CompressedBatchTest, RecordCountMustMatchTheRecords) {
  for (CompressionType type : kCodecs) {
    SCOPED_TRACE(Name(type));
    std::string more = BuildRecordBatch(Records(4));
    Put<int32_t>(more, kBatchRecordCountPos, 5);
    Put<int32_t>(more, kBatchLastOffsetDeltaPos, 4);
    EXPECT_TRUE(Validate(Recompress(more, type)).IsCorruption());

    std::string fewer = BuildRecordBatch(Records(4));
    Put<int32_t>(fewer, kBatchRecordCountPos, 3);
    Put<int32_t>(fewer, kBatchLastOffsetDeltaPos, 2);
    EXPECT_TRUE(Validate(Recompress(fewer, type)).IsCorruption());

    std::string delta = BuildRecordBatch(Records(4));
    Put<int32_t>(delta, kBatchLastOffsetDeltaPos, 7);
    EXPECT_TRUE(Validate(Recompress(delta, type)).IsInvalidArgument());
  }
}

// Records inside that are malformed or out of order are refused as uncompressed ones are.
TEST(CompressedBatchTest, RecordsInsideAreChecked) {
  const std::string good = BuildRecordBatch(Records(3));
  for (CompressionType type : kCodecs) {
    SCOPED_TRACE(Name(type));
    std::string bad_delta = good;
    bad_delta[kBatchHeaderSize + 4] = 4;  // record 0's offset delta (zig-zag 2)
    EXPECT_TRUE(Validate(Recompress(bad_delta, type)).IsInvalidArgument())
        << Validate(Recompress(bad_delta, type)).ToString();

    std::string bad_length = good;
    bad_length[kBatchHeaderSize] = 0x7E;  // record 0's length: 63, more than it holds
    EXPECT_FALSE(Validate(Recompress(bad_length, type)).ok());

    EXPECT_TRUE(Validate(Recompress(good + "extra", type)).IsCorruption());
  }
}

// A small batch whose records would expand past the limit: refused with TooLarge (the
// broker answers MESSAGE_TOO_LARGE), whatever the codec.
TEST(CompressedBatchTest, DecompressionBombIsTooLarge) {
  const std::string big = BuildRecordBatch({{std::nullopt, std::string(2 << 20, 'z'), 1, {}}});
  for (CompressionType type : kCodecs) {
    SCOPED_TRACE(Name(type));
    const std::string bomb = Recompress(big, type);
    EXPECT_LT(bomb.size(), 200u << 10);
    EXPECT_TRUE(Validate(bomb, 1 << 20).IsTooLarge()) << Validate(bomb, 1 << 20).ToString();
    EXPECT_TRUE(Validate(bomb, 4 << 20).ok());
  }
}

// The default bound, as a fuzzer or any caller without a topic gets it: one record whose
// value is 1 MiB more zeros than the bound, as zstd frames back to back (one small frame
// per MiB, so the test need not build the record itself).
TEST(CompressedBatchTest, DefaultBoundRefusesABombAndFreesItsMemory) {
  constexpr int64_t kMiB = 1 << 20;
  constexpr int64_t kValueBytes = kDefaultMaxDecompressedBytes + kMiB;
  std::string head;  // attributes, deltas, null key, value length
  head.push_back('\0');
  AppendVarlong(&head, 0);
  AppendVarlong(&head, 0);
  AppendVarlong(&head, -1);
  AppendVarlong(&head, kValueBytes);
  std::string framing;  // the record's length, then the head
  AppendVarlong(&framing, static_cast<int64_t>(head.size()) + kValueBytes + 1);
  framing += head;
  std::string tail;  // no headers
  AppendVarlong(&tail, 0);
  std::string bomb = BuildRecordBatch({{std::nullopt, "v", 1, {}}}).substr(0, kBatchHeaderSize);
  bomb += Compress(CompressionType::kZstd, Span(framing));
  const std::string mib = Compress(CompressionType::kZstd, Span(std::string(kMiB, '\0')));
  for (int64_t i = 0; i < kValueBytes / kMiB; ++i) bomb += mib;
  bomb += Compress(CompressionType::kZstd, Span(tail));
  Finish(bomb, CompressionType::kZstd);
  EXPECT_LT(bomb.size(), 64u << 10);
  EXPECT_TRUE(Validate(bomb).IsTooLarge()) << Validate(bomb).ToString();
  EXPECT_LE(Decompressor::ForThisThread().capacity(), Decompressor::kRetainedBytes);
}

// Batches are validated on every event loop thread at once; each has its own buffer.
TEST(CompressedBatchTest, ThreadsValidateIndependently) {
  std::vector<std::string> batches;
  for (CompressionType type : kCodecs) {
    BatchOptions options;
    options.attributes = static_cast<int16_t>(type);
    batches.push_back(BuildRecordBatch(Records(20), options));
  }
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (const std::string& batch : batches) {
    threads.emplace_back([&batch, &failures] {
      for (int i = 0; i < 200; ++i) {
        if (!Validate(batch).ok()) failures.fetch_add(1);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace ringlog
