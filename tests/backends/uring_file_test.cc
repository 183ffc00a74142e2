// UringFile and the ring under it: whole and partial transfers, re-queued short reads
// and writes, large buffers, linked write+sync, and errors that name errno and path.
#include "backends/uring/uring_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "backends/uring/ring.h"
#include "tests/support/temp_dir.h"

namespace ringlog::testing {
namespace {

constexpr unsigned kDepth = 8;

std::span<const uint8_t> AsBytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
std::span<uint8_t> AsBytes(std::string& s) {
  return {reinterpret_cast<uint8_t*>(s.data()), s.size()};
}

// Bytes that differ from block to block, so a misplaced block is noticed.
std::string Pattern(size_t size) {
  std::string s(size, '\0');
  for (size_t i = 0; i < size; i += 8) {
    const uint64_t word = i * 0x9E3779B97F4A7C15ull;
    std::memcpy(s.data() + i, &word, std::min<size_t>(8, size - i));
  }
  return s;
}

std::unique_ptr<UringFile> OpenFile(const std::string& path, int flags) {
  auto file = UringFile::Open(path, flags, 0644, kDepth);
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  return file.ok() ? std::move(*file) : nullptr;
}

TEST(UringFileTest, WritesAndReadsAtOffsets) {
  TempDir dir;
  auto file = OpenFile(dir.Sub("f"), O_RDWR | O_CREAT);
  ASSERT_NE(file, nullptr);
  ASSERT_TRUE(file->Write(0, AsBytes(std::string("hello "))).ok());
  ASSERT_TRUE(file->Write(6, AsBytes(std::string("world"))).ok());
  ASSERT_TRUE(file->Write(0, AsBytes(std::string("J"))).ok());
  EXPECT_EQ(*file->Size(), 11u);
  std::string buf(11, '\0');
  ASSERT_TRUE(file->Read(0, AsBytes(buf)).ok());
  EXPECT_EQ(buf, "Jello world");
  std::string tail(5, '\0');
  ASSERT_TRUE(file->Read(6, AsBytes(tail)).ok());
  EXPECT_EQ(tail, "world");
}

TEST(UringFileTest, LargeTransfersComplete) {
  TempDir dir;
  auto file = OpenFile(dir.Sub("big"), O_RDWR | O_CREAT);
  ASSERT_NE(file, nullptr);
  const std::string data = Pattern(24 << 20);
  ASSERT_TRUE(file->Write(4096, AsBytes(data)).ok());
  EXPECT_EQ(*file->Size(), data.size() + 4096);
  std::string back(data.size(), '\0');
  ASSERT_TRUE(file->Read(4096, AsBytes(back)).ok());
  EXPECT_TRUE(back == data);
}

TEST(UringFileTest, ReadPastTheEnd) {
  TempDir dir;
  auto file = OpenFile(dir.Sub("short"), O_RDWR | O_CREAT);
  ASSERT_NE(file, nullptr);
  ASSERT_TRUE(file->Write(0, AsBytes(Pattern(100))).ok());
  std::string buf(100, '\0');
  // ReadSome says how much there was; Read wants it all.
  Result<size_t> some = file->ReadSome(60, AsBytes(buf));
  ASSERT_TRUE(some.ok()) << some.status().ToString();
  EXPECT_EQ(*some, 40u);
  EXPECT_EQ(buf.substr(0, 40), Pattern(100).substr(60));
  EXPECT_EQ(*file->ReadSome(100, AsBytes(buf)), 0u);
  Status whole = file->Read(60, AsBytes(buf));
  EXPECT_TRUE(whole.IsIOError());
  EXPECT_NE(whole.message().find(dir.Sub("short")), std::string::npos) << whole.ToString();
}

// A pipe delivers what its writer has written so far: a read of more comes back short and
// must be re-queued for the rest.
TEST(UringFileTest, ShortReadsAreRequeued) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  auto reader = UringFile::Adopt(fds[0], "pipe", kDepth);
  std::thread writer([fd = fds[1]] {
    for (const char* piece : {"abc", "defgh", "ij"}) {
      ASSERT_EQ(::write(fd, piece, std::strlen(piece)), static_cast<ssize_t>(std::strlen(piece)));
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::close(fd);
  });
  std::string buf(10, '\0');
  Status status = reader->Read(0, AsBytes(buf));
  writer.join();
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(buf, "abcdefghij");
}

TEST(UringFileTest, ReadSomeReturnsOnePiece) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  auto reader = UringFile::Adopt(fds[0], "pipe", kDepth);
  ASSERT_EQ(::write(fds[1], "xyz", 3), 3);
  std::string buf(64, '\0');
  Result<size_t> n = reader->ReadSome(0, AsBytes(buf));
  ::close(fds[1]);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 3u);
  EXPECT_EQ(buf.substr(0, 3), "xyz");
}

// With RLIMIT_FSIZE the kernel writes up to the limit and stops short; the remainder is
// re-queued and fails with EFBIG, which must surface with its errno.
TEST(UringFileTest, ShortWriteIsRequeuedAndItsErrorReported) {
  TempDir dir;
  auto file = OpenFile(dir.Sub("limited"), O_RDWR | O_CREAT);
  ASSERT_NE(file, nullptr);
  rlimit old;
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  sighandler_t old_handler = ::signal(SIGXFSZ, SIG_IGN);
  rlimit limited = old;
  limited.rlim_cur = 5000;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limited), 0);
  const std::string data = Pattern(8192);
  Result<size_t> some = file->WriteSome(0, AsBytes(data));
  Status all = file->Write(0, AsBytes(data));
  ::setrlimit(RLIMIT_FSIZE, &old);
  ::signal(SIGXFSZ, old_handler);
  ASSERT_TRUE(some.ok()) << some.status().ToString();
  EXPECT_EQ(*some, 5000u);
  EXPECT_TRUE(all.IsIOError());
  EXPECT_EQ(all.err_no(), EFBIG) << all.ToString();
  EXPECT_NE(all.message().find(dir.Sub("limited")), std::string::npos) << all.ToString();
  EXPECT_EQ(*file->Size(), 5000u);
}

