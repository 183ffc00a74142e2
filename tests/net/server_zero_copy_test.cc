// Responses with file-slice parts, sent with splice (zero_copy on, slices from 64 KiB) and
// through memory (zero_copy off, and smaller slices): both deliver the same bytes, including slices
// larger than the socket buffer, release the slices' pins once sent, close the connection on a
// slice that reaches past the end of its file, and keep serving other connections while one reader
// leaves its socket full.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "engine/log/read_result.h"
#include "net/server/server.h"
#include "tests/net/server_test_util.h"
#include "tests/support/temp_dir.h"

namespace ringlog::testing {
namespace {

constexpr size_t kFileBytes = 8 << 20;

// Answers "<position>:<length>" with "head", that slice of its file, then "tail". Each
// slice is pinned by a token whose lifetime the handler counts.
class FileSliceHandler : public RequestHandler {
 public:
  explicit FileSliceHandler(int fd) : fd_(fd) {}

  void Handle(const ConnectionInfo& conn, std::string frame, LoopExecutor& loop,
              ReplyFn reply) override {
    (void)conn;
    (void)loop;
    const size_t colon = frame.find(':');
    ReadResult records;
    records.data =
        FileSlice{fd_, std::stoull(frame.substr(0, colon)), std::stoull(frame.substr(colon + 1))};
    ++live_pins_;
    records.pin = std::shared_ptr<const void>(nullptr, [this](const void*) { --live_pins_; });
    OutboundFrame response;
    *response.bytes() = "head";
    response.AppendRecords(std::move(records));
    *response.bytes() = "tail";
    reply(Reply::Response(std::move(response)));
  }

  int live_pins() const { return live_pins_; }

 private:
  const int fd_;
  std::atomic<int> live_pins_{0};
};

class ServerZeroCopyTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    contents_.resize(kFileBytes);
    uint32_t state = 42;
    for (char& c : contents_) {
      state = state * 1664525u + 1013904223u;
      c = static_cast<char>(state >> 24);
    }
    const std::string path = dir_.Sub("segment.log");
    fd_ = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
    ASSERT_GE(fd_, 0);
    ASSERT_EQ(::pwrite(fd_, contents_.data(), contents_.size(), 0),
              static_cast<ssize_t>(contents_.size()));
    handler_ = std::make_unique<FileSliceHandler>(fd_);
    ServerOptions options = LoopbackOptions();
    options.zero_copy = GetParam();
    // Every connection shares the one loop, so a loop that blocked on a full socket
    // would stall them all.
    options.num_loops = 1;
    server_ = std::make_unique<Server>(options, handler_.get());
    ASSERT_TRUE(server_->Start().ok());
  }

  void TearDown() override {
    server_.reset();
    handler_.reset();
    if (fd_ >= 0) ::close(fd_);
  }

  std::string Expected(size_t position, size_t length) const {
    return std::string("head").append(contents_, position, length).append("tail");
  }
  static std::string Request(size_t position, size_t length) {
    return std::to_string(position) + ":" + std::to_string(length);
  }
  // Pins are released once the server has seen the last byte go out, which may be just
  // after the client read it.
  bool PinsReleased() const {
    for (int i = 0; i < 500; ++i) {
      if (handler_->live_pins() == 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return false;
  }

  TempDir dir_;
  std::string contents_;
  int fd_ = -1;
  std::unique_ptr<FileSliceHandler> handler_;
  std::unique_ptr<Server> server_;
};

TEST_P(ServerZeroCopyTest, SlicesArriveByteForByte) {
  auto client = TestClient::Connect(server_->bound_port());
  ASSERT_NE(client, nullptr);
  const std::pair<size_t, size_t> slices[] = {
      {0, 1}, {3, 100}, {4095, 4097}, {12345, 300000}, {0, kFileBytes}, {kFileBytes - 7, 7}};
  for (const auto& [position, length] : slices) {
    ASSERT_TRUE(client->SendFrame(Request(position, length)));
  }
  for (const auto& [position, length] : slices) {
    const std::optional<std::string> response = client->ReadFrame();
    ASSERT_TRUE(response.has_value());
    EXPECT_TRUE(*response == Expected(position, length)) << position << ":" << length;
  }
  EXPECT_TRUE(PinsReleased());
}

TEST_P(ServerZeroCopyTest, SliceBeyondTheEndOfTheFileClosesTheConnection) {
  // A small slice (copied either way) and one large enough to be spliced.
  for (const size_t length : {size_t{100}, size_t{1} << 20}) {
    auto client = TestClient::Connect(server_->bound_port());
    ASSERT_NE(client, nullptr);
    ASSERT_TRUE(client->SendFrame(Request(kFileBytes - 10, length)));
    EXPECT_TRUE(client->WaitForClose()) << length;
  }
  EXPECT_TRUE(PinsReleased());
}

TEST_P(ServerZeroCopyTest, ClientResetsMidSlice) {
  auto client = TestClient::Connect(server_->bound_port());
  ASSERT_NE(client, nullptr);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(client->SendFrame(Request(0, kFileBytes)));
  std::string start(100 * 1024, '\0');
  ASSERT_TRUE(client->ReadExact(start.data(), start.size()));
  client->SetResetOnClose();
  client->Close();
  EXPECT_TRUE(PinsReleased());

  auto other = TestClient::Connect(server_->bound_port());
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(other->SendFrame(Request(10, 20)));
  EXPECT_EQ(other->ReadFrame(), Expected(10, 20));
}

TEST_P(ServerZeroCopyTest, SlowReaderStallsOnlyItself) {
  auto slow = TestClient::Connect(server_->bound_port());
  ASSERT_NE(slow, nullptr);
  // A small receive window, so that the slice fills it and the server's send buffer.
  const int receive_buffer = 64 * 1024;
  ASSERT_EQ(
      ::setsockopt(slow->fd(), SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof(receive_buffer)), 0);
  ASSERT_TRUE(slow->SendFrame(Request(0, kFileBytes)));
  int arrived = 0;
  for (int i = 0; i < 500 && arrived == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ASSERT_EQ(::ioctl(slow->fd(), FIONREAD, &arrived), 0);
  }
  ASSERT_GT(arrived, 0) << "the slice never started";

  auto other = TestClient::Connect(server_->bound_port());
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(other->SendFrame(Request(10, 20)));
  EXPECT_EQ(other->ReadFrame(), Expected(10, 20));

  // Reads in small steps with pauses, so that the server finds the socket full again
  // and again and resumes each time.
  char size[4];
  ASSERT_TRUE(slow->ReadExact(size, sizeof(size)));
  const std::string expected = Expected(0, kFileBytes);
  std::string body(expected.size(), '\0');
  constexpr size_t kStep = 128 * 1024;
  for (size_t done = 0; done < body.size(); done += kStep) {
    ASSERT_TRUE(slow->ReadExact(body.data() + done, std::min(kStep, body.size() - done)));
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_TRUE(body == expected);
  EXPECT_TRUE(PinsReleased());
}

INSTANTIATE_TEST_SUITE_P(Paths, ServerZeroCopyTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& param) {
                           return param.param ? "Splice" : "Copy";
                         });

}  // namespace
}  // namespace ringlog::testing
