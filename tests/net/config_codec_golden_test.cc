// Known bytes of the config APIs' flexible versions, written out by hand from Kafka's
// schemas: IncrementalAlterConfigs v1 and DescribeConfigs v4 (compact strings and arrays,
// tagged-field sections), decoded and encoded by the generated codecs.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "net/codec/describe_configs_codec.h"
#include "net/codec/incremental_alter_configs_codec.h"
#include "tests/net/codec_test_util.h"

namespace ringlog {
namespace {

using testing::AsBytes;
using testing::EncodeWith;
using testing::Hex;

// resources: [{type 2, name "t", configs: [{"retention.ms", SET, "1000"},
// {"cleanup.policy", DELETE, null}]}], validate_only true.
const std::string kIncrementalRequestV1 =
    Hex("02"                                            // one resource (compact array: n + 1)
        "02 02 74"                                      // topic "t"
        "03"                                            // two configs
        "0d 72 65 74 65 6e 74 69 6f 6e 2e 6d 73"        // "retention.ms"
        "00 05 31 30 30 30 00"                          // SET "1000", no tagged fields
        "0f 63 6c 65 61 6e 75 70 2e 70 6f 6c 69 63 79"  // "cleanup.policy"
        "01 00 00"                                      // DELETE, null value, no tagged fields
        "00"                                            // the resource's tagged fields
        "01 00");                                       // validate_only, tagged fields

TEST(ConfigCodecGoldenTest, IncrementalAlterConfigsRequestV1) {
  WireReader reader(AsBytes(kIncrementalRequestV1));
  Result<IncrementalAlterConfigsRequest> request = DecodeIncrementalAlterConfigsRequest(reader, 1);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_TRUE(reader.at_end());
  const IncrementalAlterConfigsRequest expected{
      {{kConfigResourceTopic,
        "t",
        {{"retention.ms", 0, "1000"}, {"cleanup.policy", 1, std::nullopt}}}},
      true};
  EXPECT_EQ(*request, expected);
  EXPECT_EQ(EncodeWith(&EncodeIncrementalAlterConfigsRequest, expected, 1), kIncrementalRequestV1);
}

TEST(ConfigCodecGoldenTest, IncrementalAlterConfigsResponseV1) {
  const std::string bytes =
      Hex("00 00 00 00"  // throttle_time_ms
          "02"           // one result
          "00 28 02 78"  // INVALID_CONFIG, "x"
          "02 02 74 00"  // topic "t", no tagged fields
          "00");         // tagged fields
  const IncrementalAlterConfigsResponse expected{0, {{40, "x", kConfigResourceTopic, "t"}}};
  EXPECT_EQ(EncodeWith(&EncodeIncrementalAlterConfigsResponse, expected, 1), bytes);
  WireReader reader(AsBytes(bytes));
  Result<IncrementalAlterConfigsResponse> decoded =
      DecodeIncrementalAlterConfigsResponse(reader, 1);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, expected);
}

TEST(ConfigCodecGoldenTest, DescribeConfigsV4) {
  // resources: [{broker "0", every key}], include_synonyms false, include_documentation true.
  const std::string request_bytes = Hex("02 04 02 30 00 00 00 01 00");
  WireReader reader(AsBytes(request_bytes));
  Result<DescribeConfigsRequest> request = DecodeDescribeConfigsRequest(reader, 4);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_TRUE(reader.at_end());
  EXPECT_EQ(*request,
            (DescribeConfigsRequest{{{kConfigResourceBroker, "0", std::nullopt}}, false, true}));

  DescribeConfigsResponse::Entry entry{"a", "1", true, false, 5, false, {{"b", "1", 5}}, 3, "d"};
  const DescribeConfigsResponse response{0,
                                         {{0, std::nullopt, kConfigResourceBroker, "0", {entry}}}};
  const std::string response_bytes =
      Hex("00 00 00 00 02"        // throttle_time_ms, one result
          "00 00 00 04 02 30"     // no error, null message, broker "0"
          "02 02 61 02 31 01"     // one config: "a" = "1", read-only
          "05 00"                 // DEFAULT_CONFIG, not sensitive (v0's is_default is gone)
          "02 02 62 02 31 05 00"  // one synonym: "b" = "1", DEFAULT_CONFIG
          "03 02 64 00"           // INT, documentation "d", the config's tagged fields
          "00 00");               // the result's and the response's tagged fields
  EXPECT_EQ(EncodeWith(&EncodeDescribeConfigsResponse, response, 4), response_bytes);
}

}  // namespace
}  // namespace ringlog
