// Properties of every generated codec at every version it serves: a filled-in message
// survives encode -> decode -> encode, and random or truncated bytes are refused with a
// Status, never a crash (this test also runs under ASan and UBSan in CI).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "net/codec/message_registry.h"
#include "tests/net/codec_samples.h"

namespace ringlog {
namespace {

TEST(GeneratedCodecTest, EveryMessageRoundTripsAtEveryVersion) {
  ASSERT_FALSE(testing::AllSampleRoundTrips().empty());
  for (const testing::SampleRoundTrip& sample : testing::AllSampleRoundTrips()) {
    for (int16_t v = sample.min_version; v <= sample.max_version; ++v) {
      Status s = sample.round_trip(v);
      EXPECT_TRUE(s.ok()) << sample.name << " v" << v << ": " << s.ToString();
    }
  }
}

TEST(GeneratedCodecTest, VersionsOutsideTheRangeAreNotSupported) {
  for (const MessageCodec& codec : AllMessageCodecs()) {
    for (int16_t v : {static_cast<int16_t>(codec.min_version - 1),
                      static_cast<int16_t>(codec.max_version + 1)}) {
      WireReader reader({});
      Status s = codec.decode(reader, v);
      EXPECT_TRUE(s.IsNotSupported()) << codec.name << " v" << v;
    }
  }
}

// Random bytes are refused or decoded within bounds (truncated bodies are covered by the
// round trips, which refuse every proper prefix of each encoding).
TEST(GeneratedCodecTest, RandomBytesNeverCrash) {
  std::mt19937 rng(12);
  for (const MessageCodec& codec : AllMessageCodecs()) {
    for (int16_t v = codec.min_version; v <= codec.max_version; ++v) {
      for (int round = 0; round < 200; ++round) {
        std::vector<uint8_t> bytes(rng() % 64);
        for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng() % 4 == 0 ? 0xff : rng() % 4);
        WireReader reader(bytes);
        (void)codec.decode(reader, v);
        EXPECT_LE(reader.position(), bytes.size());
      }
    }
  }
}

}  // namespace
}  // namespace ringlog
