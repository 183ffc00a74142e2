// A blocking Kafka client for broker tests: writes request frames built with the codecs
// over a loopback socket and reads response frames, with timeouts so a broker that
// misbehaves fails the test instead of hanging it. Header-only; test code only.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "net/codec/request_header.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog::testing {

class BrokerTestClient {
 public:
  explicit BrokerTestClient(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~BrokerTestClient() {
    if (fd_ >= 0) close(fd_);
  }
  BrokerTestClient(const BrokerTestClient&) = delete;
  BrokerTestClient& operator=(const BrokerTestClient&) = delete;

  bool connected() const { return connected_; }

  // Sends one request: header (v2 when `flexible_header`, else v1), then the body.
  void Send(int16_t api_key, int16_t version, int32_t correlation_id, bool flexible_header,
            const std::function<void(WireWriter&)>& encode_body) {
    std::string frame;
    WireWriter writer(&frame);
    EncodeRequestHeader(writer, RequestHeader{api_key, version, correlation_id, "broker-test"},
                        flexible_header);
    encode_body(writer);
    SendRaw(frame);
  }

  // Sends `frame` after its 4-byte size prefix.
  void SendRaw(const std::string& frame) {
    std::string out(4, '\0');
    const uint32_t size = htonl(static_cast<uint32_t>(frame.size()));
    std::memcpy(out.data(), &size, 4);
    out += frame;
    size_t sent = 0;
    while (sent < out.size()) {
      const ssize_t n = send(fd_, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<size_t>(n);
    }
  }

  // The next response frame (after its size prefix), or nullopt on timeout, EOF or error.
  std::optional<std::string> Receive(
      std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    std::string size_bytes;
    if (!ReadExactly(4, timeout, &size_bytes)) return std::nullopt;
    uint32_t size = 0;
    std::memcpy(&size, size_bytes.data(), 4);
    std::string frame;
    if (!ReadExactly(ntohl(size), timeout, &frame)) return std::nullopt;
    return frame;
  }

  // Whether the broker closes the connection within `timeout` (data before the close is
  // read and dropped).
  bool WaitClosed(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char buf[4096];
    while (std::chrono::steady_clock::now() < deadline) {
      if (!WaitReadable(deadline)) return false;
      const ssize_t n = recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) return true;
    }
    return false;
  }

 private:
  bool WaitReadable(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    return poll(&p, 1, static_cast<int>(left.count())) > 0;
  }

  bool ReadExactly(size_t n, std::chrono::milliseconds timeout, std::string* out) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    out->resize(n);
    size_t got = 0;
    while (got < n) {
      if (!WaitReadable(deadline)) return false;
      const ssize_t r = recv(fd_, out->data() + got, n - got, 0);
      if (r <= 0) return false;
      got += static_cast<size_t>(r);
    }
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
};

// A reader over a response frame, positioned after its header (v1 when `flexible_header`).
// Sets *correlation_id.
inline WireReader ResponseBody(const std::string& frame, bool flexible_header,
                               int32_t* correlation_id) {
  WireReader reader(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(frame.data()), frame.size()));
  *correlation_id = reader.ReadInt32().value();
  if (flexible_header) reader.SkipTaggedFields().IgnoreError();
  return reader;
}

// The response to request `correlation_id` of API `key` at `version`, decoded with
// `decode(reader, version)`. No response in `timeout`, another correlation id or a
// response that does not decode fails the test and gives Response{}.
template <typename Response, typename Decode>
Response ReceiveResponse(BrokerTestClient& client, int16_t key, int16_t version,
                         int32_t correlation_id, bool flexible_header, Decode decode,
                         std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  std::optional<std::string> frame = client.Receive(timeout);
  EXPECT_TRUE(frame.has_value()) << "no response to API " << key << " v" << version;
  if (!frame) return Response{};
  int32_t got_id = 0;
  WireReader reader = ResponseBody(*frame, flexible_header, &got_id);
  EXPECT_EQ(got_id, correlation_id);
  Result<Response> response = decode(reader, version);
  EXPECT_TRUE(response.ok()) << response.status().ToString();
  return response.ok() ? std::move(*response) : Response{};
}

// Sends one request (its body written by `encode_body`) and returns ReceiveResponse.
template <typename Response, typename Decode>
Response CallBroker(BrokerTestClient& client, int16_t key, int16_t version, int32_t correlation_id,
                    bool flexible_header, const std::function<void(WireWriter&)>& encode_body,
                    Decode decode,
                    std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  client.Send(key, version, correlation_id, flexible_header, encode_body);
  return ReceiveResponse<Response>(client, key, version, correlation_id, flexible_header, decode,
                                   timeout);
}

}  // namespace ringlog::testing
