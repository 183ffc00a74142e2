// The protocol primitives: fixed-width integers, varints, classic and compact strings,
// bytes and arrays, tagged-field sections and request headers, including the malformed
// and truncated inputs a hostile client can send.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "net/codec/request_header.h"
#include "net/codec/wire_array.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"
#include "tests/net/codec_test_util.h"

namespace ringlog {
namespace {

using ::ringlog::testing::AsBytes;

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

TEST(WireTest, FixedWidthIntegersAreBigEndianAndRoundTrip) {
  std::string out;
  WireWriter w(&out);
  w.WriteInt8(-2);
  w.WriteInt16(0x0102);
  w.WriteInt32(-1);
  w.WriteInt64(0x0102030405060708);
  w.WriteUint32(0xfffffffe);
  w.WriteBool(true);
  Uuid id;
  id.bytes.fill(0x7f);
  w.WriteUuid(id);
  EXPECT_EQ(Hex(out.substr(0, 23)),
            "fe0102ffffffff0102030405060708fffffffe01"
            "7f7f7f");

  WireReader r(AsBytes(out));
  EXPECT_EQ(*r.ReadInt8(), -2);
  EXPECT_EQ(*r.ReadInt16(), 0x0102);
  EXPECT_EQ(*r.ReadInt32(), -1);
  EXPECT_EQ(*r.ReadInt64(), 0x0102030405060708);
  EXPECT_EQ(*r.ReadUint32(), 0xfffffffeu);
  EXPECT_TRUE(*r.ReadBool());
  EXPECT_EQ(*r.ReadUuid(), id);
  EXPECT_TRUE(r.at_end());
  EXPECT_TRUE(r.ReadInt8().status().IsInvalidArgument());
}

TEST(WireTest, EveryTruncatedFixedWidthReadFails) {
  const std::string eight(8, '\x01');
  for (size_t n = 0; n < 8; ++n) {
    WireReader r(AsBytes(std::string_view(eight).substr(0, n)));
    EXPECT_TRUE(r.ReadInt64().status().IsInvalidArgument());
    EXPECT_EQ(r.position(), 0u) << "a failed read consumes nothing";
  }
  WireReader r(AsBytes("\x01\x02\x03"));
  EXPECT_FALSE(r.ReadInt32().ok());
  EXPECT_FALSE(r.ReadUuid().ok());
}

TEST(WireTest, UnsignedVarintEncodingsAtEveryLengthBoundary) {
  struct Case {
    uint32_t value;
    const char* hex;
  };
  for (const Case& c :
       {Case{0, "00"}, Case{1, "01"}, Case{127, "7f"}, Case{128, "8001"}, Case{300, "ac02"},
        Case{16383, "ff7f"}, Case{16384, "808001"}, Case{(1u << 21) - 1, "ffff7f"},
        Case{1u << 21, "80808001"}, Case{(1u << 28) - 1, "ffffff7f"}, Case{1u << 28, "8080808001"},
        Case{std::numeric_limits<uint32_t>::max(), "ffffffff0f"}}) {
    std::string out;
    WireWriter(&out).WriteUnsignedVarint(c.value);
    EXPECT_EQ(Hex(out), c.hex) << c.value;
    WireReader r(AsBytes(out));
    Result<uint32_t> back = r.ReadUnsignedVarint();
    ASSERT_TRUE(back.ok()) << c.value;
    EXPECT_EQ(*back, c.value);
    EXPECT_TRUE(r.at_end());
  }
}

TEST(WireTest, MalformedUnsignedVarintsAreErrors) {
  for (const char* hex : {
           "",              // nothing
           "80",            // continuation with no next byte
           "ffffff",        // truncated 4-byte value
           "ffffffff",      // truncated 5-byte value
           "ffffffff10",    // fifth byte sets bit 32
           "ffffffff8f00",  // fifth byte continues: longer than 5 bytes
           "808080808000",  // overlong zero
       }) {
    const std::string bytes = Unhex(hex);
    WireReader r(AsBytes(bytes));
    EXPECT_TRUE(r.ReadUnsignedVarint().status().IsInvalidArgument()) << hex;
  }
}

TEST(WireTest, ZigZagVarintsAndVarlongsRoundTrip) {
  for (int32_t v : {0, -1, 1, -64, 63, 64, -65, std::numeric_limits<int32_t>::max(),
                    std::numeric_limits<int32_t>::min()}) {
    std::string out;
    WireWriter(&out).WriteVarint(v);
    WireReader r(AsBytes(out));
    EXPECT_EQ(*r.ReadVarint(), v);
    EXPECT_TRUE(r.at_end());
  }
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{1} << 40, std::numeric_limits<int64_t>::max(),
                    std::numeric_limits<int64_t>::min()}) {
    std::string out;
    WireWriter(&out).WriteVarlong(v);
    WireReader r(AsBytes(out));
    EXPECT_EQ(*r.ReadVarlong(), v);
    EXPECT_TRUE(r.at_end());
  }
  std::string small;
  WireWriter(&small).WriteVarint(-1);
  EXPECT_EQ(Hex(small), "01");
  std::string big;
  WireWriter(&big).WriteVarlong(int64_t{1} << 40);
  WireReader r(AsBytes(big));
  EXPECT_TRUE(r.ReadVarint().status().IsInvalidArgument()) << "does not fit 32 bits";
}

