// Recompression to a topic's compression.type: RecompressBatch on its own, and through
// PartitionLog::Append on every backend (a batch produced with lz4 to a zstd topic is
// stored zstd, with a valid CRC, and reads back with the records the producer sent).
#include "engine/log/recompress.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/clock.h"
#include "engine/log/compression/decompressor.h"
#include "engine/log/partition_log.h"
#include "engine/log/read_result.h"
#include "engine/log/record_batch.h"
#include "engine/log/record_batch_builder.h"
#include "engine/log/topic_config.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {
namespace {

constexpr TimestampMs kStart = 1'700'000'000'000;

std::span<const uint8_t> Span(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::vector<RecordData> SomeRecords() {
  std::vector<RecordData> records;
  for (int i = 0; i < 20; ++i) {
    RecordData r;
    r.key = std::to_string(i) + "-key";
    r.value = std::string(100, static_cast<char>('a' + i % 26));
    r.timestamp = kStart + i;
    r.headers.push_back({"h", std::to_string(i) + "-v"});
    records.push_back(std::move(r));
  }
  return records;
}

std::string Build(CompressionType codec) {
  BatchOptions options;
  options.attributes = static_cast<int16_t>(codec);
  options.producer_id = 7;
  options.producer_epoch = 1;
  options.base_sequence = 0;  // a producer's first batch, which every partition accepts
  return BuildRecordBatch(SomeRecords(), options);
}

// The uncompressed records section of `batch`.
std::string RecordsOf(const RecordBatchView& batch) {
  const std::span<const uint8_t> section = batch.bytes().subspan(kBatchHeaderSize);
  if (batch.header().compression() == CompressionType::kNone) {
    return std::string(section.begin(), section.end());
  }
  Decompressor decompressor;
  Result<std::span<const uint8_t>> records =
      decompressor.Decompress(batch.header().compression(), section, 1 << 20);
  EXPECT_TRUE(records.ok()) << records.status().ToString();
  return records.ok() ? std::string(records->begin(), records->end()) : std::string();
}

// `got` holds the records of `sent` under codec `codec`, with the rest of the header kept.
void ExpectSameBatchIn(const std::string& sent, const std::string& got, CompressionType codec) {
  Result<RecordBatchView> before = RecordBatchView::Parse(Span(sent));
  Result<RecordBatchView> after = RecordBatchView::Parse(Span(got));
  ASSERT_TRUE(before.ok() && after.ok());
  ASSERT_EQ(after->size_bytes(), got.size());
  EXPECT_TRUE(after->VerifyCrc().ok());
  EXPECT_TRUE(ValidateProducerBatch(*after).ok());
  EXPECT_EQ(after->header().compression(), codec);
  EXPECT_EQ(after->header().record_count, before->header().record_count);
  EXPECT_EQ(after->header().last_offset_delta, before->header().last_offset_delta);
  EXPECT_EQ(after->header().max_timestamp, before->header().max_timestamp);
  EXPECT_EQ(after->header().producer_id, before->header().producer_id);
  EXPECT_EQ(after->header().base_sequence, before->header().base_sequence);
  EXPECT_EQ(RecordsOf(*after), RecordsOf(*before));
}

TEST(RecompressBatchTest, EveryCodecToEveryOther) {
  const CompressionType codecs[] = {CompressionType::kNone, CompressionType::kGzip,
                                    CompressionType::kSnappy, CompressionType::kLz4,
                                    CompressionType::kZstd};
  for (CompressionType from : codecs) {
    for (CompressionType to : codecs) {
      if (from == to) continue;
      SCOPED_TRACE(std::string(CompressionName(from)) + " -> " + std::string(CompressionName(to)));
      const std::string sent = Build(from);
      Result<RecordBatchView> view = RecordBatchView::Parse(Span(sent));
      ASSERT_TRUE(view.ok());
      Result<std::string> got = RecompressBatch(*view, to, 1 << 20);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      ExpectSameBatchIn(sent, *got, to);
    }
  }
}

TEST(RecompressBatchTest, DecompressionBoundHolds) {
  const std::string sent = Build(CompressionType::kLz4);
  Result<RecordBatchView> view = RecordBatchView::Parse(Span(sent));
  ASSERT_TRUE(view.ok());
  Result<std::string> got = RecompressBatch(*view, CompressionType::kZstd, 100);
  ASSERT_FALSE(got.ok());
  EXPECT_TRUE(got.status().IsTooLarge()) << got.status().ToString();
}

class RecompressOnAppendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto backend = OpenTestBackend(GetParam(), dir_.Sub("data"));
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(*backend);
  }

  // Appends `sent` to a log whose topic sets compression.type=`type` and returns the
  // batch as stored.
  std::string AppendAndRead(const std::string& type, const std::string& sent) {
    Result<LogOptions> options = ApplyTopicConfigs(LogOptions{}, {{"compression.type", type}});
    EXPECT_TRUE(options.ok()) << options.status().ToString();
    auto log = PartitionLog::Open(PartitionId{"t-" + type, 0}, backend_.get(), *options, &clock_);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    if (!log.ok()) return {};
    std::string batch = sent;
    Result<AppendResult> appended =
        (*log)->Append({reinterpret_cast<uint8_t*>(batch.data()), batch.size()});
    EXPECT_TRUE(appended.ok()) << appended.status().ToString();
    Result<ReadResult> read = (*log)->Read(0, 1 << 20);
    EXPECT_TRUE(read.ok()) << read.status().ToString();
    if (!read.ok()) return {};
    Result<std::string> bytes = CopyReadBytes(*read);
    EXPECT_TRUE(bytes.ok());
    return bytes.ok() ? *bytes : std::string();
  }

  TempDir dir_;
  ManualClock clock_{kStart};
  std::unique_ptr<StorageBackend> backend_;
};

TEST_P(RecompressOnAppendTest, Lz4BatchStoredZstdOnZstdTopic) {
  const std::string sent = Build(CompressionType::kLz4);
  ExpectSameBatchIn(sent, AppendAndRead("zstd", sent), CompressionType::kZstd);
}

TEST_P(RecompressOnAppendTest, UncompressedTopicStoresRecordsPlain) {
  const std::string sent = Build(CompressionType::kGzip);
  ExpectSameBatchIn(sent, AppendAndRead("uncompressed", sent), CompressionType::kNone);
}

TEST_P(RecompressOnAppendTest, ProducerAndSameCodecStoreTheBatchAsSent) {
  const std::string sent = Build(CompressionType::kSnappy);
  for (const std::string type : {"producer", "snappy"}) {
    const std::string stored = AppendAndRead(type, sent);
    // Only the offsets and the leader epoch (and so the CRC) may differ.
    ASSERT_EQ(stored.size(), sent.size()) << type;
    EXPECT_EQ(stored.substr(kBatchAttributesPos), sent.substr(kBatchAttributesPos)) << type;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, RecompressOnAppendTest, ::testing::ValuesIn(AllTestBackends()),
                         BackendParamName());

}  // namespace
}  // namespace ringlog::testing
