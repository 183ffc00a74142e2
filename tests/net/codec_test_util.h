// Shared checks for the per-API codec tests: the properties every codec must have at every
// version it supports, and loading of the golden request frames captured from real
// clients (tests/net/golden).
//
// A "case" describes one message type to the property checks:
//   struct SomeCase {
//     using Msg = SomeRequest;                  // must have operator==
//     static constexpr int16_t kMin = ..., kMax = ...;
//     static void Encode(WireWriter&, const Msg&, int16_t version);
//     static Result<Msg> Decode(WireReader&, int16_t version);
//     static Msg Full();                          // every field away from its default
//     static Msg AtVersion(Msg full, int16_t v);  // fields v lacks reset to defaults
//   };
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <random>
#include <span>
#include <string>
#include <string_view>

#include "engine/status.h"
#include "net/codec/request_header.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog::testing {

inline std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// "00 01 ff" -> the three bytes; spaces are ignored. For byte-exact layouts in tests.
inline std::string Hex(std::string_view hex) {
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

// `encode`(message) at `version`, for codecs tested one function at a time.
template <typename Msg>
std::string EncodeWith(void (*encode)(WireWriter&, const Msg&, int16_t), const Msg& message,
                       int16_t version) {
  std::string out;
  WireWriter writer(&out);
  encode(writer, message, version);
  return out;
}

// `decode` over all of `bytes`; leftover bytes after a successful decode fail the test.
template <typename Msg>
Result<Msg> DecodeWith(Result<Msg> (*decode)(WireReader&, int16_t), std::string_view bytes,
                       int16_t version) {
  WireReader reader(AsBytes(bytes));
  Result<Msg> result = decode(reader, version);
  if (result.ok()) {
    EXPECT_TRUE(reader.at_end()) << reader.remaining() << " bytes left";
  }
  return result;
}

template <typename Case>
std::string EncodeAt(const typename Case::Msg& message, int16_t version) {
  std::string out;
  WireWriter writer(&out);
  Case::Encode(writer, message, version);
  return out;
}

// Decodes the whole of `bytes`; trailing bytes are a failure (InvalidArgument).
template <typename Case>
Result<typename Case::Msg> DecodeAt(std::string_view bytes, int16_t version) {
  WireReader reader(AsBytes(bytes));
  Result<typename Case::Msg> decoded = Case::Decode(reader, version);
  if (decoded.ok() && !reader.at_end()) {
    return Status::InvalidArgument(std::to_string(reader.remaining()) + " trailing bytes");
  }
  return decoded;
}

// Round trip with absent fields as defaults, absent fields off the wire, strict prefixes
// rejected, random damage survived, and versions outside the range refused.
template <typename Case>
void ExpectCodecProperties() {
  using Msg = typename Case::Msg;
  std::mt19937 rng(0x5eed);
  for (int16_t v = Case::kMin; v <= Case::kMax; ++v) {
    SCOPED_TRACE("version " + std::to_string(v));
    const std::string bytes = EncodeAt<Case>(Case::Full(), v);
    Result<Msg> decoded = DecodeAt<Case>(bytes, v);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_TRUE(*decoded == Case::AtVersion(Case::Full(), v));
    EXPECT_EQ(EncodeAt<Case>(Case::AtVersion(Case::Full(), v), v), bytes);

    for (size_t n = 0; n < bytes.size(); ++n) {
      Result<Msg> prefix = DecodeAt<Case>(std::string_view(bytes).substr(0, n), v);
      ASSERT_FALSE(prefix.ok()) << n << " of " << bytes.size() << " bytes decoded";
      EXPECT_TRUE(prefix.status().IsInvalidArgument()) << prefix.status().ToString();
    }

    if (bytes.empty()) continue;  // an empty body has nothing to damage
    std::uniform_int_distribution<size_t> position(0, bytes.size() - 1);
    std::uniform_int_distribution<int> value(0, 255);
    for (int trial = 0; trial < 200; ++trial) {
      std::string damaged = bytes;
      for (int i = 0; i <= trial % 3; ++i) damaged[position(rng)] = static_cast<char>(value(rng));
      Result<Msg> result = DecodeAt<Case>(damaged, v);
      if (!result.ok()) {
        EXPECT_TRUE(result.status().IsInvalidArgument()) << result.status().ToString();
        continue;
      }
      // Whatever decodes encodes back to the same value.
      const std::string reencoded = EncodeAt<Case>(*result, v);  // decoded views point here
      Result<Msg> again = DecodeAt<Case>(reencoded, v);
      ASSERT_TRUE(again.ok()) << again.status().ToString();
      EXPECT_TRUE(*again == *result);
    }
  }
  const std::string bytes = EncodeAt<Case>(Case::Full(), Case::kMax);
  for (int v : {Case::kMin - 1, Case::kMax + 1}) {
    Result<Msg> decoded = DecodeAt<Case>(bytes, static_cast<int16_t>(v));
    ASSERT_FALSE(decoded.ok());
    EXPECT_TRUE(decoded.status().IsNotSupported()) << decoded.status().ToString();
  }
}

// A request frame from tests/net/golden: the bytes after the size prefix, its decoded
// header, and where the body starts.
struct GoldenRequest {
  std::string frame;
  RequestHeader header;
  size_t body_position = 0;

  // A reader over the whole frame, positioned at the body.
  WireReader BodyReader() const {
    WireReader reader(AsBytes(frame));
    EXPECT_TRUE(reader.ReadRaw(body_position).ok());
    return reader;
  }
};

// Loads tests/net/golden/`name` and decodes its header (flexible for ApiVersions v3+, the
// only flexible request these clients send to ringlog's advertised ranges).
inline GoldenRequest LoadGoldenRequest(const std::string& name) {
  GoldenRequest golden;
  const std::string path = std::string(RINGLOG_TEST_DATA_DIR) + "/../net/golden/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  golden.frame.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  WireReader reader(AsBytes(golden.frame));
  Result<RequestHeader> header = DecodeRequestHeaderPrefix(reader);
  EXPECT_TRUE(header.ok()) << header.status().ToString();
  if (!header.ok()) return golden;
  golden.header = *header;
  const bool flexible = golden.header.api_key == 18 && golden.header.api_version >= 3;
  Status rest = DecodeRequestHeaderRest(reader, flexible, &golden.header);
  EXPECT_TRUE(rest.ok()) << rest.ToString();
  golden.body_position = reader.position();
  return golden;
}

}  // namespace ringlog::testing
