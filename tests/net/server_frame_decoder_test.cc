#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "net/server/connection_memory.h"
#include "net/server/frame_decoder.h"
#include "net/server/request_memory_pool.h"
#include "tests/net/server_test_util.h"

namespace ringlog::testing {
namespace {

using Kind = RequestMemoryPool::Kind;

constexpr uint64_t kPoolBytes = 512 << 20;
constexpr size_t kStagingBytes = 64 * 1024;

class NoopWaiter : public RequestMemoryPool::Waiter {
 public:
  void OnRoom() override {}
};

// A decoder with its own pool and connection account.
struct Decoder {
  explicit Decoder(int32_t max_frame_bytes, uint64_t pool_bytes = kPoolBytes)
      : pool(pool_bytes),
        memory(&pool, pool_bytes, [this] { ++rooms; }),
        decoder(max_frame_bytes, &memory) {}

  // Copies up to `n` bytes of `bytes` from `*fed` into the read buffer; returns how many.
  size_t Feed(const std::string& bytes, size_t* fed, size_t n) {
    std::span<char> buffer = decoder.ReadBuffer();
    const size_t take = std::min({n, buffer.size(), bytes.size() - *fed});
    std::memcpy(buffer.data(), bytes.data() + *fed, take);
    decoder.Commit(take);
    *fed += take;
    return take;
  }

