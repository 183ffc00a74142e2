// Produce v0-7: round trips, records left in place in the request buffer (with their
// position, for in-place rewriting), malformed input, and the Produce v7 requests of
// librdkafka, kafka-python and kafkajs, whose records must parse as RecordBatch v2.
#include "net/codec/produce_codec.h"

#include <gtest/gtest.h>

#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "engine/log/record_batch.h"
#include "engine/log/record_batch_builder.h"
#include "net/codec/request_header.h"
#include "tests/net/codec_test_util.h"

namespace ringlog {
namespace {

using ::ringlog::testing::AsBytes;
using ::ringlog::testing::DecodeAt;
using ::ringlog::testing::EncodeAt;
using ::ringlog::testing::LoadGoldenRequest;

std::string AsString(std::span<const uint8_t> bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

// A ProduceRequest compared by the bytes its records hold, not where they are.
struct ComparableProduceRequest {
  ProduceRequest request;

  auto Key() const {
    std::vector<
        std::tuple<std::string, std::vector<std::tuple<int32_t, std::optional<std::string>>>>>
        topics;
    for (const auto& t : request.topics) {
      std::vector<std::tuple<int32_t, std::optional<std::string>>> partitions;
      for (const auto& p : t.partitions) {
        partitions.emplace_back(p.index,
                                p.records ? std::optional(AsString(*p.records)) : std::nullopt);
      }
      topics.emplace_back(t.name, std::move(partitions));
    }
    return std::tuple(request.transactional_id, request.acks, request.timeout_ms, topics);
  }
  bool operator==(const ComparableProduceRequest& other) const { return Key() == other.Key(); }
};

const std::string& SampleBatch() {
  static const std::string batch =
      BuildRecordBatch({{std::string("k"), std::string("value-1"), 1000, {}},
                        {std::nullopt, std::string("value-2"), 1001, {{"h", std::nullopt}}}});
  return batch;
}

struct RequestCase {
  using Msg = ComparableProduceRequest;
  static constexpr int16_t kMin = kProduceMinVersion;
  static constexpr int16_t kMax = kProduceMaxVersion;
  static void Encode(WireWriter& w, const Msg& m, int16_t v) {
    EncodeProduceRequest(w, m.request, v);
  }
  static Result<Msg> Decode(WireReader& r, int16_t v) {
    ASSIGN_OR_RETURN(ProduceRequest request, DecodeProduceRequest(r, v));
    return Msg{std::move(request)};
  }
  static Msg Full() {
    ProduceRequest r;
    r.transactional_id = "txn-1";
    r.acks = 1;
    r.timeout_ms = 1500;
    r.topics = {{"orders", {{0, AsBytes(SampleBatch()), 0}, {3, std::nullopt, 0}}},
                {"audit", {{1, std::span<const uint8_t>(), 0}}}};
    return {r};
  }
  static Msg AtVersion(Msg m, int16_t v) {
    if (v < 3) m.request.transactional_id.reset();
    return m;
  }
};

struct ResponseCase {
  using Msg = ProduceResponse;
  static constexpr int16_t kMin = kProduceMinVersion;
  static constexpr int16_t kMax = kProduceMaxVersion;
  static void Encode(WireWriter& w, const Msg& m, int16_t v) { EncodeProduceResponse(w, m, v); }
  static Result<Msg> Decode(WireReader& r, int16_t v) { return DecodeProduceResponse(r, v); }
  static Msg Full() {
    return {{{"orders", {{0, 0, 100, 1700000000000, 7}, {3, 3, -1, -1, -1}}}}, 40};
  }
  static Msg AtVersion(Msg m, int16_t v) {
    if (v < 1) m.throttle_time_ms = 0;
    for (auto& t : m.topics) {
      for (auto& p : t.partitions) {
        if (v < 2) p.log_append_time_ms = -1;
        if (v < 5) p.log_start_offset = -1;
      }
    }
    return m;
  }
};

TEST(ProduceCodecTest, RequestPropertiesAtEveryVersion) {
  ::ringlog::testing::ExpectCodecProperties<RequestCase>();
}

TEST(ProduceCodecTest, ResponsePropertiesAtEveryVersion) {
  ::ringlog::testing::ExpectCodecProperties<ResponseCase>();
}

TEST(ProduceCodecTest, RecordsViewTheFrameAndNameTheirPosition) {
  std::string frame;
  WireWriter writer(&frame);
  EncodeRequestHeader(writer, RequestHeader{0, 7, 42, "producer"}, /*flexible=*/false);
  EncodeProduceRequest(writer, RequestCase::Full().request, 7);

  WireReader reader(AsBytes(frame));
  Result<RequestHeader> header = DecodeRequestHeaderPrefix(reader);
  ASSERT_TRUE(header.ok());
  ASSERT_TRUE(DecodeRequestHeaderRest(reader, false, &*header).ok());
  Result<ProduceRequest> request = DecodeProduceRequest(reader, 7);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  const ProduceRequest::Partition& p = request->topics[0].partitions[0];
  ASSERT_TRUE(p.records.has_value());
  EXPECT_EQ(p.records->data(), reinterpret_cast<const uint8_t*>(frame.data()) + p.records_position)
      << "no copy: the span points into the frame";
  EXPECT_EQ(frame.substr(p.records_position, p.records->size()), SampleBatch());

  // The owner of the frame rewrites the base offset in place through the position.
  std::span<uint8_t> mutable_batch(reinterpret_cast<uint8_t*>(frame.data()) + p.records_position,
                                   p.records->size());
  SetBaseOffset(mutable_batch, 500);
  Result<RecordBatchView> view = RecordBatchView::Parse(*p.records);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->header().base_offset, 500);
  EXPECT_TRUE(view->VerifyCrc().ok()) << "the base offset is outside the CRC";

  EXPECT_FALSE(request->topics[0].partitions[1].records.has_value()) << "null records";
  EXPECT_TRUE(request->topics[1].partitions[0].records->empty());
}

TEST(ProduceCodecTest, OldVersionsDecodeWithoutTransactionalId) {
  ProduceRequest r = RequestCase::Full().request;
  const std::string v2 = EncodeAt<RequestCase>({r}, 2);
  const std::string v3 = EncodeAt<RequestCase>({r}, 3);
  EXPECT_EQ(v3.size(), v2.size() + 2 + r.transactional_id->size());
  Result<ComparableProduceRequest> decoded = DecodeAt<RequestCase>(v2, 2);
  ASSERT_TRUE(decoded.ok());
  EXPECT_FALSE(decoded->request.transactional_id.has_value());
  EXPECT_EQ(decoded->request.acks, 1);
}

TEST(ProduceCodecTest, RecordLengthBeyondTheFrameIsAnError) {
  // acks 1, timeout 0, one topic "t", one partition 0 whose records claim 1 GiB.
  const std::string bytes(
      "\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01\x00\x01t\x00\x00\x00\x01"
      "\x00\x00\x00\x00\x40\x00\x00\x00xyz",
      28);
  Result<ComparableProduceRequest> decoded = DecodeAt<RequestCase>(bytes, 2);
  ASSERT_FALSE(decoded.ok());
  EXPECT_TRUE(decoded.status().IsInvalidArgument());
}

struct GoldenRecord {
  std::optional<std::string> key;
  std::optional<std::string> value;
  bool operator==(const GoldenRecord&) const = default;
};

// Decodes a golden Produce frame and returns the records of its single partition.
std::vector<GoldenRecord> DecodeGoldenProduce(const std::string& file, int16_t expected_acks,
                                              const std::string& expected_client) {
  auto golden = LoadGoldenRequest(file);
  EXPECT_EQ(golden.header.api_key, 0);
  EXPECT_EQ(golden.header.api_version, 7);
  EXPECT_EQ(golden.header.client_id, expected_client);
  WireReader reader = golden.BodyReader();
  Result<ProduceRequest> request = DecodeProduceRequest(reader, 7);
  EXPECT_TRUE(request.ok()) << request.status().ToString();
  if (!request.ok()) return {};
  EXPECT_TRUE(reader.at_end());
  EXPECT_FALSE(request->transactional_id.has_value());
  EXPECT_EQ(request->acks, expected_acks);
  EXPECT_EQ(request->timeout_ms, 30000);
  EXPECT_EQ(request->topics.size(), 1u);
  EXPECT_EQ(request->topics[0].name, "golden");
  EXPECT_EQ(request->topics[0].partitions.size(), 1u);
  const ProduceRequest::Partition& p = request->topics[0].partitions[0];
  EXPECT_EQ(p.index, 0);
  EXPECT_TRUE(p.records.has_value());
  if (!p.records) return {};
  EXPECT_EQ(golden.frame.substr(p.records_position, p.records->size()), AsString(*p.records));

  BatchIterator batches(*p.records);
  std::optional<RecordBatchView> batch = batches.Next();
  EXPECT_TRUE(batch.has_value()) << batches.status().ToString();
  if (!batch) return {};
  EXPECT_FALSE(batches.Next().has_value()) << "one batch per partition";
  EXPECT_EQ(batches.consumed(), p.records->size());
  EXPECT_EQ(batch->header().magic, 2);
  EXPECT_TRUE(batch->VerifyCrc().ok());
  EXPECT_TRUE(ValidateProducerBatch(*batch).ok());
  Result<std::vector<Record>> records = DecodeRecords(*batch);
  EXPECT_TRUE(records.ok()) << records.status().ToString();
  if (!records.ok()) return {};
  std::vector<GoldenRecord> out;
  for (const Record& r : *records) {
    out.push_back({r.key ? std::optional(AsString(*r.key)) : std::nullopt,
                   r.value ? std::optional(AsString(*r.value)) : std::nullopt});
  }
  return out;
}

TEST(ProduceCodecTest, GoldenLibrdkafkaV7) {
  EXPECT_EQ(DecodeGoldenProduce("librdkafka_produce_v7.bin", -1, "rdkafka"),
            (std::vector<GoldenRecord>{{"key1", "hello"}}))
      << "kcat sent its two lines in two requests; the first was captured";
}

TEST(ProduceCodecTest, GoldenKafkaPythonV7) {
  EXPECT_EQ(DecodeGoldenProduce("kafka_python_produce_v7.bin", 1, "golden-kp"),
            (std::vector<GoldenRecord>{{"k1", "hello"}}));
}

TEST(ProduceCodecTest, GoldenKafkajsV7) {
  EXPECT_EQ(DecodeGoldenProduce("kafkajs_produce_v7.bin", -1, "golden-kjs"),
            (std::vector<GoldenRecord>{{"k1", "hello"}}));
}

TEST(ProduceCodecTest, EveryStrictPrefixOfAGoldenBodyIsAnError) {
  for (const char* file :
       {"librdkafka_produce_v7.bin", "kafka_python_produce_v7.bin", "kafkajs_produce_v7.bin"}) {
    auto golden = LoadGoldenRequest(file);
    const std::string_view body = std::string_view(golden.frame).substr(golden.body_position);
    for (size_t n = 0; n < body.size(); ++n) {
      Result<ComparableProduceRequest> decoded = DecodeAt<RequestCase>(body.substr(0, n), 7);
      ASSERT_FALSE(decoded.ok()) << file << ": " << n << " of " << body.size();
      EXPECT_TRUE(decoded.status().IsInvalidArgument());
    }
  }
}

}  // namespace
}  // namespace ringlog