TEST(WireTest, MalformedVarlongsAreErrors) {
  for (const char* hex : {"", "80", "ffffffffffffffffff", "ffffffffffffffffff80"}) {
    const std::string bytes = Unhex(hex);
    WireReader r(AsBytes(bytes));
    EXPECT_TRUE(r.ReadVarlong().status().IsInvalidArgument()) << hex;
  }
}

TEST(WireTest, ClassicStringsAndNullableStrings) {
  std::string out;
  WireWriter w(&out);
  w.WriteString("abc", /*flexible=*/false);
  w.WriteNullableString(std::nullopt, false);
  w.WriteNullableString(std::string(), false);
  EXPECT_EQ(Hex(out), "0003616263ffff0000");
  WireReader r(AsBytes(out));
  EXPECT_EQ(*r.ReadString(), "abc");
  EXPECT_EQ(*r.ReadNullableString(), std::nullopt);
  EXPECT_EQ(*r.ReadNullableString(), std::optional<std::string>(""));

  const std::string null_as_string_bytes = Unhex("ffff");
  WireReader null_as_string(AsBytes(null_as_string_bytes));
  EXPECT_TRUE(null_as_string.ReadString().status().IsInvalidArgument());
  const std::string negative_bytes = Unhex("fffe");
  WireReader negative(AsBytes(negative_bytes));
  EXPECT_TRUE(negative.ReadNullableString().status().IsInvalidArgument());
  const std::string too_long_bytes = Unhex("0005616263");
  WireReader too_long(AsBytes(too_long_bytes));
  EXPECT_TRUE(too_long.ReadString().status().IsInvalidArgument());
}

TEST(WireTest, CompactNullableStringsUseLengthPlusOne) {
  std::string out;
  WireWriter w(&out);
  w.WriteNullableString(std::nullopt, /*flexible=*/true);
  w.WriteNullableString(std::string(), true);
  w.WriteString("abc", true);
  w.WriteString(std::string(200, 'x'), true);
  EXPECT_EQ(Hex(out.substr(0, 6)), "000104616263");
  EXPECT_EQ(Hex(out.substr(6, 2)), "c901") << "201 as a two-byte uvarint";

  WireReader r(AsBytes(out));
  EXPECT_EQ(*r.ReadCompactNullableString(), std::nullopt);
  EXPECT_EQ(*r.ReadCompactNullableString(), std::optional<std::string>(""));
  EXPECT_EQ(*r.ReadString(/*flexible=*/true), "abc");
  EXPECT_EQ(*r.ReadCompactString(), std::string(200, 'x'));
  EXPECT_TRUE(r.at_end());

  const std::string null_as_string_bytes = Unhex("00");
  WireReader null_as_string(AsBytes(null_as_string_bytes));
  EXPECT_TRUE(null_as_string.ReadCompactString().status().IsInvalidArgument());
  const std::string too_long_bytes = Unhex("0a6162");
  WireReader too_long(AsBytes(too_long_bytes));
  EXPECT_TRUE(too_long.ReadCompactNullableString().status().IsInvalidArgument());
  const std::string huge_bytes = Unhex("ffffffff0f");
  WireReader huge(AsBytes(huge_bytes));
  EXPECT_TRUE(huge.ReadCompactString().status().IsInvalidArgument());
}

