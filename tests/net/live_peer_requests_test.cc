// Which requests the broker drops when their sender has already closed the connection
// (net/apis/live_peer_requests.h): the transactional ones, and Produce only when it names a
// transactional id.
#include "net/apis/live_peer_requests.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "net/codec/api_key.h"
#include "net/codec/request_header.h"
#include "net/codec/wire_writer.h"

namespace ringlog {
namespace {

// A request header of `key` at `version`, followed by `body`.
std::string Frame(ApiKey key, int16_t version, bool flexible, const std::string& body = "") {
  std::string frame;
  WireWriter writer(&frame);
  EncodeRequestHeader(writer, RequestHeader{static_cast<int16_t>(key), version, 7, "client"},
                      flexible);
  return frame + body;
}

// The start of a Produce body: its transactional id (classic or compact nullable string).
std::string ProduceBody(const std::optional<std::string>& transactional_id, bool flexible) {
  std::string body;
  WireWriter writer(&body);
  writer.WriteNullableString(transactional_id, flexible);
  writer.WriteInt16(-1);  // acks
  return body;
}

TEST(LivePeerRequestsTest, TransactionRequestsNeedALivePeer) {
  for (ApiKey key : {ApiKey::kInitProducerId, ApiKey::kAddPartitionsToTxn, ApiKey::kAddOffsetsToTxn,
                     ApiKey::kEndTxn, ApiKey::kTxnOffsetCommit}) {
    EXPECT_TRUE(NeedsLivePeer(Frame(key, 1, false))) << static_cast<int>(key);
  }
}

TEST(LivePeerRequestsTest, OtherRequestsDoNot) {
  for (ApiKey key : {ApiKey::kFetch, ApiKey::kMetadata, ApiKey::kOffsetCommit,
                     ApiKey::kWriteTxnMarkers, ApiKey::kFindCoordinator}) {
    EXPECT_FALSE(NeedsLivePeer(Frame(key, 1, false))) << static_cast<int>(key);
  }
}

TEST(LivePeerRequestsTest, OnlyTransactionalProducesNeedALivePeer) {
  EXPECT_TRUE(NeedsLivePeer(Frame(ApiKey::kProduce, 3, false, ProduceBody("txn", false))));
  EXPECT_TRUE(NeedsLivePeer(Frame(ApiKey::kProduce, 9, true, ProduceBody("txn", true))));
  // An acks=0 produce from a client that closes right after it must still be appended.
  EXPECT_FALSE(NeedsLivePeer(Frame(ApiKey::kProduce, 3, false, ProduceBody(std::nullopt, false))));
  EXPECT_FALSE(NeedsLivePeer(Frame(ApiKey::kProduce, 9, true, ProduceBody(std::nullopt, true))));
  // Before v3 there is no transactional id.
  EXPECT_FALSE(NeedsLivePeer(Frame(ApiKey::kProduce, 2, false, ProduceBody("txn", false))));
}

TEST(LivePeerRequestsTest, FramesTooShortToTellDoNot) {
  EXPECT_FALSE(NeedsLivePeer(""));
  EXPECT_FALSE(NeedsLivePeer(std::string("\x00", 1)));
  EXPECT_FALSE(NeedsLivePeer(Frame(ApiKey::kProduce, 3, false)));
  EXPECT_FALSE(NeedsLivePeer(Frame(ApiKey::kProduce, 9, true)));
}

}  // namespace
}  // namespace ringlog
