// Known bytes of ElectLeaders v2 (flexible) and v0, written out by hand from Kafka's schema,
// decoded and encoded by the generated codec.
#include <gtest/gtest.h>

#include <string>

#include "net/codec/elect_leaders_codec.h"
#include "tests/net/codec_test_util.h"

namespace ringlog {
namespace {

using testing::AsBytes;
using testing::EncodeWith;
using testing::Hex;

TEST(ElectLeadersGoldenTest, RequestV2) {
  const std::string bytes =
      Hex("01"           // election_type 1 (unclean)
          "02"           // one topic (compact array: n + 1)
          "02 74"        // topic "t"
          "03"           // two partitions
          "00 00 00 00"  // 0
          "00 00 00 05"  // 5
          "00"           // the topic's tagged fields
          "00 00 75 30"  // timeout_ms 30000
          "00");         // tagged fields
  WireReader reader(AsBytes(bytes));
  Result<ElectLeadersRequest> request = DecodeElectLeadersRequest(reader, 2);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_TRUE(reader.at_end());
  ElectLeadersRequest expected;
  expected.election_type = 1;
  expected.topic_partitions.emplace();
  expected.topic_partitions->push_back({.topic = "t", .partitions = {0, 5}});
  expected.timeout_ms = 30000;
  EXPECT_EQ(*request, expected);
  EXPECT_EQ(EncodeWith(&EncodeElectLeadersRequest, expected, 2), bytes);
}

TEST(ElectLeadersGoldenTest, RequestV0OfEveryPartition) {
  const std::string bytes =
      Hex("ff ff ff ff"    // topic_partitions null
          "00 00 ea 60");  // timeout_ms 60000
  WireReader reader(AsBytes(bytes));
  Result<ElectLeadersRequest> request = DecodeElectLeadersRequest(reader, 0);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_TRUE(reader.at_end());
  EXPECT_EQ(request->election_type, 0);
  EXPECT_FALSE(request->topic_partitions.has_value());
  EXPECT_EQ(request->timeout_ms, 60000);
}

TEST(ElectLeadersGoldenTest, ResponseV2) {
  const std::string bytes =
      Hex("00 00 00 00"  // throttle_time_ms
          "00 00"        // error_code
          "02"           // one topic
          "02 74"        // topic "t"
          "02"           // one partition
          "00 00 00 01"  // partition_id 1
          "00 54"        // ELECTION_NOT_NEEDED (84)
          "03 6e 6f"     // error_message "no"
          "00"           // the partition's tagged fields
          "00"           // the topic's tagged fields
          "00");         // tagged fields
  WireReader reader(AsBytes(bytes));
  Result<ElectLeadersResponse> response = DecodeElectLeadersResponse(reader, 2);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_TRUE(reader.at_end());
  ElectLeadersResponse expected;
  expected.replica_election_results.push_back(
      {.topic = "t",
       .partition_result = {{.partition_id = 1, .error_code = 84, .error_message = "no"}}});
  EXPECT_EQ(*response, expected);
  EXPECT_EQ(EncodeWith(&EncodeElectLeadersResponse, expected, 2), bytes);
}

}  // namespace
}  // namespace ringlog
