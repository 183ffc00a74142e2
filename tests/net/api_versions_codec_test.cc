// ApiVersions v0-3: round trips, the flexible v3 layout byte for byte, the
// UNSUPPORTED_VERSION fallback in the v0 layout, and the frames real clients send first.
#include <gtest/gtest.h>

#include <string>

#include "net/codec/api_versions_fallback.h"
#include "net/codec/error_code.h"
#include "tests/net/codec_test_util.h"

namespace ringlog {
namespace {

using ::ringlog::testing::AsBytes;
using ::ringlog::testing::DecodeAt;
using ::ringlog::testing::EncodeAt;
using ::ringlog::testing::LoadGoldenRequest;

struct RequestCase {
  using Msg = ApiVersionsRequest;
  static constexpr int16_t kMin = kApiVersionsMinVersion;
  static constexpr int16_t kMax = kApiVersionsMaxVersion;
  static void Encode(WireWriter& w, const Msg& m, int16_t v) { EncodeApiVersionsRequest(w, m, v); }
  static Result<Msg> Decode(WireReader& r, int16_t v) { return DecodeApiVersionsRequest(r, v); }
  static Msg Full() { return {"ringlog-test", "1.2.3"}; }
  static Msg AtVersion(Msg m, int16_t v) { return v >= 3 ? m : Msg{}; }
};

struct ResponseCase {
  using Msg = ApiVersionsResponse;
  static constexpr int16_t kMin = kApiVersionsMinVersion;
  static constexpr int16_t kMax = kApiVersionsMaxVersion;
  static void Encode(WireWriter& w, const Msg& m, int16_t v) { EncodeApiVersionsResponse(w, m, v); }
  static Result<Msg> Decode(WireReader& r, int16_t v) { return DecodeApiVersionsReply(r, v); }
  static Msg Full() {
    return {
        .error_code = 0, .api_keys = {{0, 0, 7}, {1, 0, 11}, {18, 0, 3}}, .throttle_time_ms = 25};
  }
  static Msg AtVersion(Msg m, int16_t v) {
    if (v < 1) m.throttle_time_ms = 0;
    return m;
  }
};

TEST(ApiVersionsCodecTest, RequestPropertiesAtEveryVersion) {
  ::ringlog::testing::ExpectCodecProperties<RequestCase>();
}

TEST(ApiVersionsCodecTest, ResponsePropertiesAtEveryVersion) {
  ::ringlog::testing::ExpectCodecProperties<ResponseCase>();
}

TEST(ApiVersionsCodecTest, RequestBodyIsEmptyBeforeV3) {
  for (int16_t v = 0; v < 3; ++v) EXPECT_EQ(EncodeAt<RequestCase>(RequestCase::Full(), v), "");
}

TEST(ApiVersionsCodecTest, V3ResponseUsesCompactArraysAndTagSections) {
  const ApiVersionsResponse response{
      .error_code = 0, .api_keys = {{18, 0, 3}}, .throttle_time_ms = 7};
  // error 0 | compact array of 1 (uvarint 2) | key 18, 0..3, empty tags | throttle 7 | tags
  EXPECT_EQ(EncodeAt<ResponseCase>(response, 3),
            std::string("\x00\x00\x02\x00\x12\x00\x00\x00\x03\x00\x00\x00\x00\x07\x00", 15));
  // v2: classic int32 count, no tag sections.
  EXPECT_EQ(EncodeAt<ResponseCase>(response, 2),
            std::string("\x00\x00\x00\x00\x00\x01\x00\x12\x00\x00\x00\x03\x00\x00\x00\x07", 16));
}

TEST(ApiVersionsCodecTest, V3ResponseSkipsUnknownTaggedFields) {
  // A broker's SupportedFeatures (tag 0) and FinalizedFeaturesEpoch (tag 1) are ignored.
  const std::string bytes(
      "\x00\x00\x01\x00\x00\x00\x00\x02\x00\x01\x00\x01\x08\x01\x02\x03"
      "\x04\x05\x06\x07\x08",
      21);
  Result<ApiVersionsResponse> decoded = DecodeAt<ResponseCase>(bytes, 3);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_TRUE(decoded->api_keys.empty());
}

TEST(ApiVersionsCodecTest, FallbackIsTheV0LayoutWithOurOwnRange) {
  std::string out;
  WireWriter writer(&out);
  EncodeApiVersionsFallbackResponse(writer, {18, 0, 3});
  EXPECT_EQ(out, std::string("\x00\x23\x00\x00\x00\x01\x00\x12\x00\x00\x00\x03", 12));

  // A client that asked for any version reads it in the v0 layout.
  for (int16_t v = 0; v <= kApiVersionsMaxVersion; ++v) {
    Result<ApiVersionsResponse> decoded = DecodeAt<ResponseCase>(out, v);
    ASSERT_TRUE(decoded.ok()) << "v" << v << ": " << decoded.status().ToString();
    EXPECT_EQ(decoded->error_code, ToWire(ErrorCode::kUnsupportedVersion));
    ASSERT_EQ(decoded->api_keys.size(), 1u);
    EXPECT_EQ(decoded->api_keys[0], (ApiVersionRange{18, 0, 3}));
  }
}

TEST(ApiVersionsCodecTest, GoldenLibrdkafkaV3) {
  auto golden = LoadGoldenRequest("librdkafka_api_versions_v3.bin");
  EXPECT_EQ(golden.header.api_key, 18);
  EXPECT_EQ(golden.header.api_version, 3);
  EXPECT_EQ(golden.header.client_id, "rdkafka");
  WireReader reader = golden.BodyReader();
  Result<ApiVersionsRequest> request = DecodeApiVersionsRequest(reader, 3);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_EQ(request->client_software_name, "librdkafka");
  EXPECT_EQ(request->client_software_version, "2.0.2");
  EXPECT_TRUE(reader.at_end());
}

TEST(ApiVersionsCodecTest, GoldenKafkaPythonV0AndKafkajsV2HaveEmptyBodies) {
  for (const auto& [file, version, client] :
       {std::tuple("kafka_python_api_versions_v0.bin", 0, "golden-kp"),
        std::tuple("kafkajs_api_versions_v2.bin", 2, "golden-kjs")}) {
    auto golden = LoadGoldenRequest(file);
    EXPECT_EQ(golden.header.api_key, 18);
    EXPECT_EQ(golden.header.api_version, version);
    EXPECT_EQ(golden.header.client_id, client);
    WireReader reader = golden.BodyReader();
    Result<ApiVersionsRequest> request =
        DecodeApiVersionsRequest(reader, static_cast<int16_t>(version));
    ASSERT_TRUE(request.ok());
    EXPECT_TRUE(reader.at_end()) << file;
  }
}

}  // namespace
}  // namespace ringlog
