// Metadata v0-8: round trips with per-version fields, the null-versus-empty topic list
// rules, and the Metadata requests librdkafka, kafka-python and kafkajs send.
#include "net/codec/metadata_codec.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "net/codec/metadata_topics.h"
#include "tests/net/codec_test_util.h"

namespace ringlog {
namespace {

using ::ringlog::testing::DecodeAt;
using ::ringlog::testing::EncodeAt;
using ::ringlog::testing::LoadGoldenRequest;

struct RequestCase {
  using Msg = MetadataRequest;
  static constexpr int16_t kMin = kMetadataMinVersion;
  static constexpr int16_t kMax = kMetadataMaxVersion;
  static void Encode(WireWriter& w, const Msg& m, int16_t v) { EncodeMetadataRequest(w, m, v); }
  static Result<Msg> Decode(WireReader& r, int16_t v) { return DecodeMetadataRequest(r, v); }
  static Msg Full() {
    MetadataRequest m = MetadataRequestFor(std::vector<std::string>{"orders", "audit"});
    m.allow_auto_topic_creation = false;
    m.include_cluster_authorized_operations = true;
    m.include_topic_authorized_operations = true;
    return m;
  }
  static Msg AtVersion(Msg m, int16_t v) {
    if (v < 4) m.allow_auto_topic_creation = true;
    if (v < 8) {
      m.include_cluster_authorized_operations = false;
      m.include_topic_authorized_operations = false;
    }
    if (v > 10) m.include_cluster_authorized_operations = false;
    return m;
  }
};

struct ResponseCase {
  using Msg = MetadataResponse;
  static constexpr int16_t kMin = kMetadataMinVersion;
  static constexpr int16_t kMax = kMetadataMaxVersion;
  static void Encode(WireWriter& w, const Msg& m, int16_t v) { EncodeMetadataResponse(w, m, v); }
  static Result<Msg> Decode(WireReader& r, int16_t v) { return DecodeMetadataResponse(r, v); }
  static Msg Full() {
    MetadataResponse m;
    m.throttle_time_ms = 12;
    m.brokers = {{1, "broker-1", 9092, "rack-a"}, {2, "broker-2", 9093, std::nullopt}};
    m.cluster_id = "cluster-x";
    m.controller_id = 2;
    MetadataResponse::Partition p0{0, 0, 1, 5, {1, 2}, {1}, {2}};
    MetadataResponse::Partition p1{5, 1, -1, 6, {2}, {}, {}};
    m.topics = {{0, "orders", {}, true, {p0, p1}, 0x0ff8},
                {3, "missing", {}, false, {}, std::numeric_limits<int32_t>::min()}};
    m.cluster_authorized_operations = 0x0f;
    return m;
  }
  static Msg AtVersion(Msg m, int16_t v) {
    if (v < 3) m.throttle_time_ms = 0;
    if (v < 2) m.cluster_id.reset();
    if (v < 1) {
      m.controller_id = -1;
      for (auto& b : m.brokers) b.rack.reset();
    }
    for (auto& t : m.topics) {
      if (v < 1) t.is_internal = false;
      if (v < 8) t.topic_authorized_operations = kAuthorizedOperationsOmitted;
      for (auto& p : t.partitions) {
        if (v < 7) p.leader_epoch = -1;
        if (v < 5) p.offline_replicas.clear();
      }
    }
    if (v < 8 || v > 10) m.cluster_authorized_operations = kAuthorizedOperationsOmitted;
    return m;
  }
};

TEST(MetadataCodecTest, RequestPropertiesAtEveryVersion) {
  ::ringlog::testing::ExpectCodecProperties<RequestCase>();
}

TEST(MetadataCodecTest, ResponsePropertiesAtEveryVersion) {
  ::ringlog::testing::ExpectCodecProperties<ResponseCase>();
}

TEST(MetadataCodecTest, NullTopicsMeansEveryTopicAtEveryVersion) {
  MetadataRequest all;
  for (int16_t v = 0; v <= kMetadataMaxVersion; ++v) {
    const std::string bytes = EncodeAt<RequestCase>(all, v);
    // v0 has no null: every topic is an empty list. v1+ sends null (-1), v9+ as a compact 0.
    if (v < kMetadataFirstFlexibleVersion) {
      EXPECT_EQ(bytes.substr(0, 4), v == 0 ? std::string(4, '\0') : std::string(4, '\xff'));
    }
    Result<MetadataRequest> decoded = DecodeAt<RequestCase>(bytes, v);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(AskedTopicNames(*decoded, v), std::nullopt) << "v" << v;
  }
}

TEST(MetadataCodecTest, EmptyTopicListMeansNoTopicsFromV1) {
  MetadataRequest none;
  none.topics.emplace();
  for (int16_t v = 1; v <= kMetadataMaxVersion; ++v) {
    Result<MetadataRequest> decoded = DecodeAt<RequestCase>(EncodeAt<RequestCase>(none, v), v);
    ASSERT_TRUE(decoded.ok());
    ASSERT_TRUE(AskedTopicNames(*decoded, v).has_value()) << "v" << v;
    EXPECT_TRUE(AskedTopicNames(*decoded, v)->empty());
  }
  // At v0 an empty list cannot mean "none": it asks for every topic.
  Result<MetadataRequest> v0 = DecodeAt<RequestCase>(EncodeAt<RequestCase>(none, 0), 0);
  ASSERT_TRUE(v0.ok());
  EXPECT_EQ(AskedTopicNames(*v0, 0), std::nullopt);
}

TEST(MetadataCodecTest, NullTopicListAtV0IsReadAsEveryTopic) {
  Result<MetadataRequest> decoded = DecodeAt<RequestCase>(std::string(4, '\xff'), 0);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(AskedTopicNames(*decoded, 0), std::nullopt);
}

TEST(MetadataCodecTest, GoldenLibrdkafkaV4) {
  auto golden = LoadGoldenRequest("librdkafka_metadata_v4.bin");
  EXPECT_EQ(golden.header.api_key, 3);
  EXPECT_EQ(golden.header.client_id, "rdkafka");
  WireReader reader = golden.BodyReader();
  Result<MetadataRequest> request = DecodeMetadataRequest(reader, golden.header.api_version);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_EQ(golden.header.api_version, 4);
  EXPECT_EQ(AskedTopicNames(*request, golden.header.api_version),
            (std::vector<std::string>{"golden"}));
  EXPECT_TRUE(request->allow_auto_topic_creation);
  EXPECT_TRUE(reader.at_end());
}

TEST(MetadataCodecTest, GoldenKafkaPythonAllTopicsAtV0V1AndV5) {
  for (const auto& [file, version] :
       {std::pair("kafka_python_metadata_v0.bin", 0), std::pair("kafka_python_metadata_v1.bin", 1),
        std::pair("kafka_python_metadata_v5.bin", 5)}) {
    auto golden = LoadGoldenRequest(file);
    EXPECT_EQ(golden.header.api_key, 3);
    EXPECT_EQ(golden.header.api_version, version);
    WireReader reader = golden.BodyReader();
    Result<MetadataRequest> request = DecodeMetadataRequest(reader, golden.header.api_version);
    ASSERT_TRUE(request.ok()) << file << ": " << request.status().ToString();
    EXPECT_EQ(AskedTopicNames(*request, golden.header.api_version), std::nullopt) << file;
    EXPECT_TRUE(reader.at_end()) << file;
  }
  auto admin = LoadGoldenRequest("kafka_python_metadata_v5.bin");
  EXPECT_EQ(admin.header.client_id, "golden-admin");
  WireReader reader = admin.BodyReader();
  EXPECT_FALSE(DecodeMetadataRequest(reader, 5)->allow_auto_topic_creation);
}

TEST(MetadataCodecTest, GoldenKafkajsV6) {
  auto golden = LoadGoldenRequest("kafkajs_metadata_v6.bin");
  EXPECT_EQ(golden.header.api_version, 6);
  EXPECT_EQ(golden.header.client_id, "golden-kjs");
  WireReader reader = golden.BodyReader();
  Result<MetadataRequest> request = DecodeMetadataRequest(reader, 6);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_EQ(AskedTopicNames(*request, golden.header.api_version),
            (std::vector<std::string>{"golden"}));
  EXPECT_FALSE(request->allow_auto_topic_creation);
  EXPECT_TRUE(reader.at_end());
}

}  // namespace
}  // namespace ringlog