  int rooms = 0;
  RequestMemoryPool pool;
  ConnectionMemory memory;
  FrameDecoder decoder;
};

// Feeds `bytes` through the decoder in reads of at most `chunk` bytes, collecting the frames
// (and, when `largest_read` is given, the largest read buffer it offered).
std::vector<std::string> Decode(Decoder& d, const std::string& bytes, size_t chunk,
                                size_t* largest_read = nullptr) {
  std::vector<std::string> frames;
  size_t fed = 0;
  while (true) {
    while (true) {
      Result<std::optional<FrameDecoder::Frame>> frame = d.decoder.Next();
      EXPECT_TRUE(frame.ok()) << frame.status().ToString();
      if (!frame.ok() || !frame->has_value()) break;
      EXPECT_EQ((*frame)->lease.bytes(), (*frame)->bytes.size());
      frames.push_back(std::move((*frame)->bytes));
    }
    if (fed == bytes.size()) return frames;
    if (largest_read != nullptr) {
      *largest_read = std::max(*largest_read, d.decoder.ReadBuffer().size());
    }
    d.Feed(bytes, &fed, chunk);
  }
}

std::string Pattern(size_t size) {
  std::string body(size, '\0');
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>(i % 251);
  return body;
}

TEST(FrameDecoderTest, ManyFramesInOneRead) {
  Decoder d(1 << 20);
  std::string bytes;
  for (int i = 0; i < 100; ++i) bytes += EncodeFrame(Numbered("frame", i));
  const std::vector<std::string> frames = Decode(d, bytes, bytes.size());
  ASSERT_EQ(frames.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(frames[i], Numbered("frame", i));
}

TEST(FrameDecoderTest, FramesSplitAtEveryByte) {
  Decoder d(1 << 20);
  const std::string bytes = EncodeFrame("abc") + EncodeFrame("") + EncodeFrame("defgh");
  EXPECT_EQ(Decode(d, bytes, 1), (std::vector<std::string>{"abc", "", "defgh"}));
}

TEST(FrameDecoderTest, LargeFrameReadStraightIntoItsBody) {
  Decoder d(8 << 20);
  const std::string body = Pattern(3 << 20);
  const std::string bytes = EncodeFrame(body) + EncodeFrame("after");
  size_t largest_read = 0;
  const std::vector<std::string> frames = Decode(d, bytes, 1 << 20, &largest_read);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_TRUE(frames[0] == body);
  EXPECT_EQ(frames[1], "after");
  // A read bigger than the staging buffer can only land in the body itself.
  EXPECT_GT(largest_read, kStagingBytes);
}

TEST(FrameDecoderTest, FramesWaitUntilAskedFor) {
  Decoder d(1024);
  const std::string bytes = EncodeFrame("one") + EncodeFrame("two");
  size_t fed = 0;
  d.Feed(bytes, &fed, bytes.size());
  EXPECT_EQ((*d.decoder.Next())->bytes, "one");
  EXPECT_EQ((*d.decoder.Next())->bytes, "two");
  EXPECT_FALSE(d.decoder.Next()->has_value());
}

TEST(FrameDecoderTest, NegativeSizeIsInvalid) {
  Decoder d(1024);
  size_t fed = 0;
  d.Feed(std::string("\x80\x00\x00\x00", 4), &fed, 4);
  EXPECT_TRUE(d.decoder.Next().status().IsInvalidArgument());
}

TEST(FrameDecoderTest, SizeAboveTheLimitIsTooLarge) {
  Decoder d(1024);
  const std::string prefix = EncodeFrame(std::string(1025, 'x')).substr(0, 4);
  size_t fed = 0;
  d.Feed(prefix, &fed, prefix.size());
  const Status status = d.decoder.Next().status();
  EXPECT_TRUE(status.IsTooLarge()) << status.ToString();
}

TEST(FrameDecoderTest, FrameAtTheLimitIsAccepted) {
  Decoder d(1024);
  const std::string body(1024, 'y');
  EXPECT_EQ(Decode(d, EncodeFrame(body), 100), std::vector<std::string>{body});
}

// The size prefix alone allocates nothing: memory comes with the bytes.
TEST(FrameDecoderTest, ASizePrefixAloneHoldsNoMemory) {
  Decoder d(100 << 20);
  std::string bytes(4, '\0');
  StoreBigEndian(reinterpret_cast<uint8_t*>(bytes.data()), int32_t{100 << 20});
  size_t fed = 0;
  d.Feed(bytes, &fed, 4);
  EXPECT_FALSE(d.decoder.Next()->has_value());
  EXPECT_FALSE(d.decoder.ReadBuffer().empty());
  EXPECT_EQ(d.memory.held_bytes(), 0u);
  EXPECT_EQ(d.pool.used(), 0u);
}

// A large body is held in steps that follow the bytes received: never much more than twice
// what arrived, and doubling each time, so the copies add up to less than the frame.
TEST(FrameDecoderTest, ALargeBodyGrowsWithTheBytesReceived) {
  constexpr size_t kBody = 8 << 20;
  Decoder d(kBody);
  const std::string body = Pattern(kBody);
  const std::string bytes = EncodeFrame(body);
  std::set<uint64_t> steps;
  size_t fed = 0;
  std::optional<FrameDecoder::Frame> frame;
  while (!frame) {
    d.Feed(bytes, &fed, 10'000);
    Result<std::optional<FrameDecoder::Frame>> next = d.decoder.Next();
    ASSERT_TRUE(next.ok());
    if (next->has_value()) {
      frame = std::move(*next);
      break;
    }
    const uint64_t held = d.memory.held_bytes();
    steps.insert(held);
    EXPECT_LE(held, 2 * fed + kStagingBytes) << "after " << fed << " bytes";
  }
  EXPECT_TRUE(frame->bytes == body);
  EXPECT_EQ(frame->lease.bytes(), kBody);
  // 64 KiB doubled up to 8 MiB: 64K, 128K, ..., 4M, and 0 before the first byte.
  EXPECT_LE(steps.size(), 9u);
}

// With the pool full of other bodies and the overdraft taken, a body stops growing and the
// decoder offers no buffer; it is told when memory comes back and then completes.
TEST(FrameDecoderTest, ABodyWaitsForMemoryAndResumes) {
  constexpr uint64_t kPool = 1 << 20;
  Decoder d(4 << 20, kPool);
  NoopWaiter other;
  RequestMemoryPool::Grant others;
  ASSERT_TRUE(d.pool.Grow(&others, kPool / 2, Kind::kPartial, &other));
  // Someone else holds the overdraft until it is released below.
  RequestMemoryPool::Grant big;
  ASSERT_TRUE(d.pool.Grow(&big, kPool * 4, Kind::kPartial, &other));
  ASSERT_TRUE(big.overdraft);

  const std::string body = Pattern(2 << 20);
  const std::string bytes = EncodeFrame(body);
  size_t fed = 0;
  while (d.Feed(bytes, &fed, 50'000) > 0) {
    ASSERT_FALSE(d.decoder.Next()->has_value());
  }
  EXPECT_TRUE(d.decoder.ReadBuffer().empty());
  EXPECT_LT(fed, bytes.size());
  // What it holds fits in the partial share (three quarters of the pool).
  EXPECT_LE(d.pool.used(), kPool - kPool / 4);
  EXPECT_EQ(d.rooms, 0);

  d.pool.Release(&big);
  EXPECT_EQ(d.rooms, 1);
  std::optional<FrameDecoder::Frame> frame;
  while (!frame) {
    Result<std::optional<FrameDecoder::Frame>> next = d.decoder.Next();
    ASSERT_TRUE(next.ok());
    if (next->has_value()) {
      frame = std::move(*next);
      break;
    }
    ASSERT_GT(d.Feed(bytes, &fed, 1 << 20), 0u);
  }
  EXPECT_TRUE(frame->bytes == body);
  frame.reset();
  d.pool.Release(&others);
  EXPECT_EQ(d.pool.used(), 0u);
  EXPECT_EQ(d.pool.overdraft_bytes(), 0u);
}

// A small frame is taken whole from the pool once all of it is in; while the pool is full
// it stays staged.
TEST(FrameDecoderTest, ASmallFrameWaitsWholeForMemory) {
  constexpr uint64_t kPool = 1 << 20;
  Decoder d(1 << 20, kPool);
  NoopWaiter other;
  RequestMemoryPool::Grant everything;
  ASSERT_TRUE(d.pool.Grow(&everything, kPool - 100, Kind::kWhole, &other));
  const std::string bytes = EncodeFrame(std::string(1000, 's'));
  size_t fed = 0;
  d.Feed(bytes, &fed, bytes.size());
  EXPECT_FALSE(d.decoder.Next()->has_value());
  EXPECT_EQ(d.memory.held_bytes(), 0u);
  d.pool.Release(&everything);
  EXPECT_EQ(d.rooms, 1);
  Result<std::optional<FrameDecoder::Frame>> frame = d.decoder.Next();
  ASSERT_TRUE(frame.ok() && frame->has_value());
  EXPECT_EQ((*frame)->bytes, std::string(1000, 's'));
  EXPECT_EQ((*frame)->lease.bytes(), 1000u);
}

}  // namespace
}  // namespace ringlog::testing
