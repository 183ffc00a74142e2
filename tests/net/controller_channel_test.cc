// ControllerChannel against a tiny loopback server: one exchange answered under the
// request's correlation id, the connection kept for the next exchange and replaced when
// the peer closed it, and Busy for a refused connection and for a peer that never answers;
// and against the real Broker behind the real Server, an ApiVersions exchange.
#include "net/cluster/controller_channel.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <span>
#include <string>
#include <thread>

#include "net/broker/broker.h"
#include "net/codec/api_versions_codec.h"
#include "net/codec/request_header.h"
#include "net/server/server.h"
#include "tests/net/server_test_util.h"

namespace ringlog {
namespace {

using std::chrono::milliseconds;

// A request frame: api key 19, version 0, `correlation_id`, then `rest`.
std::string Request(int32_t correlation_id, const std::string& rest) {
  std::string frame = std::string("\x00\x13\x00\x00", 4);
  const uint32_t id = htonl(static_cast<uint32_t>(correlation_id));
  frame.append(reinterpret_cast<const char*>(&id), 4);
  return frame + rest;
}

bool ReadExactly(int fd, char* out, size_t n) {
  size_t got = 0;
  while (got < n) {
    const ssize_t r = recv(fd, out + got, n - got, 0);
    if (r <= 0) return false;
    got += static_cast<size_t>(r);
  }
  return true;
}

// Answers each request with its correlation id and "pong:" plus the request's tail; with
// `silent`, reads requests and never answers; with `one_per_connection`, closes each
// connection after one answer.
class LoopbackPeer {
 public:
  explicit LoopbackPeer(bool silent = false, bool one_per_connection = false)
      : silent_(silent), one_per_connection_(one_per_connection) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(listen(listen_fd_, 8), 0);
    socklen_t size = sizeof(addr);
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &size);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~LoopbackPeer() {
    shutdown(listen_fd_, SHUT_RDWR);
    close(listen_fd_);
    thread_.join();
  }

  int port() const { return port_; }
  int connections() const { return connections_.load(); }

 private:
  void Serve() {
    while (true) {
      const int fd = accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      ++connections_;
      while (true) {
        uint32_t size = 0;
        if (!ReadExactly(fd, reinterpret_cast<char*>(&size), 4)) break;
        std::string frame(ntohl(size), '\0');
        if (!ReadExactly(fd, frame.data(), frame.size())) break;
        if (silent_) continue;
        const std::string answer = frame.substr(4, 4) + "pong:" + frame.substr(8);
        const uint32_t answer_size = htonl(static_cast<uint32_t>(answer.size()));
        std::string out(reinterpret_cast<const char*>(&answer_size), 4);
        out += answer;
        if (send(fd, out.data(), out.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(out.size())) {
          break;
        }
        if (one_per_connection_) break;
      }
      close(fd);
    }
  }

  const bool silent_;
  const bool one_per_connection_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<int> connections_{0};
  std::thread thread_;
};

TEST(ControllerChannelTest, ExchangesAndKeepsTheConnection) {
  LoopbackPeer peer;
  ControllerChannel channel;
  Result<std::string> first =
      channel.Exchange("127.0.0.1", peer.port(), Request(7, "ping"), milliseconds(2000));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(*first, Request(7, "").substr(4) + "pong:ping");
  Result<std::string> second =
      channel.Exchange("localhost", peer.port(), Request(8, "again"), milliseconds(2000));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->substr(4), "pong:again");
  // "localhost" is another destination name: a new connection; the same name reuses it.
  Result<std::string> third =
      channel.Exchange("localhost", peer.port(), Request(9, "x"), milliseconds(2000));
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_EQ(peer.connections(), 2);
}

TEST(ControllerChannelTest, ReconnectsWhenThePeerClosedTheConnection) {
  LoopbackPeer peer(/*silent=*/false, /*one_per_connection=*/true);
  ControllerChannel channel;
  ASSERT_TRUE(channel.Exchange("127.0.0.1", peer.port(), Request(1, "a"), milliseconds(2000)).ok());
  // Let the peer's close arrive before the next exchange looks at the connection.
  std::this_thread::sleep_for(milliseconds(50));
  Result<std::string> again =
      channel.Exchange("127.0.0.1", peer.port(), Request(2, "b"), milliseconds(2000));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->substr(4), "pong:b");
  EXPECT_EQ(peer.connections(), 2);
}

TEST(ControllerChannelTest, RefusedIsBusy) {
  int port = 0;
  {
    LoopbackPeer gone;
    port = gone.port();
  }
  ControllerChannel channel;
  Result<std::string> response =
      channel.Exchange("127.0.0.1", port, Request(1, ""), milliseconds(2000));
  ASSERT_FALSE(response.ok());
  EXPECT_TRUE(response.status().IsBusy()) << response.status().ToString();
}

TEST(ControllerChannelTest, NoAnswerInTimeIsBusy) {
  LoopbackPeer peer(/*silent=*/true);
  ControllerChannel channel;
  const auto start = std::chrono::steady_clock::now();
  Result<std::string> response =
      channel.Exchange("127.0.0.1", peer.port(), Request(1, ""), milliseconds(200));
  ASSERT_FALSE(response.ok());
  EXPECT_TRUE(response.status().IsBusy()) << response.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(5000));
}

TEST(ControllerChannelTest, TalksToARealBroker) {
  BrokerServices services;
  Broker broker(&services);
  ServerOptions options = ringlog::testing::LoopbackOptions();
  options.num_loops = 1;
  Server server(options, &broker);
  ASSERT_TRUE(server.Start().ok());
  std::string frame;
  WireWriter writer(&frame);
  EncodeRequestHeader(writer, RequestHeader{18, 0, 31, "channel-test"}, false);
  EncodeApiVersionsRequest(writer, ApiVersionsRequest{}, 0);
  ControllerChannel channel;
  Result<std::string> response =
      channel.Exchange("127.0.0.1", server.bound_port(), frame, milliseconds(5000));
  server.Stop();
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  WireReader reader(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(response->data()),
                                             response->size()));
  EXPECT_EQ(reader.ReadInt32().value(), 31);
  Result<ApiVersionsResponse> versions = DecodeApiVersionsResponse(reader, 0);
  ASSERT_TRUE(versions.ok()) << versions.status().ToString();
  EXPECT_EQ(versions->error_code, 0);
  EXPECT_FALSE(versions->api_keys.empty());
}

TEST(ControllerChannelTest, ShortFrameIsRefused) {
  ControllerChannel channel;
  Result<std::string> response =
      channel.Exchange("127.0.0.1", 1, std::string("\x00\x13", 2), milliseconds(200));
  ASSERT_FALSE(response.ok());
  EXPECT_TRUE(response.status().IsInvalidArgument());
}

}  // namespace
}  // namespace ringlog
