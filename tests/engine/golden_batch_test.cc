// Checks our RecordBatch v2 reader against batches written by a real client library
// (kafka-python's DefaultRecordBatchBuilder; tests/data/make_golden_batches.py), described
// by tests/data/batches/manifest.txt.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "engine/log/record_batch.h"

namespace ringlog {
namespace {

const std::string kBatchDir = std::string(RINGLOG_TEST_DATA_DIR) + "/batches";

struct GoldenRecord {
  Offset offset_delta = 0;
  TimestampMs timestamp = 0;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
};

struct GoldenBatch {
  std::string file;
  std::map<std::string, int64_t> fields;  // codec, records, base_ts, ...
  std::vector<GoldenRecord> records;      // uncompressed batches only
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// "-" is null; "x<hex>" is bytes.
std::optional<std::string> Field(const std::string& token) {
  if (token == "-") return std::nullopt;
  EXPECT_EQ(token[0], 'x') << token;
  std::string bytes;
  for (size_t i = 1; i + 1 < token.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(token.substr(i, 2), nullptr, 16)));
  }
  return bytes;
}

std::vector<GoldenBatch> ReadManifest() {
  std::istringstream manifest(ReadFile(kBatchDir + "/manifest.txt"));
  std::vector<GoldenBatch> batches;
  std::string line;
  while (std::getline(manifest, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream tokens(line);
    std::string kind;
    tokens >> kind;
    if (kind == "batch") {
      GoldenBatch b;
      tokens >> b.file;
      std::string kv;
      while (tokens >> kv) {
        const size_t eq = kv.find('=');
        b.fields[kv.substr(0, eq)] = std::stoll(kv.substr(eq + 1));
      }
      batches.push_back(std::move(b));
    } else if (kind == "record") {
      EXPECT_FALSE(batches.empty()) << "record line before any batch";
      GoldenRecord r;
      std::string key, value;
      size_t header_count = 0;
      tokens >> r.offset_delta >> r.timestamp >> key >> value >> header_count;
      r.key = Field(key);
      r.value = Field(value);
      for (size_t i = 0; i < header_count; ++i) {
        std::string hk, hv;
        tokens >> hk >> hv;
        r.headers.emplace_back(*Field(hk), Field(hv));
      }
      batches.back().records.push_back(std::move(r));
    } else {
      ADD_FAILURE() << "unknown manifest line: " << line;
    }
  }
  return batches;
}

std::optional<std::string> Str(const std::optional<std::span<const uint8_t>>& b) {
  if (!b) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(b->data()), b->size());
}

TEST(GoldenBatchTest, ManifestCoversEveryCodec) {
  std::map<int64_t, int> codecs;
  for (const GoldenBatch& b : ReadManifest()) ++codecs[b.fields.at("codec")];
  for (int codec = 0; codec <= 4; ++codec) EXPECT_GT(codecs[codec], 0) << "codec " << codec;
}

TEST(GoldenBatchTest, ClientBatchesParseVerifyAndDecode) {
  const std::vector<GoldenBatch> batches = ReadManifest();
  ASSERT_FALSE(batches.empty());
  for (const GoldenBatch& g : batches) {
    SCOPED_TRACE(g.file);
    const std::string bytes = ReadFile(kBatchDir + "/" + g.file);
    const std::span<const uint8_t> span(reinterpret_cast<const uint8_t*>(bytes.data()),
                                        bytes.size());
    Result<RecordBatchView> view = RecordBatchView::Parse(span);
    ASSERT_TRUE(view.ok()) << view.status().ToString();
    EXPECT_EQ(view->size_bytes(), bytes.size());
    EXPECT_TRUE(view->VerifyCrc().ok());

    const BatchHeader& h = view->header();
    EXPECT_EQ(h.base_offset, 0);  // the broker assigns offsets
    EXPECT_EQ(static_cast<int64_t>(h.compression()), g.fields.at("codec"));
    EXPECT_EQ(h.record_count, g.fields.at("records"));
    EXPECT_EQ(h.last_offset_delta, g.fields.at("records") - 1);
    EXPECT_EQ(h.base_timestamp, g.fields.at("base_ts"));
    EXPECT_EQ(h.max_timestamp, g.fields.at("max_ts"));
    EXPECT_EQ(h.producer_id, g.fields.at("producer_id"));
    EXPECT_EQ(h.producer_epoch, g.fields.at("producer_epoch"));
    EXPECT_EQ(h.base_sequence, g.fields.at("base_sequence"));
    EXPECT_EQ(h.is_transactional(), g.fields.at("transactional") != 0);
    EXPECT_EQ(h.timestamp_type(), TimestampType::kCreateTime);
    EXPECT_FALSE(h.is_control());
    EXPECT_TRUE(ValidateProducerBatch(*view).ok()) << ValidateProducerBatch(*view).ToString();

    Result<std::vector<Record>> records = DecodeRecords(*view);
    if (h.compression() != CompressionType::kNone) {
      EXPECT_TRUE(records.status().IsNotSupported());
      continue;
    }
    ASSERT_TRUE(records.ok()) << records.status().ToString();
    ASSERT_EQ(records->size(), g.records.size());
    for (size_t i = 0; i < g.records.size(); ++i) {
      SCOPED_TRACE(i);
      const Record& r = (*records)[i];
      const GoldenRecord& want = g.records[i];
      EXPECT_EQ(r.offset, want.offset_delta);
      EXPECT_EQ(r.timestamp, want.timestamp);
      EXPECT_EQ(Str(r.key), want.key);
      EXPECT_EQ(Str(r.value), want.value);
      ASSERT_EQ(r.headers.size(), want.headers.size());
      for (size_t j = 0; j < want.headers.size(); ++j) {
        EXPECT_EQ(*Str(r.headers[j].key), want.headers[j].first);
        EXPECT_EQ(Str(r.headers[j].value), want.headers[j].second);
      }
    }
  }
}

// The broker's rewrites must leave a client batch valid.
TEST(GoldenBatchTest, BrokerRewritesKeepClientBatchesValid) {
  for (const GoldenBatch& g : ReadManifest()) {
    SCOPED_TRACE(g.file);
    std::string bytes = ReadFile(kBatchDir + "/" + g.file);
    const std::span<uint8_t> span(reinterpret_cast<uint8_t*>(bytes.data()), bytes.size());
    SetBaseOffset(span, 1000);
    SetPartitionLeaderEpoch(span, 3);
    SetLogAppendTime(span, 1800000000000);
    Result<RecordBatchView> view = RecordBatchView::Parse(span);
    ASSERT_TRUE(view.ok());
    EXPECT_TRUE(ValidateProducerBatch(*view).ok());
    EXPECT_EQ(view->header().base_offset, 1000);
    EXPECT_EQ(view->header().max_timestamp, 1800000000000);
    EXPECT_EQ(static_cast<int64_t>(view->header().compression()), g.fields.at("codec"));
  }
}

}  // namespace
}  // namespace ringlog
