// Known bytes of the idempotent-producer APIs' flexible versions, written out by hand from
// Kafka's schemas: InitProducerId v4 (an epoch bump, KIP-360) and DescribeProducers v0,
// decoded and encoded by the generated codecs.
#include <gtest/gtest.h>

#include <string>

#include "net/codec/describe_producers_codec.h"
#include "net/codec/init_producer_id_codec.h"
#include "tests/net/codec_test_util.h"

namespace ringlog {
namespace {

using testing::AsBytes;
using testing::EncodeWith;
using testing::Hex;

TEST(ProducerCodecGoldenTest, InitProducerIdV4) {
  const std::string request_bytes =
      Hex("00"                       // transactional_id null (compact: 0)
          "00 00 ea 60"              // transaction_timeout_ms 60000
          "00 00 00 00 00 00 00 07"  // producer_id 7
          "00 02"                    // producer_epoch 2
          "00");                     // tagged fields
  WireReader reader(AsBytes(request_bytes));
  Result<InitProducerIdRequest> request = DecodeInitProducerIdRequest(reader, 4);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_TRUE(reader.at_end());
  InitProducerIdRequest expected;
  expected.transaction_timeout_ms = 60000;
  expected.producer_id = 7;
  expected.producer_epoch = 2;
  EXPECT_EQ(*request, expected);
  EXPECT_EQ(EncodeWith(&EncodeInitProducerIdRequest, expected, 4), request_bytes);

  InitProducerIdResponse response;
  response.producer_id = 7;
  response.producer_epoch = 3;
  EXPECT_EQ(EncodeWith(&EncodeInitProducerIdResponse, response, 4),
            Hex("00 00 00 00"              // throttle_time_ms
                "00 00"                    // no error
                "00 00 00 00 00 00 00 07"  // producer_id 7
                "00 03"                    // producer_epoch 3
                "00"));                    // tagged fields
}

TEST(ProducerCodecGoldenTest, DescribeProducersRequestV0) {
  const std::string bytes =
      Hex("02"                             // one topic (compact array: n + 1)
          "02 74"                          // "t"
          "03 00 00 00 00 00 00 00 02 00"  // partitions [0, 2], the topic's tagged fields
          "00");                           // tagged fields
  WireReader reader(AsBytes(bytes));
  Result<DescribeProducersRequest> request = DecodeDescribeProducersRequest(reader, 0);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_TRUE(reader.at_end());
  DescribeProducersRequest expected;
  expected.topics.push_back({"t", {0, 2}});
  EXPECT_EQ(*request, expected);
  EXPECT_EQ(EncodeWith(&EncodeDescribeProducersRequest, expected, 0), bytes);
}

TEST(ProducerCodecGoldenTest, DescribeProducersResponseV0) {
  DescribeProducersResponse::ProducerState producer;
  producer.producer_id = 7;
  producer.producer_epoch = 3;
  producer.last_sequence = 5;
  producer.last_timestamp = 0x18bcfe56800;
  producer.coordinator_epoch = -1;
  DescribeProducersResponse::PartitionResponse known;
  known.partition_index = 0;
  known.active_producers.push_back(producer);
  DescribeProducersResponse::PartitionResponse unknown;
  unknown.partition_index = 2;
  unknown.error_code = 3;
  DescribeProducersResponse response;
  response.topics.push_back({"t", {known, unknown}});
  const std::string bytes =
      Hex("00 00 00 00"              // throttle_time_ms
          "02 02 74 03"              // one topic "t", two partitions
          "00 00 00 00 00 00 00"     // partition 0, no error, null message
          "02"                       // one producer
          "00 00 00 00 00 00 00 07"  // producer_id 7
          "00 00 00 03"              // producer_epoch 3 (int32 here)
          "00 00 00 05"              // last_sequence 5
          "00 00 01 8b cf e5 68 00"  // last_timestamp
          "ff ff ff ff"              // coordinator_epoch -1
          "ff ff ff ff ff ff ff ff"  // current_txn_start_offset -1
          "00 00"                    // the producer's and the partition's tagged fields
          "00 00 00 02 00 03 00 01"  // partition 2, UNKNOWN_TOPIC_OR_PARTITION, null, none
          "00 00 00");               // the partition's, topic's and response's tagged fields
  EXPECT_EQ(EncodeWith(&EncodeDescribeProducersResponse, response, 0), bytes);
  WireReader reader(AsBytes(bytes));
  Result<DescribeProducersResponse> decoded = DecodeDescribeProducersResponse(reader, 0);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_TRUE(reader.at_end());
  EXPECT_EQ(*decoded, response);
}

}  // namespace
}  // namespace ringlog
