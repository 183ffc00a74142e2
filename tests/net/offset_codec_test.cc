// Byte-exact layouts of the OffsetCommit and OffsetFetch codecs, written out by hand from
// the Kafka JSON schemas: the fields that come and go between versions, OffsetFetch's null
// topic list ("all topics", v2+), and its flexible versions 6 and 7.
#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "net/codec/offset_commit_codec.h"
#include "net/codec/offset_fetch_codec.h"
#include "tests/net/codec_test_util.h"

namespace ringlog {
namespace {

using testing::DecodeWith;
using testing::EncodeWith;
using testing::Hex;

OffsetCommitRequest SampleCommit() {
  return {"g", 9, "m", "i", 1000, {{"t", {{0, 5, 2, 77, ""}}}}};
}

TEST(OffsetCommitLayoutTest, EachVersionPlacesItsFields) {
  const std::string topics = Hex("00000001 0001") + "t" + Hex("00000001 00000000");
  const std::string offset = Hex("0000000000000005");
  const std::string no_metadata = Hex("0000");
  const std::string member = Hex("00000009 0001") + "m";

  EXPECT_EQ(EncodeWith(EncodeOffsetCommitRequest, SampleCommit(), 0),
            Hex("0001") + "g" + topics + offset + no_metadata);
  // v1: generation and member, and a commit timestamp per partition.
  EXPECT_EQ(EncodeWith(EncodeOffsetCommitRequest, SampleCommit(), 1),
            Hex("0001") + "g" + member + topics + offset + Hex("000000000000004d") + no_metadata);
  // v2-4: a retention time instead of the timestamp.
  for (int16_t v : {2, 3, 4}) {
    EXPECT_EQ(EncodeWith(EncodeOffsetCommitRequest, SampleCommit(), v),
              Hex("0001") + "g" + member + Hex("00000000000003e8") + topics + offset + no_metadata)
        << "version " << v;
  }
  EXPECT_EQ(EncodeWith(EncodeOffsetCommitRequest, SampleCommit(), 5),
            Hex("0001") + "g" + member + topics + offset + no_metadata);
  // v6: the leader epoch between offset and metadata; v7: the group instance id.
  EXPECT_EQ(EncodeWith(EncodeOffsetCommitRequest, SampleCommit(), 6),
            Hex("0001") + "g" + member + topics + offset + Hex("00000002") + no_metadata);
  EXPECT_EQ(EncodeWith(EncodeOffsetCommitRequest, SampleCommit(), 7),
            Hex("0001") + "g" + member + Hex("0001") + "i" + topics + offset + Hex("00000002") +
                no_metadata);
}

TEST(OffsetCommitLayoutTest, NullMetadataAndResponseThrottle) {
  OffsetCommitRequest request = SampleCommit();
  request.topics[0].partitions[0].committed_metadata.reset();
  const std::string bytes = EncodeWith(EncodeOffsetCommitRequest, request, 0);
  EXPECT_EQ(bytes.substr(bytes.size() - 2), Hex("ffff"));
  Result<OffsetCommitRequest> decoded = DecodeWith(DecodeOffsetCommitRequest, bytes, 0);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_FALSE(decoded->topics[0].partitions[0].committed_metadata.has_value());

  const OffsetCommitResponse response{5, {{"t", {{1, 22}}}}};
  const std::string body = Hex("00000001 0001") + "t" + Hex("00000001 00000001 0016");
  EXPECT_EQ(EncodeWith(EncodeOffsetCommitResponse, response, 2), body);
  EXPECT_EQ(EncodeWith(EncodeOffsetCommitResponse, response, 3), Hex("00000005") + body);
}

TEST(OffsetFetchLayoutTest, ClassicRequestAndNullTopicsFromV2) {
  const OffsetFetchRequest request{.group_id = "g",
                                   .topics = std::vector<OffsetFetchRequest::Topic>{{"t", {0}}}};
  EXPECT_EQ(EncodeWith(EncodeOffsetFetchRequest, request, 1),
            Hex("0001") + "g" + Hex("00000001 0001") + "t" + Hex("00000001 00000000"));

  const std::string all_topics = Hex("0001") + "g" + Hex("ffffffff");
  for (int16_t v = 2; v <= 5; ++v) {
    Result<OffsetFetchRequest> decoded = DecodeWith(DecodeOffsetFetchRequest, all_topics, v);
    ASSERT_TRUE(decoded.ok()) << "version " << v << ": " << decoded.status().ToString();
    EXPECT_FALSE(decoded->topics.has_value());
    EXPECT_EQ(EncodeWith(EncodeOffsetFetchRequest, *decoded, v), all_topics);
  }
  for (int16_t v : {0, 1}) {
    Result<OffsetFetchRequest> decoded = DecodeWith(DecodeOffsetFetchRequest, all_topics, v);
    EXPECT_TRUE(decoded.status().IsInvalidArgument()) << decoded.status().ToString();
  }
}

TEST(OffsetFetchLayoutTest, FlexibleRequestAtV6AndRequireStableAtV7) {
  const OffsetFetchRequest request{.group_id = "g",
                                   .topics = std::vector<OffsetFetchRequest::Topic>{{"t", {0}}},
                                   .require_stable = true};
  const std::string v6 = Hex("02") + "g" + Hex("02 02") + "t" + Hex("02 00000000 00") + Hex("00");
  EXPECT_EQ(EncodeWith(EncodeOffsetFetchRequest, request, 6), v6);
  EXPECT_EQ(EncodeWith(EncodeOffsetFetchRequest, request, 7),
            Hex("02") + "g" + Hex("02 02") + "t" + Hex("02 00000000 00") + Hex("01 00"));

  // All topics, stable offsets required: compact null is the single byte 0.
  const std::string all_topics = Hex("02") + "g" + Hex("00 01 00");
  Result<OffsetFetchRequest> decoded = DecodeWith(DecodeOffsetFetchRequest, all_topics, 7);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_FALSE(decoded->topics.has_value());
  EXPECT_TRUE(decoded->require_stable);
}

TEST(OffsetFetchLayoutTest, ResponseFieldsByVersion) {
  const OffsetFetchResponse response{3, {{"t", {{0, 5, 4, "m", 0}}}}, 16};
  const std::string topic = Hex("00000001 0001") + "t" + Hex("00000001 00000000 0000000000000005");
  const std::string tail = Hex("0001") + "m" + Hex("0000");
  EXPECT_EQ(EncodeWith(EncodeOffsetFetchResponse, response, 1), topic + tail);
  // v2: the group-level error after the topics; v3: throttle first; v5: the leader epoch.
  EXPECT_EQ(EncodeWith(EncodeOffsetFetchResponse, response, 2), topic + tail + Hex("0010"));
  EXPECT_EQ(EncodeWith(EncodeOffsetFetchResponse, response, 3),
            Hex("00000003") + topic + tail + Hex("0010"));
  EXPECT_EQ(EncodeWith(EncodeOffsetFetchResponse, response, 5),
            Hex("00000003") + topic + Hex("00000004") + tail + Hex("0010"));
  // v6: compact forms and a tag section after each partition, topic and the body.
  EXPECT_EQ(EncodeWith(EncodeOffsetFetchResponse, response, 6),
            Hex("00000003 02 02") + "t" + Hex("02 00000000 0000000000000005 00000004 02") + "m" +
                Hex("0000 00 00 0010 00"));
}

TEST(OffsetFetchLayoutDeathTest, EncodingNullTopicsBeforeV2IsABug) {
  const OffsetFetchRequest all_topics{.group_id = "g", .topics = std::nullopt};
  EXPECT_DEATH(EncodeWith(EncodeOffsetFetchRequest, all_topics, 1), "null topic list");
}

}  // namespace
}  // namespace ringlog
