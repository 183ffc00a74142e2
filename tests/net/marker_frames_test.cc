// The marker writer's side of WriteTxnMarkers: the request frame it sends (header v2, the
// markers grouped by topic) and how it reads the leader's answers (by producer id, topic
// and partition; a partition left out is UNKNOWN_SERVER_ERROR).
#include "net/txn/marker_frames.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "net/codec/request_header.h"
#include "net/codec/write_txn_markers_codec.h"
#include "tests/net/codec_test_util.h"

namespace ringlog::testing {
namespace {

const std::vector<MarkerBatchEntry> kEntries = {
    {{7, 2, ControlType::kCommit, 4}, {{"a", 0}, {"b", 1}, {"a", 2}}},
    {{8, 0, ControlType::kAbort, 4}, {{"b", 0}}},
};

TEST(MarkerFramesTest, TheRequestGroupsEachMarkersPartitionsByTopic) {
  const std::string frame = EncodeWriteTxnMarkersFrame(42, kEntries);
  WireReader reader(AsBytes(frame));
  Result<RequestHeader> header = DecodeRequestHeaderPrefix(reader);
  ASSERT_TRUE(header.ok()) << header.status().ToString();
  EXPECT_EQ(header->api_key, kWriteTxnMarkersApiKey);
  EXPECT_EQ(header->api_version, 1);
  EXPECT_EQ(header->correlation_id, 42);
  ASSERT_TRUE(DecodeRequestHeaderRest(reader, /*flexible=*/true, &*header).ok());
  Result<WriteTxnMarkersRequest> request = DecodeWriteTxnMarkersRequest(reader, 1);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_TRUE(reader.at_end());

  WriteTxnMarkersRequest expected;
  WriteTxnMarkersRequest::Marker commit;
  commit.producer_id = 7;
  commit.producer_epoch = 2;
  commit.transaction_result = true;
  commit.coordinator_epoch = 4;
  commit.topics = {{"a", {0, 2}}, {"b", {1}}};
  WriteTxnMarkersRequest::Marker abort;
  abort.producer_id = 8;
  abort.producer_epoch = 0;
  abort.transaction_result = false;
  abort.coordinator_epoch = 4;
  abort.topics = {{"b", {0}}};
  expected.markers = {commit, abort};
  EXPECT_EQ(*request, expected);
}

TEST(MarkerFramesTest, AnswersAreMatchedByProducerTopicAndPartition) {
  WriteTxnMarkersResponse response;
  // The leader answers in its own order, and leaves out partition a-2.
  response.markers.push_back({8, {{"b", {{0, ToWire(ErrorCode::kNotLeaderOrFollower)}}}}});
  response.markers.push_back(
      {7, {{"b", {{1, ToWire(ErrorCode::kInvalidProducerEpoch)}}}, {"a", {{0, 0}}}}});
  std::string frame = Hex("00 00 00 2a 00");  // correlation id 42, no tagged fields
  WireWriter writer(&frame);
  EncodeWriteTxnMarkersResponse(writer, response, 1);

  Result<std::vector<std::vector<ErrorCode>>> answers =
      DecodeWriteTxnMarkersAnswers(frame, kEntries);
  ASSERT_TRUE(answers.ok()) << answers.status().ToString();
  EXPECT_EQ(
      *answers,
      (std::vector<std::vector<ErrorCode>>{
          {ErrorCode::kNone, ErrorCode::kInvalidProducerEpoch, ErrorCode::kUnknownServerError},
          {ErrorCode::kNotLeaderOrFollower}}));

  EXPECT_FALSE(DecodeWriteTxnMarkersAnswers(frame.substr(0, frame.size() - 1), kEntries).ok());
}

}  // namespace
}  // namespace ringlog::testing
