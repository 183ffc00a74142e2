// The topic admin APIs at their newest, flexible versions, against bytes written out by
// hand from the protocol schemas (compact strings and arrays count length + 1, 0 is null;
// every struct ends with its tagged fields): CreateTopics v7, DeleteTopics v6,
// DeleteRecords v2 and CreatePartitions v3. Each decodes to the expected message and
// encodes back to the same bytes.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "net/codec/create_partitions_codec.h"
#include "net/codec/create_topics_codec.h"
#include "net/codec/delete_records_codec.h"
#include "net/codec/delete_topics_codec.h"
#include "tests/net/codec_test_util.h"

namespace ringlog {
namespace {

using ::ringlog::testing::DecodeWith;
using ::ringlog::testing::EncodeWith;
using ::ringlog::testing::Hex;

Uuid Counting() {
  Uuid id;
  for (uint8_t i = 0; i < 16; ++i) id.bytes[i] = static_cast<uint8_t>(i + 1);
  return id;
}

constexpr std::string_view kCountingHex = "0102030405060708090a0b0c0d0e0f10";

TEST(TopicAdminGoldenCodecTest, CreateTopicsV7Request) {
  const std::string bytes =
      Hex("02"                                          // topics: 1
          "02 74"                                       // name "t"
          "00000003 ffff"                               // num_partitions 3, replication_factor -1
          "01"                                          // assignments: 0
          "03"                                          // configs: 2
          "0d 726574656e74696f6e2e6d73 05 31303030 00"  // retention.ms = "1000"
          "02 78 00 00"                                 // x = null
          "00"                                          // topic tags
          "00001388 01"                                 // timeout_ms 5000, validate_only
          "00");                                        // tags
  CreateTopicsRequest expected;
  CreateTopicsRequest::Topic& topic = expected.topics.emplace_back();
  topic.name = "t";
  topic.num_partitions = 3;
  topic.configs = {{"retention.ms", "1000"}, {"x", std::nullopt}};
  expected.timeout_ms = 5000;
  expected.validate_only = true;
  Result<CreateTopicsRequest> decoded = DecodeWith(&DecodeCreateTopicsRequest, bytes, 7);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, expected);
  EXPECT_EQ(EncodeWith(&EncodeCreateTopicsRequest, expected, 7), bytes);
}

TEST(TopicAdminGoldenCodecTest, CreateTopicsV7Response) {
  const std::string bytes = Hex(std::string("00000000"  // throttle_time_ms
                                            "02"        // topics: 1
                                            "02 74") +  // name "t"
                                std::string(kCountingHex) +
                                "0000 00"        // error_code 0, error_message null
                                "00000003 0001"  // num_partitions 3, replication_factor 1
                                "02"             // configs: 1
                                "0d 726574656e74696f6e2e6d73 05 31303030"  // retention.ms = "1000"
                                "00 01 00 00"    // not read-only, source 1, not sensitive
                                "01 00 02 0005"  // topic tags: topic_config_error_code 5
                                "00");           // tags
  CreateTopicsResponse expected;
  CreateTopicsResponse::TopicResult& topic = expected.topics.emplace_back();
  topic.name = "t";
  topic.topic_id = Counting();
  topic.num_partitions = 3;
  topic.replication_factor = 1;
  CreateTopicsResponse::Config& config = topic.configs.emplace().emplace_back();
  config.name = "retention.ms";
  config.value = "1000";
  config.config_source = 1;
  topic.topic_config_error_code = 5;
  Result<CreateTopicsResponse> decoded = DecodeWith(&DecodeCreateTopicsResponse, bytes, 7);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, expected);
  EXPECT_EQ(EncodeWith(&EncodeCreateTopicsResponse, expected, 7), bytes);
}

