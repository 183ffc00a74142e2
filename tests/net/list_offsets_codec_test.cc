// ListOffsets v0-3: round trips (v0's old-style offset lists, v1's single offset, v2's
// isolation level) and the requests of librdkafka (v2) and kafka-python (v1).
#include "net/codec/list_offsets_codec.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/net/codec_test_util.h"

namespace ringlog {
namespace {

using ::ringlog::testing::LoadGoldenRequest;

struct RequestCase {
  using Msg = ListOffsetsRequest;
  static constexpr int16_t kMin = kListOffsetsMinVersion;
  static constexpr int16_t kMax = kListOffsetsMaxVersion;
  static void Encode(WireWriter& w, const Msg& m, int16_t v) { EncodeListOffsetsRequest(w, m, v); }
  static Result<Msg> Decode(WireReader& r, int16_t v) { return DecodeListOffsetsRequest(r, v); }
  static Msg Full() {
    return {
        -1,
        1,
        {{"orders",
          {{.partition_index = 0, .timestamp = kListOffsetsEarliestTimestamp, .max_num_offsets = 3},
           {.partition_index = 1, .timestamp = 1700000000000, .max_num_offsets = 1}}},
         {"audit", {}}}};
  }
  static Msg AtVersion(Msg m, int16_t v) {
    if (v < 2) m.isolation_level = 0;
    for (auto& t : m.topics) {
      for (auto& p : t.partitions) {
        if (v > 0) p.max_num_offsets = 1;
      }
    }
    return m;
  }
};

struct ResponseCase {
  using Msg = ListOffsetsResponse;
  static constexpr int16_t kMin = kListOffsetsMinVersion;
  static constexpr int16_t kMax = kListOffsetsMaxVersion;
  static void Encode(WireWriter& w, const Msg& m, int16_t v) { EncodeListOffsetsResponse(w, m, v); }
  static Result<Msg> Decode(WireReader& r, int16_t v) { return DecodeListOffsetsResponse(r, v); }
  static Msg Full() {
    return {15, {{"orders", {{0, 0, {120, 0}, 1700000000000, 120}, {1, 3, {}, -1, -1}}}}};
  }
  static Msg AtVersion(Msg m, int16_t v) {
    if (v < 2) m.throttle_time_ms = 0;
    for (auto& t : m.topics) {
      for (auto& p : t.partitions) {
        if (v == 0) {
          p.timestamp = -1;
          p.offset = -1;
        } else {
          p.old_style_offsets.clear();
        }
      }
    }
    return m;
  }
};

TEST(ListOffsetsCodecTest, RequestPropertiesAtEveryVersion) {
  ::ringlog::testing::ExpectCodecProperties<RequestCase>();
}

TEST(ListOffsetsCodecTest, ResponsePropertiesAtEveryVersion) {
  ::ringlog::testing::ExpectCodecProperties<ResponseCase>();
}

TEST(ListOffsetsCodecTest, GoldenLibrdkafkaV2AsksForEarliestReadCommitted) {
  auto golden = LoadGoldenRequest("librdkafka_list_offsets_v2.bin");
  EXPECT_EQ(golden.header.api_key, 2);
  EXPECT_EQ(golden.header.api_version, 2);
  EXPECT_EQ(golden.header.client_id, "rdkafka");
  WireReader reader = golden.BodyReader();
  Result<ListOffsetsRequest> request = DecodeListOffsetsRequest(reader, 2);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_TRUE(reader.at_end());
  EXPECT_EQ(request->replica_id, -1);
  EXPECT_EQ(request->isolation_level, 1);
  ASSERT_EQ(request->topics.size(), 1u);
  EXPECT_EQ(request->topics[0].name, "golden");
  ASSERT_EQ(request->topics[0].partitions.size(), 1u);
  EXPECT_EQ(request->topics[0].partitions[0].partition_index, 0);
  EXPECT_EQ(request->topics[0].partitions[0].timestamp, kListOffsetsEarliestTimestamp);
}

TEST(ListOffsetsCodecTest, GoldenKafkaPythonV1AsksForEarliest) {
  auto golden = LoadGoldenRequest("kafka_python_list_offsets_v1.bin");
  EXPECT_EQ(golden.header.api_version, 1);
  EXPECT_EQ(golden.header.client_id, "golden-kp");
  WireReader reader = golden.BodyReader();
  Result<ListOffsetsRequest> request = DecodeListOffsetsRequest(reader, 1);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_TRUE(reader.at_end());
  EXPECT_EQ(request->isolation_level, 0) << "v1 has no isolation level";
  ASSERT_EQ(request->topics.size(), 1u);
  EXPECT_EQ(request->topics[0].name, "golden");
  ASSERT_EQ(request->topics[0].partitions.size(), 1u);
  EXPECT_EQ(request->topics[0].partitions[0].timestamp, kListOffsetsEarliestTimestamp);
}

}  // namespace
}  // namespace ringlog
