// Known bytes of AlterPartitionReassignments v0 and ListPartitionReassignments v0 (both
// flexible from v0), written out by hand from Kafka's schemas, decoded and encoded by the
// generated codecs.
#include <gtest/gtest.h>

#include <string>

#include "net/codec/alter_partition_reassignments_codec.h"
#include "net/codec/list_partition_reassignments_codec.h"
#include "tests/net/codec_test_util.h"

namespace ringlog {
namespace {

using testing::AsBytes;
using testing::EncodeWith;
using testing::Hex;

TEST(ReassignmentGoldenTest, AlterRequestV0WithAMoveAndACancellation) {
  const std::string bytes =
      Hex("00 00 ea 60"                 // timeout_ms 60000
          "02"                          // one topic (compact array: n + 1)
          "02 74"                       // name "t"
          "03"                          // two partitions
          "00 00 00 00"                 // partition_index 0
          "03 00 00 00 04 00 00 00 02"  // replicas [4, 2]
          "00"                          // the partition's tagged fields
          "00 00 00 01"                 // partition_index 1
          "00"                          // replicas null: cancel
          "00"                          // the partition's tagged fields
          "00"                          // the topic's tagged fields
          "00");                        // tagged fields
  WireReader reader(AsBytes(bytes));
  Result<AlterPartitionReassignmentsRequest> request =
      DecodeAlterPartitionReassignmentsRequest(reader, 0);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_TRUE(reader.at_end());
  AlterPartitionReassignmentsRequest expected;
  expected.topics = {{"t", {{0, std::vector<int32_t>{4, 2}}, {1, std::nullopt}}}};
  EXPECT_EQ(*request, expected);
  EXPECT_EQ(EncodeWith(&EncodeAlterPartitionReassignmentsRequest, expected, 0), bytes);
}

TEST(ReassignmentGoldenTest, ListResponseV0) {
  const std::string bytes =
      Hex("00 00 00 00"                 // throttle_time_ms
          "00 00"                       // no error
          "00"                          // error_message null
          "02"                          // one topic
          "02 74"                       // name "t"
          "02"                          // one partition
          "00 00 00 00"                 // partition_index 0
          "03 00 00 00 04 00 00 00 01"  // replicas [4, 1]
          "02 00 00 00 04"              // adding_replicas [4]
          "02 00 00 00 01"              // removing_replicas [1]
          "00"                          // the partition's tagged fields
          "00"                          // the topic's tagged fields
          "00");                        // tagged fields
  WireReader reader(AsBytes(bytes));
  Result<ListPartitionReassignmentsResponse> response =
      DecodeListPartitionReassignmentsResponse(reader, 0);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_TRUE(reader.at_end());
  ListPartitionReassignmentsResponse expected;
  expected.topics = {{"t", {{0, {4, 1}, {4}, {1}}}}};
  EXPECT_EQ(*response, expected);
  EXPECT_EQ(EncodeWith(&EncodeListPartitionReassignmentsResponse, expected, 0), bytes);
}

}  // namespace
}  // namespace ringlog
