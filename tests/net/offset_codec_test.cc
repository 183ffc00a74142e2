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

namespace ringlog {
namespace {

// "00 01 ff" -> the three bytes.
std::string Hex(std::string_view hex) {
  std::string out;
  int pending = -1;
  for (char c : hex) {
    if (c == ' ') continue;
    const int nibble = (c >= '0' && c <= '9') ? c - '0' : (c | 0x20) - 'a' + 10;
    if (pending < 0) {
      pending = nibble;
    } else {
      out.push_back(static_cast<char>(pending << 4 | nibble));
      pending = -1;
    }
  }
  return out;
}

template <typename Msg>
std::string Encode(void (*encode)(WireWriter&, const Msg&, int16_t), const Msg& message,
                   int16_t version) {
  std::string out;
  WireWriter writer(&out);
  encode(writer, message, version);
  return out;
}

// Decodes all of `bytes`; leftover bytes fail the test.
template <typename Msg>
Result<Msg> Decode(Result<Msg> (*decode)(WireReader&, int16_t), std::string_view bytes,
                   int16_t version) {
  WireReader reader(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  Result<Msg> result = decode(reader, version);
  if (result.ok()) {
    EXPECT_TRUE(reader.at_end()) << reader.remaining() << " bytes left";
  }
  return result;
}

OffsetCommitRequest SampleCommit() {
  return {"g", 9, "m", "i", 1000, {{"t", {{0, 5, 2, 77, ""}}}}};
}

TEST(OffsetCommitLayoutTest, EachVersionPlacesItsFields) {
  const std::string topics = Hex("00000001 0001") + "t" + Hex("00000001 00000000");
  const std::string offset = Hex("0000000000000005");
  const std::string no_metadata = Hex("0000");
  const std::string member = Hex("00000009 0001") + "m";

  EXPECT_EQ(Encode(EncodeOffsetCommitRequest, SampleCommit(), 0),
            Hex("0001") + "g" + topics + offset + no_metadata);
  // v1: generation and member, and a commit timestamp per partition.
  EXPECT_EQ(Encode(EncodeOffsetCommitRequest, SampleCommit(), 1),
            Hex("0001") + "g" + member + topics + offset + Hex("000000000000004d") + no_metadata);
  // v2-4: a retention time instead of the timestamp.
  for (int16_t v : {2, 3, 4}) {
    EXPECT_EQ(Encode(EncodeOffsetCommitRequest, SampleCommit(), v),
              Hex("0001") + "g" + member + Hex("00000000000003e8") + topics + offset + no_metadata)
        << "version " << v;
  }
  EXPECT_EQ(Encode(EncodeOffsetCommitRequest, SampleCommit(), 5),
            Hex("0001") + "g" + member + topics + offset + no_metadata);
  // v6: the leader epoch between offset and metadata; v7: the group instance id.
  EXPECT_EQ(Encode(EncodeOffsetCommitRequest, SampleCommit(), 6),
            Hex("0001") + "g" + member + topics + offset + Hex("00000002") + no_metadata);
  EXPECT_EQ(Encode(EncodeOffsetCommitRequest, SampleCommit(), 7),
            Hex("0001") + "g" + member + Hex("0001") + "i" + topics + offset + Hex("00000002") +
                no_metadata);
}

TEST(OffsetCommitLayoutTest, NullMetadataAndResponseThrottle) {
  OffsetCommitRequest request = SampleCommit();
  request.topics[0].partitions[0].committed_metadata.reset();
  const std::string bytes = Encode(EncodeOffsetCommitRequest, request, 0);
  EXPECT_EQ(bytes.substr(bytes.size() - 2), Hex("ffff"));
  Result<OffsetCommitRequest> decoded = Decode(DecodeOffsetCommitRequest, bytes, 0);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_FALSE(decoded->topics[0].partitions[0].committed_metadata.has_value());

  const OffsetCommitResponse response{5, {{"t", {{1, 22}}}}};
  const std::string body = Hex("00000001 0001") + "t" + Hex("00000001 00000001 0016");
  EXPECT_EQ(Encode(EncodeOffsetCommitResponse, response, 2), body);
  EXPECT_EQ(Encode(EncodeOffsetCommitResponse, response, 3), Hex("00000005") + body);
}

TEST(OffsetFetchLayoutTest, ClassicRequestAndNullTopicsFromV2) {
  const OffsetFetchRequest request{"g", std::vector<OffsetFetchRequest::Topic>{{"t", {0}}}, false};
  EXPECT_EQ(Encode(EncodeOffsetFetchRequest, request, 1),
            Hex("0001") + "g" + Hex("00000001 0001") + "t" + Hex("00000001 00000000"));

  const std::string all_topics = Hex("0001") + "g" + Hex("ffffffff");
  for (int16_t v = 2; v <= 5; ++v) {
    Result<OffsetFetchRequest> decoded = Decode(DecodeOffsetFetchRequest, all_topics, v);
    ASSERT_TRUE(decoded.ok()) << "version " << v << ": " << decoded.status().ToString();
    EXPECT_FALSE(decoded->topics.has_value());
    EXPECT_EQ(Encode(EncodeOffsetFetchRequest, *decoded, v), all_topics);
  }
  for (int16_t v : {0, 1}) {
    Result<OffsetFetchRequest> decoded = Decode(DecodeOffsetFetchRequest, all_topics, v);
    EXPECT_TRUE(decoded.status().IsInvalidArgument()) << decoded.status().ToString();
  }
}

TEST(OffsetFetchLayoutTest, FlexibleRequestAtV6AndRequireStableAtV7) {
  const OffsetFetchRequest request{"g", std::vector<OffsetFetchRequest::Topic>{{"t", {0}}}, true};
  const std::string v6 = Hex("02") + "g" + Hex("02 02") + "t" + Hex("02 00000000 00") + Hex("00");
  EXPECT_EQ(Encode(EncodeOffsetFetchRequest, request, 6), v6);
  EXPECT_EQ(Encode(EncodeOffsetFetchRequest, request, 7),
            Hex("02") + "g" + Hex("02 02") + "t" + Hex("02 00000000 00") + Hex("01 00"));

  // All topics, stable offsets required: compact null is the single byte 0.
  const std::string all_topics = Hex("02") + "g" + Hex("00 01 00");
  Result<OffsetFetchRequest> decoded = Decode(DecodeOffsetFetchRequest, all_topics, 7);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_FALSE(decoded->topics.has_value());
  EXPECT_TRUE(decoded->require_stable);
}

TEST(OffsetFetchLayoutTest, ResponseFieldsByVersion) {
  const OffsetFetchResponse response{3, {{"t", {{0, 5, 4, "m", 0}}}}, 16};
  const std::string topic = Hex("00000001 0001") + "t" + Hex("00000001 00000000 0000000000000005");
  const std::string tail = Hex("0001") + "m" + Hex("0000");
  EXPECT_EQ(Encode(EncodeOffsetFetchResponse, response, 1), topic + tail);
  // v2: the group-level error after the topics; v3: throttle first; v5: the leader epoch.
  EXPECT_EQ(Encode(EncodeOffsetFetchResponse, response, 2), topic + tail + Hex("0010"));
  EXPECT_EQ(Encode(EncodeOffsetFetchResponse, response, 3),
            Hex("00000003") + topic + tail + Hex("0010"));
  EXPECT_EQ(Encode(EncodeOffsetFetchResponse, response, 5),
            Hex("00000003") + topic + Hex("00000004") + tail + Hex("0010"));
  // v6: compact forms and a tag section after each partition, topic and the body.
  EXPECT_EQ(Encode(EncodeOffsetFetchResponse, response, 6),
            Hex("00000003 02 02") + "t" + Hex("02 00000000 0000000000000005 00000004 02") + "m" +
                Hex("0000 00 00 0010 00"));
}

TEST(OffsetFetchLayoutDeathTest, EncodingNullTopicsBeforeV2IsABug) {
  const OffsetFetchRequest all_topics{"g", std::nullopt, false};
  EXPECT_DEATH(Encode(EncodeOffsetFetchRequest, all_topics, 1), "null topic list");
}

}  // namespace
}  // namespace ringlog
