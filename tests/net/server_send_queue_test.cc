#include <gtest/gtest.h>
#include <sys/uio.h>

#include <array>
#include <memory>
#include <string>

#include "net/server/send_queue.h"

namespace ringlog::testing {
namespace {

OutboundFrame MemoryFrame(std::string body) {
  OutboundFrame frame;
  *frame.bytes() = std::move(body);
  return frame;
}

// "head", a slice of fd 7, "tail"; the slice is pinned by `pin`.
OutboundFrame SliceFrame(uint64_t position, uint64_t length, std::shared_ptr<const void> pin) {
  OutboundFrame frame;
  *frame.bytes() = "head";
  ReadResult records;
  records.data = FileSlice{7, position, length};
  records.pin = std::move(pin);
  frame.AppendRecords(std::move(records));
  *frame.bytes() = "tail";
  return frame;
}

std::string Joined(std::span<const iovec> iov) {
  std::string out;
  for (const iovec& v : iov) out.append(static_cast<const char*>(v.iov_base), v.iov_len);
  return out;
}

TEST(SendQueueTest, GathersMemoryAcrossResponsesWithSizePrefixes) {
  SendQueue queue;
  queue.Push(MemoryFrame("ab"));
  queue.Push(MemoryFrame("cde"));
  EXPECT_EQ(queue.queued_bytes(), 4u + 2 + 4 + 3);
  std::array<iovec, 8> iov;
  bool file_follows = true;
  const size_t n = queue.GatherMemory(iov, &file_follows);
  EXPECT_FALSE(file_follows);
  EXPECT_EQ(Joined(std::span(iov).first(n)), std::string("\0\0\0\2ab\0\0\0\3cde", 13));
}

TEST(SendQueueTest, PartialSendsResumeMidPart) {
  SendQueue queue;
  queue.Push(MemoryFrame("hello"));
  queue.Advance(6);  // the prefix and "he"
  std::array<iovec, 8> iov;
  bool file_follows = false;
  const size_t n = queue.GatherMemory(iov, &file_follows);
  EXPECT_EQ(Joined(std::span(iov).first(n)), "llo");
  queue.Advance(3);
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(queue.queued_bytes(), 0u);
}

TEST(SendQueueTest, GatheringStopsAtAFileSlice) {
  SendQueue queue;
  auto pin = std::make_shared<int>(0);
  queue.Push(SliceFrame(100, 50, pin));
  std::array<iovec, 8> iov;
  bool file_follows = false;
  size_t n = queue.GatherMemory(iov, &file_follows);
  EXPECT_TRUE(file_follows);
  EXPECT_EQ(Joined(std::span(iov).first(n)), std::string("\0\0\0\x3a", 4) + "head");
  queue.Advance(8);

  ASSERT_TRUE(queue.front_is_file());
  EXPECT_EQ(queue.GatherMemory(iov, &file_follows), 0u);
  queue.Advance(20);
  const FileSlice rest = queue.FrontFile();
  EXPECT_EQ(rest.fd, 7);
  EXPECT_EQ(rest.position, 120u);
  EXPECT_EQ(rest.length, 30u);
  queue.Advance(30);

  EXPECT_FALSE(queue.front_is_file());
  n = queue.GatherMemory(iov, &file_follows);
  EXPECT_EQ(Joined(std::span(iov).first(n)), "tail");
  EXPECT_EQ(pin.use_count(), 2);
  queue.Advance(4);
  EXPECT_TRUE(queue.empty());
  // The sent response released its pin.
  EXPECT_EQ(pin.use_count(), 1);
}

TEST(SendQueueTest, EmptyPartsAreSkippedAndEmptyFramesStillSendTheirSize) {
  SendQueue queue;
  OutboundFrame frame;
  frame.bytes();  // an empty memory part
  queue.Push(std::move(frame));
  EXPECT_EQ(queue.queued_bytes(), 4u);
  std::array<iovec, 8> iov;
  bool file_follows = false;
  const size_t n = queue.GatherMemory(iov, &file_follows);
  EXPECT_EQ(Joined(std::span(iov).first(n)), std::string(4, '\0'));
}

TEST(SendQueueTest, GatheringStopsWhenTheIovecListIsFull) {
  SendQueue queue;
  for (int i = 0; i < 10; ++i) queue.Push(MemoryFrame("x"));
  std::array<iovec, 5> iov;
  bool file_follows = false;
  EXPECT_EQ(queue.GatherMemory(iov, &file_follows), 5u);
  EXPECT_FALSE(file_follows);
}

}  // namespace
}  // namespace ringlog::testing
