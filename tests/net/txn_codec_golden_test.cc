// Known bytes of the transaction APIs, written out by hand from Kafka's schemas, classic and
// flexible: each is decoded to the expected message and the message encodes back to them.
#include <gtest/gtest.h>

#include <string>

#include "net/codec/add_offsets_to_txn_codec.h"
#include "net/codec/add_partitions_to_txn_codec.h"
#include "net/codec/describe_transactions_codec.h"
#include "net/codec/end_txn_codec.h"
#include "net/codec/list_transactions_codec.h"
#include "net/codec/txn_offset_commit_codec.h"
#include "net/codec/write_txn_markers_codec.h"
#include "tests/net/codec_test_util.h"

namespace ringlog {
namespace {

using testing::DecodeWith;
using testing::EncodeWith;
using testing::Hex;

// `bytes` decodes (whole) to `expected` at `version` and `expected` encodes to `bytes`.
template <typename Msg>
void ExpectGolden(Result<Msg> (*decode)(WireReader&, int16_t),
                  void (*encode)(WireWriter&, const Msg&, int16_t), const Msg& expected,
                  const std::string& bytes, int16_t version) {
  Result<Msg> decoded = DecodeWith(decode, bytes, version);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, expected);
  EXPECT_EQ(EncodeWith(encode, expected, version), bytes);
}

constexpr char kProducer7Epoch2[] =
    "00 00 00 00 00 00 00 07"  // producer_id 7
    "00 02";                   // producer_epoch 2

TEST(TxnCodecGoldenTest, AddPartitionsToTxnClientRequestV0AndV3) {
  AddPartitionsToTxnRequest expected;
  expected.v3_and_below_transactional_id = "tx";
  expected.v3_and_below_producer_id = 7;
  expected.v3_and_below_producer_epoch = 2;
  expected.v3_and_below_topics.push_back({"t", {0, 1}});
  ExpectGolden(&DecodeAddPartitionsToTxnRequest, &EncodeAddPartitionsToTxnRequest, expected,
               Hex(std::string("00 02 74 78") +  // "tx"
                   kProducer7Epoch2 +
                   "00 00 00 01"                            // one topic
                   "00 01 74"                               // "t"
                   "00 00 00 02 00 00 00 00 00 00 00 01"),  // partitions [0, 1]
               0);
  ExpectGolden(&DecodeAddPartitionsToTxnRequest, &EncodeAddPartitionsToTxnRequest, expected,
               Hex(std::string("03 74 78") +  // "tx" (compact: length + 1)
                   kProducer7Epoch2 +
                   "02"                          // one topic (compact array: n + 1)
                   "02 74"                       // "t"
                   "03 00 00 00 00 00 00 00 01"  // partitions [0, 1]
                   "00"                          // the topic's tagged fields
                   "00"),                        // tagged fields
               3);
}

TEST(TxnCodecGoldenTest, AddPartitionsToTxnBrokerRequestV4) {
  AddPartitionsToTxnRequest::Transaction txn;
  txn.transactional_id = "tx";
  txn.producer_id = 7;
  txn.producer_epoch = 2;
  txn.verify_only = true;
  txn.topics.push_back({"t", {3}});
  AddPartitionsToTxnRequest expected;
  expected.transactions.push_back(txn);
  ExpectGolden(&DecodeAddPartitionsToTxnRequest, &EncodeAddPartitionsToTxnRequest, expected,
               Hex(std::string("02"         // one transaction
                               "03 74 78")  // "tx"
                   + kProducer7Epoch2 +
                   "01"              // verify_only
                   "02 02 74"        // one topic "t"
                   "02 00 00 00 03"  // partitions [3]
                   "00"              // the topic's tagged fields
                   "00"              // the transaction's tagged fields
                   "00"),            // tagged fields
               4);
}

TEST(TxnCodecGoldenTest, AddPartitionsToTxnResponsesV3AndV5) {
  AddPartitionsToTxnResponse::TopicResult topic;
  topic.name = "t";
  topic.results_by_partition.push_back({0, 51});  // CONCURRENT_TRANSACTIONS
  AddPartitionsToTxnResponse v3;
  v3.throttle_time_ms = 1;
  v3.results_by_topic_v3_and_below.push_back(topic);
  ExpectGolden(&DecodeAddPartitionsToTxnResponse, &EncodeAddPartitionsToTxnResponse, v3,
               Hex("00 00 00 01"           // throttle_time_ms
                   "02 02 74"              // one topic "t"
                   "02 00 00 00 00 00 33"  // partition 0: error 51
                   "00"                    // the partition's tagged fields
                   "00"                    // the topic's tagged fields
                   "00"),                  // tagged fields
               3);

  AddPartitionsToTxnResponse v5;
  v5.results_by_transaction.push_back({"tx", {topic}});
  ExpectGolden(&DecodeAddPartitionsToTxnResponse, &EncodeAddPartitionsToTxnResponse, v5,
               Hex("00 00 00 00"           // throttle_time_ms
                   "00 00"                 // error_code
                   "02 03 74 78"           // one transaction "tx"
                   "02 02 74"              // one topic "t"
                   "02 00 00 00 00 00 33"  // partition 0: error 51
                   "00 00 00"              // partition, topic, transaction tagged fields
                   "00"),                  // tagged fields
               5);
}

TEST(TxnCodecGoldenTest, AddOffsetsToTxnV0AndV3) {
  AddOffsetsToTxnRequest request;
  request.transactional_id = "tx";
  request.producer_id = 7;
  request.producer_epoch = 2;
  request.group_id = "g";
  ExpectGolden(&DecodeAddOffsetsToTxnRequest, &EncodeAddOffsetsToTxnRequest, request,
               Hex(std::string("00 02 74 78") + kProducer7Epoch2 + "00 01 67"), 0);
  ExpectGolden(&DecodeAddOffsetsToTxnRequest, &EncodeAddOffsetsToTxnRequest, request,
               Hex(std::string("03 74 78") + kProducer7Epoch2 + "02 67 00"), 3);

  AddOffsetsToTxnResponse response;
  response.error_code = 90;  // PRODUCER_FENCED
  ExpectGolden(&DecodeAddOffsetsToTxnResponse, &EncodeAddOffsetsToTxnResponse, response,
               Hex("00 00 00 00 00 5a"), 2);
  ExpectGolden(&DecodeAddOffsetsToTxnResponse, &EncodeAddOffsetsToTxnResponse, response,
               Hex("00 00 00 00 00 5a 00"), 4);
}

TEST(TxnCodecGoldenTest, EndTxnV1AndV3) {
  EndTxnRequest request;
  request.transactional_id = "tx";
  request.producer_id = 7;
  request.producer_epoch = 2;
  request.committed = true;
  ExpectGolden(&DecodeEndTxnRequest, &EncodeEndTxnRequest, request,
               Hex(std::string("00 02 74 78") + kProducer7Epoch2 + "01"), 1);
  ExpectGolden(&DecodeEndTxnRequest, &EncodeEndTxnRequest, request,
               Hex(std::string("03 74 78") + kProducer7Epoch2 + "01 00"), 3);

  EndTxnResponse response;
  response.throttle_time_ms = 2;
  response.error_code = 48;  // INVALID_TXN_STATE
  ExpectGolden(&DecodeEndTxnResponse, &EncodeEndTxnResponse, response, Hex("00 00 00 02 00 30"), 0);
  ExpectGolden(&DecodeEndTxnResponse, &EncodeEndTxnResponse, response, Hex("00 00 00 02 00 30 00"),
               3);
}

TEST(TxnCodecGoldenTest, TxnOffsetCommitRequestV2) {
  TxnOffsetCommitRequest::Partition partition;
  partition.partition_index = 1;
  partition.committed_offset = 42;
  partition.committed_leader_epoch = 3;
  TxnOffsetCommitRequest expected;
  expected.transactional_id = "tx";
  expected.group_id = "g";
  expected.producer_id = 7;
  expected.producer_epoch = 2;
  expected.topics.push_back({"t", {partition}});
  ExpectGolden(&DecodeTxnOffsetCommitRequest, &EncodeTxnOffsetCommitRequest, expected,
               Hex(std::string("00 02 74 78"  // "tx"
                               "00 01 67")    // "g"
                   + kProducer7Epoch2 +
                   "00 00 00 01 00 01 74"     // one topic "t"
                   "00 00 00 01"              // one partition
                   "00 00 00 01"              // partition_index 1
                   "00 00 00 00 00 00 00 2a"  // committed_offset 42
                   "00 00 00 03"              // committed_leader_epoch 3
                   "ff ff"),                  // committed_metadata null
               2);
}

TEST(TxnCodecGoldenTest, TxnOffsetCommitRequestV3) {
  TxnOffsetCommitRequest::Partition partition;
  partition.partition_index = 0;
  partition.committed_offset = 42;
  partition.committed_metadata = "m";
  TxnOffsetCommitRequest expected;
  expected.transactional_id = "tx";
  expected.group_id = "g";
  expected.producer_id = 7;
  expected.producer_epoch = 2;
  expected.generation_id = 5;
  expected.member_id = "c-1";
  expected.topics.push_back({"t", {partition}});
  ExpectGolden(&DecodeTxnOffsetCommitRequest, &EncodeTxnOffsetCommitRequest, expected,
               Hex(std::string("03 74 78"  // "tx"
                               "02 67")    // "g"
                   + kProducer7Epoch2 +
                   "00 00 00 05"              // generation_id 5
                   "04 63 2d 31"              // member_id "c-1"
                   "00"                       // group_instance_id null
                   "02 02 74"                 // one topic "t"
                   "02 00 00 00 00"           // one partition: index 0
                   "00 00 00 00 00 00 00 2a"  // committed_offset 42
                   "ff ff ff ff"              // committed_leader_epoch -1
                   "02 6d"                    // committed_metadata "m"
                   "00 00"                    // partition, topic tagged fields
                   "00"),                     // tagged fields
               3);
}

TEST(TxnCodecGoldenTest, TxnOffsetCommitResponseV0AndV4) {
  TxnOffsetCommitResponse::Partition partition;
  partition.partition_index = 1;
  partition.error_code = 25;  // UNKNOWN_MEMBER_ID
  TxnOffsetCommitResponse response;
  response.topics.push_back({"t", {partition}});
  ExpectGolden(&DecodeTxnOffsetCommitResponse, &EncodeTxnOffsetCommitResponse, response,
               Hex("00 00 00 00"                    // throttle_time_ms
                   "00 00 00 01 00 01 74"           // one topic "t"
                   "00 00 00 01 00 00 00 01 00 19"  // partition 1: error 25
                   ),
               0);
  ExpectGolden(&DecodeTxnOffsetCommitResponse, &EncodeTxnOffsetCommitResponse, response,
               Hex("00 00 00 00"           // throttle_time_ms
                   "02 02 74"              // one topic "t"
                   "02 00 00 00 01 00 19"  // partition 1: error 25
                   "00 00 00"),            // partition, topic, message tagged fields
               4);
}

TEST(TxnCodecGoldenTest, WriteTxnMarkersRequestV0AndV1) {
  WriteTxnMarkersRequest::Marker marker;
  marker.producer_id = 7;
  marker.producer_epoch = 2;
  marker.transaction_result = true;
  marker.topics.push_back({"t", {0, 1}});
  marker.coordinator_epoch = 4;
  WriteTxnMarkersRequest expected;
  expected.markers.push_back(marker);
  ExpectGolden(&DecodeWriteTxnMarkersRequest, &EncodeWriteTxnMarkersRequest, expected,
               Hex(std::string("00 00 00 01") + kProducer7Epoch2 +
                   "01"                                   // COMMIT
                   "00 00 00 01 00 01 74"                 // one topic "t"
                   "00 00 00 02 00 00 00 00 00 00 00 01"  // partitions [0, 1]
                   "00 00 00 04"),                        // coordinator_epoch 4
               0);
  ExpectGolden(&DecodeWriteTxnMarkersRequest, &EncodeWriteTxnMarkersRequest, expected,
               Hex(std::string("02") + kProducer7Epoch2 +
                   "01"                          // COMMIT
                   "02 02 74"                    // one topic "t"
                   "03 00 00 00 00 00 00 00 01"  // partitions [0, 1]
                   "00"                          // the topic's tagged fields
                   "00 00 00 04"                 // coordinator_epoch 4
                   "00"                          // the marker's tagged fields
                   "00"),                        // tagged fields
               1);
}

TEST(TxnCodecGoldenTest, WriteTxnMarkersResponseV0AndV1) {
  WriteTxnMarkersResponse::TopicResult topic;
  topic.name = "t";
  topic.partitions.push_back({0, 0});
  topic.partitions.push_back({1, 6});  // NOT_LEADER_OR_FOLLOWER
  WriteTxnMarkersResponse expected;
  expected.markers.push_back({7, {topic}});
  ExpectGolden(&DecodeWriteTxnMarkersResponse, &EncodeWriteTxnMarkersResponse, expected,
               Hex("00 00 00 01 00 00 00 00 00 00 00 07"  // one marker: producer 7
                   "00 00 00 01 00 01 74"                 // one topic "t"
                   "00 00 00 02"                          // two partitions
                   "00 00 00 00 00 00"                    // 0: no error
                   "00 00 00 01 00 06"),                  // 1: error 6
               0);
  ExpectGolden(&DecodeWriteTxnMarkersResponse, &EncodeWriteTxnMarkersResponse, expected,
               Hex("02 00 00 00 00 00 00 00 07"  // one marker: producer 7
                   "02 02 74"                    // one topic "t"
                   "03"                          // two partitions
                   "00 00 00 00 00 00 00"        // 0: no error, tagged fields
                   "00 00 00 01 00 06 00"        // 1: error 6, tagged fields
                   "00 00 00"),                  // topic, marker, message tagged fields
               1);
}

TEST(TxnCodecGoldenTest, ListTransactionsV0AndV1) {
  ListTransactionsRequest request;
  request.state_filters = {"Ongoing"};
  request.producer_id_filters = {7};
  const std::string filters =
      "02 08 4f 6e 67 6f 69 6e 67"   // state_filters ["Ongoing"]
      "02 00 00 00 00 00 00 00 07";  // producer_id_filters [7]
  ExpectGolden(&DecodeListTransactionsRequest, &EncodeListTransactionsRequest, request,
               Hex(filters + "00"), 0);
  request.duration_filter = 60000;
  ExpectGolden(&DecodeListTransactionsRequest, &EncodeListTransactionsRequest, request,
               Hex(filters + "00 00 00 00 00 00 ea 60 00"), 1);

  ListTransactionsRequest unfiltered;
  Result<ListTransactionsRequest> v0 =
      DecodeWith(&DecodeListTransactionsRequest, Hex("01 01 00"), 0);
  ASSERT_TRUE(v0.ok()) << v0.status().ToString();
  EXPECT_EQ(*v0, unfiltered);
  EXPECT_EQ(v0->duration_filter, -1);  // v0 has no duration filter: none applies

  ListTransactionsResponse response;
  response.unknown_state_filters = {"Foo"};
  response.transaction_states.push_back({"tx", 7, "Ongoing"});
  ExpectGolden(&DecodeListTransactionsResponse, &EncodeListTransactionsResponse, response,
               Hex("00 00 00 00"              // throttle_time_ms
                   "00 00"                    // error_code
                   "02 04 46 6f 6f"           // unknown_state_filters ["Foo"]
                   "02 03 74 78"              // one transaction "tx"
                   "00 00 00 00 00 00 00 07"  // producer_id 7
                   "08 4f 6e 67 6f 69 6e 67"  // "Ongoing"
                   "00"                       // the transaction's tagged fields
                   "00"),                     // tagged fields
               1);
}

TEST(TxnCodecGoldenTest, DescribeTransactionsV0) {
  DescribeTransactionsRequest request;
  request.transactional_ids = {"tx"};
  ExpectGolden(&DecodeDescribeTransactionsRequest, &EncodeDescribeTransactionsRequest, request,
               Hex("02 03 74 78 00"), 0);

  DescribeTransactionsResponse::TransactionState state;
  state.transactional_id = "tx";
  state.transaction_state = "Ongoing";
  state.transaction_timeout_ms = 60000;
  state.transaction_start_time_ms = 0x18bcfe56800;
  state.producer_id = 7;
  state.producer_epoch = 2;
  state.topics.push_back({"t", {0}});
  DescribeTransactionsResponse response;
  response.transaction_states.push_back(state);
  ExpectGolden(&DecodeDescribeTransactionsResponse, &EncodeDescribeTransactionsResponse, response,
               Hex(std::string("00 00 00 00"               // throttle_time_ms
                               "02 00 00"                  // one transaction: no error
                               "03 74 78"                  // "tx"
                               "08 4f 6e 67 6f 69 6e 67"   // "Ongoing"
                               "00 00 ea 60"               // transaction_timeout_ms 60000
                               "00 00 01 8b cf e5 68 00")  // transaction_start_time_ms
                   + kProducer7Epoch2 +
                   "02 02 74"        // one topic "t"
                   "02 00 00 00 00"  // partitions [0]
                   "00 00"           // topic, transaction tagged fields
                   "00"),            // tagged fields
               0);
}

}  // namespace
}  // namespace ringlog