TEST(TopicAdminGoldenCodecTest, DeleteTopicsV6ByIdAndByName) {
  const std::string request_bytes =
      Hex("03"  // topics: 2
          "00" +
          std::string(kCountingHex) +  // null name, id
          "00"                         // tags
          "02 74" +
          std::string(32, '0') +
          "00"        // "t", zero id
          "00001388"  // timeout_ms
          "00");      // tags
  DeleteTopicsRequest request;
  request.topics = {{std::nullopt, Counting()}, {"t", Uuid{}}};
  request.timeout_ms = 5000;
  Result<DeleteTopicsRequest> decoded = DecodeWith(&DecodeDeleteTopicsRequest, request_bytes, 6);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, request);
  EXPECT_EQ(EncodeWith(&EncodeDeleteTopicsRequest, request, 6), request_bytes);

  const std::string response_bytes =
      Hex("00000000 02"  // throttle, responses: 1
          "00" +
          std::string(kCountingHex) +  // null name, the id
          "0064 03 6e6f 00"            // UNKNOWN_TOPIC_ID, "no"
          "00");
  DeleteTopicsResponse response;
  response.responses = {{std::nullopt, Counting(), 100, "no"}};
  Result<DeleteTopicsResponse> answer = DecodeWith(&DecodeDeleteTopicsResponse, response_bytes, 6);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(*answer, response);
  EXPECT_EQ(EncodeWith(&EncodeDeleteTopicsResponse, response, 6), response_bytes);
}

TEST(TopicAdminGoldenCodecTest, DeleteRecordsV2) {
  const std::string request_bytes =
      Hex("02 02 74"                         // topics: 1, "t"
          "03 00000000 0000000000000064 00"  // partitions: 2; 0 before 100
          "00000001 ffffffffffffffff 00"     // 1 before -1 (high watermark)
          "00 000003e8 00");                 // tags, timeout_ms 1000, tags
  const DeleteRecordsRequest request{{{"t", {{0, 100}, {1, -1}}}}, 1000};
  Result<DeleteRecordsRequest> decoded = DecodeWith(&DecodeDeleteRecordsRequest, request_bytes, 2);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, request);
  EXPECT_EQ(EncodeWith(&EncodeDeleteRecordsRequest, request, 2), request_bytes);

  const std::string response_bytes =
      Hex("00000000 02 02 74"                     // throttle, topics: 1, "t"
          "02 00000000 0000000000000064 0000 00"  // partition 0: low watermark 100
          "00 00");
  const DeleteRecordsResponse response{0, {{"t", {{0, 100, 0}}}}};
  Result<DeleteRecordsResponse> answer =
      DecodeWith(&DecodeDeleteRecordsResponse, response_bytes, 2);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(*answer, response);
  EXPECT_EQ(EncodeWith(&EncodeDeleteRecordsResponse, response, 2), response_bytes);
}

TEST(TopicAdminGoldenCodecTest, CreatePartitionsV3) {
  const std::string request_bytes =
      Hex("03"                                // topics: 2
          "02 61 00000003"                    // "a" to 3 partitions
          "03 02 00000000 00 02 00000000 00"  // assignments [[0]], [[0]]
          "00"
          "02 62 00000002 00 00"  // "b" to 2, assignments null
          "00001388 00 00");      // timeout_ms 5000, not validate_only, tags
  CreatePartitionsRequest request;
  request.topics = {{"a", 3, std::vector<CreatePartitionsRequest::Assignment>{{{0}}, {{0}}}},
                    {"b", 2, std::nullopt}};
  request.timeout_ms = 5000;
  Result<CreatePartitionsRequest> decoded =
      DecodeWith(&DecodeCreatePartitionsRequest, request_bytes, 3);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, request);
  EXPECT_EQ(EncodeWith(&EncodeCreatePartitionsRequest, request, 3), request_bytes);

  const std::string response_bytes =
      Hex("00000000 03"                   // throttle, results: 2
          "02 61 0000 00 00"              // "a": no error, null message
          "02 62 0025 04 6e6f21 00 00");  // "b": 37, "no!"
  const CreatePartitionsResponse response{0, {{"a", 0, std::nullopt}, {"b", 37, "no!"}}};
  Result<CreatePartitionsResponse> answer =
      DecodeWith(&DecodeCreatePartitionsResponse, response_bytes, 3);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(*answer, response);
  EXPECT_EQ(EncodeWith(&EncodeCreatePartitionsResponse, response, 3), response_bytes);
}

}  // namespace
}  // namespace ringlog