TEST(WireTest, BytesClassicAndCompactPointIntoTheBuffer) {
  const std::string payload("\x00\xff\x01", 3);
  std::string out;
  WireWriter w(&out);
  w.WriteBytes(AsBytes(payload), /*flexible=*/false);
  w.WriteNullableBytes(std::nullopt, false);
  w.WriteBytes(AsBytes(payload), /*flexible=*/true);
  w.WriteNullableBytes(std::nullopt, true);
  EXPECT_EQ(Hex(out), "0000000300ff01ffffffff0400ff0100");

  WireReader r(AsBytes(out));
  Result<std::span<const uint8_t>> classic = r.ReadBytes(false);
  ASSERT_TRUE(classic.ok());
  EXPECT_EQ(classic->data(), reinterpret_cast<const uint8_t*>(out.data()) + 4);
  EXPECT_EQ(classic->size(), 3u);
  EXPECT_EQ(*r.ReadNullableBytes(false), std::nullopt);
  EXPECT_EQ(r.ReadBytes(true)->size(), 3u);
  EXPECT_EQ(*r.ReadNullableBytes(true), std::nullopt);
  EXPECT_TRUE(r.at_end());

  const std::string negative_bytes = Unhex("fffffffe");
  WireReader negative(AsBytes(negative_bytes));
  EXPECT_TRUE(negative.ReadNullableBytes(false).status().IsInvalidArgument());
  const std::string past_end_bytes = Unhex("7fffffff00");
  WireReader past_end(AsBytes(past_end_bytes));
  EXPECT_TRUE(past_end.ReadBytes(false).status().IsInvalidArgument());
}

TEST(WireTest, ArrayLengthsClassicCompactAndNull) {
  std::string out;
  WireWriter w(&out);
  w.WriteArrayLength(2, /*flexible=*/false);
  w.WriteArrayLength(-1, false);
  w.WriteArrayLength(2, /*flexible=*/true);
  w.WriteArrayLength(-1, true);
  EXPECT_EQ(Hex(out), "00000002ffffffff0300");
  out.append(2, '\0');  // room for two one-byte elements, so the counts are plausible
  WireReader r(AsBytes(out));
  EXPECT_EQ(*r.ReadArrayLength(false), 2);
  EXPECT_EQ(*r.ReadArrayLength(false), -1);
  EXPECT_EQ(*r.ReadArrayLength(true), 2);
  EXPECT_EQ(*r.ReadArrayLength(true), -1);
}

TEST(WireTest, HostileArrayCountsAreRefusedBeforeAllocating) {
  // Two billion elements claimed, eight bytes present.
  const std::string classic = Unhex("7fffffff") + std::string(8, '\0');
  WireReader r1(AsBytes(classic));
  EXPECT_TRUE(r1.ReadArrayLength(false, 4).status().IsInvalidArgument());
  WireReader r2(AsBytes(classic));
  EXPECT_TRUE(ReadInt32Array(r2, false).status().IsInvalidArgument());

  // Three int32 claimed, eight bytes present: the element size decides.
  const std::string three = Unhex("00000003") + std::string(8, '\0');
  WireReader r3(AsBytes(three));
  EXPECT_TRUE(r3.ReadArrayLength(false, 4).status().IsInvalidArgument());
  WireReader r4(AsBytes(three));
  EXPECT_EQ(*r4.ReadArrayLength(false, 2), 3);

  const std::string compact = Unhex("ffffffff0f00");
  WireReader r5(AsBytes(compact));
  EXPECT_TRUE(r5.ReadArrayLength(true, 1).status().IsInvalidArgument());
  const std::string r6_bytes = Unhex("fffffffe");
  WireReader r6(AsBytes(r6_bytes));
  EXPECT_TRUE(r6.ReadArrayLength(false).status().IsInvalidArgument()) << "below -1";
}

