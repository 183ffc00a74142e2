#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "net/server/frame_decoder.h"
#include "tests/net/server_test_util.h"

namespace ringlog::testing {
namespace {

// Feeds `bytes` through the decoder in reads of at most `chunk` bytes, collecting the frames.
std::vector<std::string> Decode(FrameDecoder& decoder, const std::string& bytes, size_t chunk) {
  std::vector<std::string> frames;
  size_t fed = 0;
  while (true) {
    while (true) {
      Result<std::optional<std::string>> frame = decoder.Next();
      EXPECT_TRUE(frame.ok()) << frame.status().ToString();
      if (!frame.ok() || !frame->has_value()) break;
      frames.push_back(std::move(**frame));
    }
    if (fed == bytes.size()) return frames;
    std::span<char> buffer = decoder.ReadBuffer();
    const size_t n = std::min({chunk, buffer.size(), bytes.size() - fed});
    std::memcpy(buffer.data(), bytes.data() + fed, n);
    decoder.Commit(n);
    fed += n;
  }
}

TEST(FrameDecoderTest, ManyFramesInOneRead) {
  FrameDecoder decoder(1 << 20);
  std::string bytes;
  for (int i = 0; i < 100; ++i) bytes += EncodeFrame(Numbered("frame", i));
  const std::vector<std::string> frames = Decode(decoder, bytes, bytes.size());
  ASSERT_EQ(frames.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(frames[i], Numbered("frame", i));
}

TEST(FrameDecoderTest, FramesSplitAtEveryByte) {
  FrameDecoder decoder(1 << 20);
  const std::string bytes = EncodeFrame("abc") + EncodeFrame("") + EncodeFrame("defgh");
  EXPECT_EQ(Decode(decoder, bytes, 1), (std::vector<std::string>{"abc", "", "defgh"}));
}

TEST(FrameDecoderTest, LargeFrameReadStraightIntoItsBody) {
  FrameDecoder decoder(8 << 20);
  std::string body(3 << 20, '\0');
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>(i % 251);
  const std::string bytes = EncodeFrame(body) + EncodeFrame("after");
  // Reads of 1 MiB are bigger than the staging buffer, so the body is read directly.
  const std::vector<std::string> frames = Decode(decoder, bytes, 1 << 20);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_TRUE(frames[0] == body);
  EXPECT_EQ(frames[1], "after");
}

TEST(FrameDecoderTest, FramesWaitUntilAskedFor) {
  FrameDecoder decoder(1024);
  const std::string bytes = EncodeFrame("one") + EncodeFrame("two");
  std::span<char> buffer = decoder.ReadBuffer();
  std::memcpy(buffer.data(), bytes.data(), bytes.size());
  decoder.Commit(bytes.size());
  EXPECT_EQ(*decoder.Next(), "one");
  EXPECT_EQ(*decoder.Next(), "two");
  EXPECT_FALSE(decoder.Next()->has_value());
}

TEST(FrameDecoderTest, NegativeSizeIsInvalid) {
  FrameDecoder decoder(1024);
  std::span<char> buffer = decoder.ReadBuffer();
  std::memcpy(buffer.data(), "\x80\x00\x00\x00", 4);
  decoder.Commit(4);
  EXPECT_TRUE(decoder.Next().status().IsInvalidArgument());
}

TEST(FrameDecoderTest, SizeAboveTheLimitIsTooLarge) {
  FrameDecoder decoder(1024);
  const std::string prefix = EncodeFrame(std::string(1025, 'x')).substr(0, 4);
  std::span<char> buffer = decoder.ReadBuffer();
  std::memcpy(buffer.data(), prefix.data(), prefix.size());
  decoder.Commit(prefix.size());
  const Status status = decoder.Next().status();
  EXPECT_TRUE(status.IsTooLarge()) << status.ToString();
}

TEST(FrameDecoderTest, FrameAtTheLimitIsAccepted) {
  FrameDecoder decoder(1024);
  const std::string body(1024, 'y');
  EXPECT_EQ(Decode(decoder, EncodeFrame(body), 100), std::vector<std::string>{body});
}

}  // namespace
}  // namespace ringlog::testing
