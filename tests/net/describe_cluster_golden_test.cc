// Known bytes of DescribeCluster v1 (flexible from v0), written out by hand from Kafka's
// schema, decoded and encoded by the generated codec.
#include <gtest/gtest.h>

#include <string>

#include "net/codec/describe_cluster_codec.h"
#include "tests/net/codec_test_util.h"

namespace ringlog {
namespace {

using testing::AsBytes;
using testing::EncodeWith;
using testing::Hex;

TEST(DescribeClusterGoldenTest, RequestV1) {
  const std::string bytes =
      Hex("01"    // include_cluster_authorized_operations true
          "01"    // endpoint_type 1 (brokers)
          "00");  // tagged fields
  WireReader reader(AsBytes(bytes));
  Result<DescribeClusterRequest> request = DecodeDescribeClusterRequest(reader, 1);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_TRUE(reader.at_end());
  DescribeClusterRequest expected;
  expected.include_cluster_authorized_operations = true;
  expected.endpoint_type = kDescribeClusterEndpointBrokers;
  EXPECT_EQ(*request, expected);
  EXPECT_EQ(EncodeWith(&EncodeDescribeClusterRequest, expected, 1), bytes);
}

TEST(DescribeClusterGoldenTest, ResponseV1) {
  const std::string bytes =
      Hex("00 00 00 00"  // throttle_time_ms
          "00 00"        // no error
          "00"           // error_message null (compact: 0)
          "01"           // endpoint_type 1
          "04 63 69 64"  // cluster_id "cid" (compact: length + 1)
          "00 00 00 02"  // controller_id 2
          "03"           // two brokers (compact array: n + 1)
          "00 00 00 01"  // broker_id 1
          "02 61"        // host "a"
          "00 00 23 84"  // port 9092
          "00"           // rack null
          "00"           // the broker's tagged fields
          "00 00 00 02"  // broker_id 2
          "02 62"        // host "b"
          "00 00 23 85"  // port 9093
          "03 72 31"     // rack "r1"
          "00"           // the broker's tagged fields
          "80 00 00 00"  // cluster_authorized_operations omitted (INT32_MIN)
          "00");         // tagged fields
  WireReader reader(AsBytes(bytes));
  Result<DescribeClusterResponse> response = DecodeDescribeClusterResponse(reader, 1);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_TRUE(reader.at_end());
  DescribeClusterResponse expected;
  expected.endpoint_type = kDescribeClusterEndpointBrokers;
  expected.cluster_id = "cid";
  expected.controller_id = 2;
  expected.brokers.push_back({1, "a", 9092, std::nullopt});
  expected.brokers.push_back({2, "b", 9093, "r1"});
  EXPECT_EQ(*response, expected);
  EXPECT_EQ(EncodeWith(&EncodeDescribeClusterResponse, expected, 1), bytes);
}

TEST(DescribeClusterGoldenTest, ResponseV0HasNoEndpointType) {
  DescribeClusterResponse response;
  response.cluster_id = "c";
  EXPECT_EQ(EncodeWith(&EncodeDescribeClusterResponse, response, 0),
            Hex("00 00 00 00"  // throttle_time_ms
                "00 00"        // no error
                "00"           // error_message null
                "02 63"        // cluster_id "c"
                "ff ff ff ff"  // controller_id -1
                "01"           // no brokers
                "80 00 00 00"  // cluster_authorized_operations omitted
                "00"));        // tagged fields
}

}  // namespace
}  // namespace ringlog
