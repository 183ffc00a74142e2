// The decompressor against what real clients compress (tests/data/batches: kafka-python's
// and librdkafka's batches of the same 50 records), against our own compressor, and
// against input that is damaged, cut short, or built to expand without bound.
#include "engine/log/compression/decompressor.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "engine/log/compression/compressor.h"
#include "engine/log/format.h"
#include "engine/log/record_batch.h"

namespace ringlog {
namespace {

const std::string kBatchDir = std::string(RINGLOG_TEST_DATA_DIR) + "/batches";
constexpr CompressionType kCodecs[] = {CompressionType::kGzip, CompressionType::kSnappy,
                                       CompressionType::kLz4, CompressionType::kZstd};
constexpr size_t kNoLimit = 1 << 30;

std::span<const uint8_t> Span(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
std::string Str(std::span<const uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The records section (everything after the header) of a golden batch file.
std::string GoldenRecords(const std::string& file) {
  return ReadFile(kBatchDir + "/" + file).substr(kBatchHeaderSize);
}

// Bytes that compress somewhat: words from a small vocabulary with random numbers.
std::string TextLike(size_t size, uint32_t seed) {
  std::mt19937 rng(seed);
  const char* words[] = {"offset", "partition", "ringlog", "batch", "record", "epoch"};
  std::string out;
  while (out.size() < size) {
    out += words[rng() % 6];
    out += ' ' + std::to_string(rng() % 100000) + ' ';
  }
  out.resize(size);
  return out;
}

Result<std::string> Roundtrip(Decompressor& d, CompressionType type, const std::string& in,
                              size_t limit = kNoLimit) {
  ASSIGN_OR_RETURN(std::span<const uint8_t> out, d.Decompress(type, Span(in), limit));
  return Str(out);
}

struct Golden {
  const char* file;
  CompressionType type;
};
constexpr Golden kGoldens[] = {
    {"gzip.bin", CompressionType::kGzip},
    {"snappy.bin", CompressionType::kSnappy},  // xerial framing
    {"lz4.bin", CompressionType::kLz4},
    {"zstd.bin", CompressionType::kZstd},  // states its content size
    {"librdkafka_gzip.bin", CompressionType::kGzip},
    {"librdkafka_snappy.bin", CompressionType::kSnappy},  // one raw block
    {"librdkafka_lz4.bin", CompressionType::kLz4},
    {"librdkafka_zstd.bin", CompressionType::kZstd},  // no content size: streamed
};

TEST(DecompressorTest, ClientBatchesDecompressToTheirRecords) {
  const std::string want = GoldenRecords("uncompressed_compressible.bin");
  Decompressor d;
  for (const Golden& g : kGoldens) {
    SCOPED_TRACE(g.file);
    Result<std::string> got = Roundtrip(d, g.type, GoldenRecords(g.file));
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, want);
  }
}

TEST(DecompressorTest, RoundTripsOurCompressorAtManySizes) {
  Decompressor d;
  for (CompressionType type : kCodecs) {
    for (size_t size : {size_t{1}, size_t{100}, size_t{65536}, size_t{300000}}) {
      for (SnappyFraming framing : {SnappyFraming::kXerial, SnappyFraming::kRaw}) {
        SCOPED_TRACE(std::string(CompressionName(type)) + " " + std::to_string(size));
        const std::string in = TextLike(size, static_cast<uint32_t>(size));
        Result<std::string> out = Roundtrip(d, type, Compress(type, Span(in), framing));
        ASSERT_TRUE(out.ok()) << out.status().ToString();
        EXPECT_EQ(*out, in);
      }
    }
  }
}

// gzip members, lz4 frames and zstd frames back to back decode as one stream, as Kafka's
// readers take them; a xerial stream holds many blocks.
TEST(DecompressorTest, ConcatenatedFramesAndBlocks) {
  Decompressor d;
  const std::string a = TextLike(5000, 1);
  const std::string b = TextLike(70000, 2);
  for (CompressionType type :
       {CompressionType::kGzip, CompressionType::kLz4, CompressionType::kZstd}) {
    SCOPED_TRACE(CompressionName(type));
    Result<std::string> out = Roundtrip(d, type, Compress(type, Span(a)) + Compress(type, Span(b)));
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(*out, a + b);
  }
  const std::string xerial = Compress(CompressionType::kSnappy, Span(b));
  EXPECT_GT(xerial.size(), 16 + 2 * (4 + 1000)) << "70000 bytes take three 32 KiB blocks";
  EXPECT_EQ(*Roundtrip(d, CompressionType::kSnappy, xerial), b);
}

TEST(DecompressorTest, GarbageIsCorruption) {
  Decompressor d;
  const std::string garbage = TextLike(500, 7);
  for (CompressionType type : kCodecs) {
    SCOPED_TRACE(CompressionName(type));
    EXPECT_TRUE(Roundtrip(d, type, garbage).status().IsCorruption());
    EXPECT_TRUE(Roundtrip(d, type, "").status().IsCorruption());
  }
  // Each codec's data is garbage to the others.
  const std::string records = GoldenRecords("uncompressed_compressible.bin");
  for (CompressionType wrote : kCodecs) {
    for (CompressionType reads : kCodecs) {
      if (wrote == reads) continue;
      SCOPED_TRACE(std::string(CompressionName(wrote)) + " read as " +
                   std::string(CompressionName(reads)));
      Result<std::string> out = Roundtrip(d, reads, Compress(wrote, Span(records)));
      EXPECT_FALSE(out.ok() && *out == records);
    }
  }
}

TEST(DecompressorTest, NoCodecIsInvalidArgument) {
  Decompressor d;
  EXPECT_TRUE(Roundtrip(d, CompressionType::kNone, "x").status().IsInvalidArgument());
  EXPECT_TRUE(Roundtrip(d, static_cast<CompressionType>(6), "x").status().IsInvalidArgument());
}

// Every cut of a client's batch fails, except where a format can end early on a boundary
// (a xerial stream between blocks), which decodes to less than the whole.
TEST(DecompressorTest, TruncatedDataNeverDecodesWhole) {
  const std::string want = GoldenRecords("uncompressed_compressible.bin");
  Decompressor d;
  for (const Golden& g : kGoldens) {
    SCOPED_TRACE(g.file);
    const std::string whole = GoldenRecords(g.file);
    for (size_t cut = 1; cut < whole.size(); ++cut) {
      Result<std::string> out = Roundtrip(d, g.type, whole.substr(0, whole.size() - cut));
      if (out.ok()) {
        EXPECT_EQ(g.type, CompressionType::kSnappy) << "cut " << cut;
        EXPECT_LT(out->size(), want.size()) << "cut " << cut;
      } else {
        EXPECT_TRUE(out.status().IsCorruption()) << out.status().ToString();
      }
    }
  }
}

// Kafka takes lz4 frames of independent blocks only.
TEST(DecompressorTest, Lz4FrameOfLinkedBlocksIsCorruption) {
  Decompressor d;
  std::string frame = Compress(CompressionType::kLz4, Span(TextLike(1000, 8)));
  frame[4] = static_cast<char>(frame[4] & ~0x20);  // FLG: clear block independence
  EXPECT_TRUE(Roundtrip(d, CompressionType::kLz4, frame).status().IsCorruption());
  const std::string good = Compress(CompressionType::kLz4, Span(TextLike(1000, 9)));
  EXPECT_TRUE(Roundtrip(d, CompressionType::kLz4, good + frame).status().IsCorruption());
}

TEST(DecompressorTest, TrailingBytesAfterTheLastFrameAreCorruption) {
  Decompressor d;
  const std::string in = TextLike(1000, 3);
  for (CompressionType type :
       {CompressionType::kGzip, CompressionType::kLz4, CompressionType::kZstd}) {
    SCOPED_TRACE(CompressionName(type));
    EXPECT_TRUE(Roundtrip(d, type, Compress(type, Span(in)) + "tail").status().IsCorruption());
  }
}

// A bomb: little input that expands far past the limit. It is refused with TooLarge, and
// no more than the limit was taken to find out.
TEST(DecompressorTest, OutputAboveTheLimitIsTooLargeAndBounded) {
  const std::string zeros(4 << 20, '\0');
  constexpr size_t kLimit = 100000;
  for (CompressionType type : kCodecs) {
    for (SnappyFraming framing : {SnappyFraming::kXerial, SnappyFraming::kRaw}) {
      SCOPED_TRACE(CompressionName(type));
      Decompressor d;
      const std::string bomb = Compress(type, Span(zeros), framing);
      EXPECT_LT(bomb.size(), zeros.size() / 10);
      Result<std::string> out = Roundtrip(d, type, bomb, kLimit);
      EXPECT_TRUE(out.status().IsTooLarge()) << out.status().ToString();
      EXPECT_LE(d.capacity(), kLimit + 1);
    }
  }
}

TEST(DecompressorTest, OutputExactlyAtTheLimitIsAccepted) {
  const std::string in = TextLike(200000, 4);
  for (CompressionType type : kCodecs) {
    SCOPED_TRACE(CompressionName(type));
    Decompressor d;
    const std::string compressed = Compress(type, Span(in));
    Result<std::string> exact = Roundtrip(d, type, compressed, in.size());
    ASSERT_TRUE(exact.ok()) << exact.status().ToString();
    EXPECT_EQ(*exact, in);
    EXPECT_TRUE(Roundtrip(d, type, compressed, in.size() - 1).status().IsTooLarge());
  }
}

// A snappy block states its length up front: a claim no snappy data could make is
// refused before memory is taken for it.
TEST(DecompressorTest, SnappyLengthClaimAboveAnyRatioIsCorruption) {
  Decompressor d;
  // Varint 0x7FFFFFFF, then a literal of one byte.
  const std::string lie = std::string("\xFF\xFF\xFF\xFF\x07\x00x", 7);
  EXPECT_TRUE(Roundtrip(d, CompressionType::kSnappy, lie).status().IsCorruption());
  EXPECT_EQ(d.capacity(), 0u);
}

// The buffer is reused: a second batch of the same size takes no new memory; Trim gives
// back only a buffer above kRetainedBytes.
TEST(DecompressorTest, BufferIsReusedAndTrimmed) {
  Decompressor d;
  const std::string small = TextLike(300000, 5);
  const std::string compressed = Compress(CompressionType::kLz4, Span(small));
  ASSERT_TRUE(Roundtrip(d, CompressionType::kLz4, compressed).ok());
  const size_t capacity = d.capacity();
  const uint8_t* data = d.Decompress(CompressionType::kLz4, Span(compressed), kNoLimit)->data();
  d.Trim();
  EXPECT_EQ(d.capacity(), capacity);
  EXPECT_EQ(d.Decompress(CompressionType::kLz4, Span(compressed), kNoLimit)->data(), data);

  const std::string big(Decompressor::kRetainedBytes + 1, 'b');
  ASSERT_TRUE(
      Roundtrip(d, CompressionType::kZstd, Compress(CompressionType::kZstd, Span(big))).ok());
  EXPECT_GT(d.capacity(), Decompressor::kRetainedBytes);
  d.Trim();
  EXPECT_EQ(d.capacity(), 0u);
}

// A failed call leaves no state behind in the thread's library contexts.
TEST(DecompressorTest, FailureDoesNotPoisonTheNextCall) {
  Decompressor d;
  const std::string in = TextLike(100000, 6);
  for (CompressionType type : kCodecs) {
    SCOPED_TRACE(CompressionName(type));
    const std::string good = Compress(type, Span(in));
    EXPECT_FALSE(Roundtrip(d, type, good.substr(0, good.size() / 2)).ok());
    EXPECT_FALSE(Roundtrip(d, type, good, 1000).ok());
    Result<std::string> out = Roundtrip(d, type, good);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(*out, in);
  }
}

}  // namespace
}  // namespace ringlog
