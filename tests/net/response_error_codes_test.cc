// The generated ForEachErrorCode, which the Responder uses to count the error codes of every
// answer: it finds error codes at every depth of a response, skips zeros, and visits only
// the fields of the version being answered.
#include <gtest/gtest.h>

#include <vector>

#include "net/codec/add_partitions_to_txn_codec.h"
#include "net/codec/find_coordinator_codec.h"
#include "net/codec/metadata_codec.h"

namespace ringlog {
namespace {

template <typename Response>
std::vector<int16_t> ErrorCodes(const Response& response, int16_t version) {
  std::vector<int16_t> codes;
  ForEachErrorCode(response, version, [&codes](int16_t code) { codes.push_back(code); });
  return codes;
}

TEST(ResponseErrorCodesTest, NestedCodesAreVisitedOncePerEntityAndZerosSkipped) {
  MetadataResponse response;
  response.topics.resize(2);
  response.topics[0].error_code = 3;
  response.topics[1].partitions.resize(3);
  response.topics[1].partitions[0].error_code = 5;
  response.topics[1].partitions[2].error_code = 5;
  EXPECT_EQ(ErrorCodes(response, kMetadataMaxVersion), (std::vector<int16_t>{3, 5, 5}));
  EXPECT_TRUE(ErrorCodes(MetadataResponse{}, kMetadataMaxVersion).empty());
}

TEST(ResponseErrorCodesTest, OnlyTheFieldsOfTheAnsweredVersionCount) {
  FindCoordinatorResponse response;
  response.error_code = 15;  // v0-3
  response.coordinators.resize(2);
  response.coordinators[1].error_code = 16;  // v4+
  EXPECT_EQ(ErrorCodes(response, 3), (std::vector<int16_t>{15}));
  EXPECT_EQ(ErrorCodes(response, kFindCoordinatorFirstBatchVersion), (std::vector<int16_t>{16}));
}

TEST(ResponseErrorCodesTest, FieldsNamedLikeAnErrorCodeCount) {
  AddPartitionsToTxnResponse response;
  response.results_by_topic_v3_and_below.resize(1);
  response.results_by_topic_v3_and_below[0].results_by_partition.resize(2);
  response.results_by_topic_v3_and_below[0].results_by_partition[1].partition_error_code = 48;
  EXPECT_EQ(ErrorCodes(response, 3), (std::vector<int16_t>{48}));
  EXPECT_TRUE(ErrorCodes(response, 4).empty());
}

}  // namespace
}  // namespace ringlog