TEST(WireTest, ArrayHelpersRoundTripAndRejectNullWhereRequired) {
  std::string out;
  WireWriter w(&out);
  WriteInt32Array(w, {1, -2, 3}, false);
  WriteStringArray(w, {"a", ""}, true);
  WriteNullableStringArray(w, std::nullopt, false);
  WireReader r(AsBytes(out));
  EXPECT_EQ(*ReadInt32Array(r, false), (std::vector<int32_t>{1, -2, 3}));
  EXPECT_EQ(*ReadStringArray(r, true), (std::vector<std::string>{"a", ""}));
  EXPECT_EQ(*ReadNullableStringArray(r, false), std::nullopt);
  EXPECT_TRUE(r.at_end());

  const std::string null_array_bytes = Unhex("ffffffff");
  WireReader null_array(AsBytes(null_array_bytes));
  EXPECT_TRUE(ReadInt32Array(null_array, false).status().IsInvalidArgument());
}

TEST(WireTest, TaggedFieldsAreSkippedWhateverTheyHold) {
  // Two fields: tag 0 with 3 bytes, tag 300 (two-byte uvarint) with none; then an int16.
  const std::string bytes = Unhex(
      "02"
      "00"
      "03"
      "aabbcc"
      "ac02"
      "00"
      "1234");
  WireReader r(AsBytes(bytes));
  ASSERT_TRUE(r.SkipTaggedFields().ok());
  EXPECT_EQ(*r.ReadInt16(), 0x1234);

  const std::string empty_bytes = Unhex("00");
  WireReader empty(AsBytes(empty_bytes));
  EXPECT_TRUE(empty.SkipTaggedFields().ok());
  EXPECT_TRUE(empty.at_end());

  for (const char* hex : {"", "01", "0100", "010005aabb", "02000100", "01ffffffff1f00"}) {
    const std::string broken = Unhex(hex);
    WireReader b(AsBytes(broken));
    EXPECT_TRUE(b.SkipTaggedFields().IsInvalidArgument()) << hex;
  }
}

TEST(WireTest, PatchInt32RewritesALengthInPlace) {
  std::string out;
  WireWriter w(&out);
  const size_t at = w.position();
  w.WriteInt32(0);
  w.WriteRaw(std::string_view("xyz"));
  w.PatchInt32(at, 3);
  EXPECT_EQ(Hex(out), "0000000378797a");
}

TEST(WireTest, RequestHeadersRoundTripClassicAndFlexible) {
  for (bool flexible : {false, true}) {
    RequestHeader header{18, static_cast<int16_t>(flexible ? 3 : 2), 77, "client-1"};
    std::string out;
    WireWriter w(&out);
    EncodeRequestHeader(w, header, flexible);
    w.WriteInt8(9);  // first body byte
    WireReader r(AsBytes(out));
    Result<RequestHeader> prefix = DecodeRequestHeaderPrefix(r);
    ASSERT_TRUE(prefix.ok());
    RequestHeader decoded = *prefix;
    ASSERT_TRUE(DecodeRequestHeaderRest(r, flexible, &decoded).ok());
    EXPECT_EQ(decoded.api_key, 18);
    EXPECT_EQ(decoded.api_version, header.api_version);
    EXPECT_EQ(decoded.correlation_id, 77);
    EXPECT_EQ(decoded.client_id, "client-1");
    EXPECT_EQ(*r.ReadInt8(), 9) << "the body starts right after the header";
  }
  // Header v2 keeps client_id a classic (int16-length) string; a null one is allowed.
  std::string out;
  WireWriter w(&out);
  EncodeRequestHeader(w, RequestHeader{3, 9, 1, std::nullopt}, true);
  EXPECT_EQ(Hex(out), "0003000900000001ffff00");
  EncodeResponseHeader(w, 5, true);
  EncodeResponseHeader(w, 6, false);
  EXPECT_EQ(Hex(out.substr(11)), "000000050000000006");
}

TEST(WireTest, TruncatedRequestHeadersAreErrors) {
  std::string out;
  WireWriter w(&out);
  EncodeRequestHeader(w, RequestHeader{0, 7, 1, "abc"}, true);
  for (size_t n = 0; n < out.size(); ++n) {
    WireReader r(AsBytes(std::string_view(out).substr(0, n)));
    Result<RequestHeader> prefix = DecodeRequestHeaderPrefix(r);
    if (!prefix.ok()) {
      EXPECT_TRUE(prefix.status().IsInvalidArgument());
      continue;
    }
    RequestHeader h = *prefix;
    EXPECT_TRUE(DecodeRequestHeaderRest(r, true, &h).IsInvalidArgument()) << n;
  }
}

}  // namespace
}  // namespace ringlog