TEST(UringFileTest, WriteAndSyncFallocateTruncate) {
  TempDir dir;
  auto file = OpenFile(dir.Sub("sync"), O_RDWR | O_CREAT);
  ASSERT_NE(file, nullptr);
  ASSERT_TRUE(file->WriteAndSync(0, AsBytes(Pattern(10000))).ok());
  ASSERT_TRUE(file->Fdatasync().ok());
  ASSERT_TRUE(file->Fallocate(0, 1 << 20).ok());
  EXPECT_EQ(*file->Size(), 1u << 20);
  ASSERT_TRUE(file->Truncate(777).ok());
  EXPECT_EQ(*file->Size(), 777u);
  std::string buf(777, '\0');
  ASSERT_TRUE(file->Read(0, AsBytes(buf)).ok());
  EXPECT_EQ(buf, Pattern(10000).substr(0, 777));
}

TEST(UringFileTest, ErrorsCarryErrnoAndPath) {
  TempDir dir;
  const std::string path = dir.Sub("ro");
  ASSERT_NE(OpenFile(path, O_RDWR | O_CREAT), nullptr);

  auto read_only = OpenFile(path, O_RDONLY);
  ASSERT_NE(read_only, nullptr);
  Status write = read_only->Write(0, AsBytes(std::string("x")));
  EXPECT_TRUE(write.IsIOError());
  EXPECT_EQ(write.err_no(), EBADF);
  EXPECT_NE(write.message().find(path), std::string::npos) << write.ToString();

  auto closed = UringFile::Adopt(-1, dir.Sub("closed"), kDepth);
  std::string buf(8, '\0');
  Status read = closed->Read(0, AsBytes(buf));
  EXPECT_EQ(read.err_no(), EBADF);
  EXPECT_NE(read.message().find(dir.Sub("closed")), std::string::npos) << read.ToString();
  EXPECT_EQ(closed->Fdatasync().err_no(), EBADF);
  EXPECT_EQ(closed->Truncate(0).err_no(), EBADF);

  auto missing = UringFile::Open(dir.Sub("missing"), O_RDONLY, 0, kDepth);
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_NE(missing.status().message().find(dir.Sub("missing")), std::string::npos);
  EXPECT_TRUE(
      UringFile::Open(path, O_RDWR | O_CREAT | O_EXCL, 0644, kDepth).status().IsAlreadyExists());
  auto in_file = UringFile::Open(path + "/sub", O_RDWR | O_CREAT, 0644, kDepth);
  EXPECT_EQ(in_file.status().err_no(), ENOTDIR) << in_file.status().ToString();
}

// Many threads, each with its own ring, writing disjoint ranges of one file.
TEST(UringFileTest, ThreadsShareAFile) {
  TempDir dir;
  auto file = OpenFile(dir.Sub("shared"), O_RDWR | O_CREAT);
  ASSERT_NE(file, nullptr);
  constexpr size_t kPiece = 64 << 10;
  const std::string data = Pattern(8 * kPiece);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      EXPECT_TRUE(file->Write(t * kPiece, AsBytes(data).subspan(t * kPiece, kPiece)).ok());
    });
  }
  for (std::thread& t : threads) t.join();
  std::string back(data.size(), '\0');
  ASSERT_TRUE(file->Read(0, AsBytes(back)).ok());
  EXPECT_TRUE(back == data);
}

// More ops than the ring has entries: Run submits them in rounds, never splitting a
// write -> fdatasync chain.
TEST(RingTest, RunsMoreOpsThanItsDepthInRounds) {
  TempDir dir;
  auto file = OpenFile(dir.Sub("rounds"), O_RDWR | O_CREAT);
  ASSERT_NE(file, nullptr);
  constexpr size_t kPiece = 1000;
  std::string data = Pattern(12 * kPiece);
  std::thread worker([&] {
    Result<Ring*> ring = Ring::ForThisThread(3);
    ASSERT_TRUE(ring.ok()) << ring.status().ToString();
    ASSERT_EQ((*ring)->queue_depth(), 3u);
    std::vector<IoOp> ops;
    for (size_t i = 0; i < 12; ++i) {
      ops.push_back({.kind = IoOp::Kind::kWrite,
                     .fd = file->fd(),
                     .buf = reinterpret_cast<uint8_t*>(data.data()) + i * kPiece,
                     .len = kPiece,
                     .offset = i * kPiece,
                     .link_next = i % 3 == 2});
      if (i % 3 == 2) ops.push_back({.kind = IoOp::Kind::kFdatasync, .fd = file->fd()});
    }
    ASSERT_TRUE((*ring)->Run(ops).ok());
    for (const IoOp& op : ops) {
      EXPECT_TRUE(op.complete);
      EXPECT_EQ(op.done, op.len);
    }
  });
  worker.join();
  std::string back(data.size(), '\0');
  ASSERT_TRUE(file->Read(0, AsBytes(back)).ok());
  EXPECT_EQ(back, data);
}

}  // namespace
}  // namespace ringlog::testing
