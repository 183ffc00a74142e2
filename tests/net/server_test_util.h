// Helpers for the server tests: a blocking loopback client that speaks the size-prefixed
// framing, and small builders for frames and replies. Every socket read and write has a
// timeout so that a broken server fails a test instead of hanging it.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/big_endian.h"
#include "net/server/outbound_frame.h"
#include "net/server/request_handler.h"
#include "net/server/server.h"

namespace ringlog::testing {

constexpr int kClientTimeoutSeconds = 10;

// `body` behind its 4-byte big-endian size.
inline std::string EncodeFrame(std::string_view body) {
  std::string out(4, '\0');
  StoreBigEndian(reinterpret_cast<uint8_t*>(out.data()), static_cast<int32_t>(body.size()));
  out.append(body);
  return out;
}

// `prefix` followed by `n` in decimal: "f7".
inline std::string Numbered(std::string_view prefix, int64_t n) {
  std::string out(prefix);
  out.append(std::to_string(n));
  return out;
}

// A response whose frame is `body` in memory.
inline Reply BytesReply(std::string body) {
  OutboundFrame frame;
  *frame.bytes() = std::move(body);
  return Reply::Response(std::move(frame));
}

// A server on 127.0.0.1 and a free port, with test-sized defaults.
inline ServerOptions LoopbackOptions() {
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.num_loops = 2;
  return options;
}

// Replies on the loop thread, as each frame asks:
//   "none"               Reply::None()
//   "close"              Reply::Close()
//   "delay:<ms>:<text>"  `text`, after <ms> milliseconds (LoopExecutor::RunAfter)
//   "post:<text>"        `text`, from a task posted to the loop (LoopExecutor::Post)
//   "cancel"             "kept", from a timer set after one that says "cancelled" and
//                        was cancelled (LoopExecutor::CancelTimer)
//   anything else        the frame itself (echo)
// and counts what it sees.
class ScriptedHandler : public RequestHandler {
 public:
  void Handle(const ConnectionInfo& conn, std::string frame, LoopExecutor& loop,
              ReplyFn reply) override {
    (void)conn;
    {
      std::lock_guard<std::mutex> lock(mu_);
      loops_.insert(&loop);
    }
    ++requests_;
    if (frame == "none") {
      reply(Reply::None());
    } else if (frame == "close") {
      reply(Reply::Close());
    } else if (frame.starts_with("delay:")) {
      const size_t colon = frame.find(':', 6);
      const int ms = std::stoi(frame.substr(6, colon - 6));
      std::string text = frame.substr(colon + 1);
      loop.RunAfter(std::chrono::milliseconds(ms), [reply, text] { reply(BytesReply(text)); });
    } else if (frame.starts_with("post:")) {
      loop.Post([reply, text = frame.substr(5)] { reply(BytesReply(text)); });
    } else if (frame == "cancel") {
      const LoopExecutor::TimerId cancelled =
          loop.RunAfter(std::chrono::milliseconds(1), [reply] { reply(BytesReply("cancelled")); });
      loop.RunAfter(std::chrono::milliseconds(20), [reply] { reply(BytesReply("kept")); });
      loop.CancelTimer(cancelled);
    } else {
      reply(BytesReply(std::move(frame)));
    }
  }

  void OnConnectionClosed(const ConnectionInfo& conn) override {
    (void)conn;
    ++closed_;
  }

  int requests() const { return requests_; }
  int closed() const { return closed_; }
  size_t distinct_loops() {
    std::lock_guard<std::mutex> lock(mu_);
    return loops_.size();
  }

 private:
  std::atomic<int> requests_{0};
  std::atomic<int> closed_{0};
  std::mutex mu_;
  std::set<LoopExecutor*> loops_;
};

// Holds every request with its ReplyFn until the test completes it, from the test's own
// thread: replies that complete out of order, later, or never.
class HeldHandler : public RequestHandler {
 public:
  struct Held {
    std::string frame;
    ReplyFn reply;
  };

  void Handle(const ConnectionInfo& conn, std::string frame, LoopExecutor& loop,
              ReplyFn reply) override {
    (void)conn;
    (void)loop;
    std::lock_guard<std::mutex> lock(mu_);
    held_.push_back(Held{std::move(frame), std::move(reply)});
    ++total_;
    cv_.notify_all();
  }

  void OnConnectionClosed(const ConnectionInfo& conn) override {
    (void)conn;
    std::lock_guard<std::mutex> lock(mu_);
    ++closed_;
    cv_.notify_all();
  }

  // Waits until `n` requests arrived in all (true) or the timeout passed (false).
  bool WaitForRequests(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(kClientTimeoutSeconds),
                        [&] { return total_ >= n; });
  }
  bool WaitForClosed(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(kClientTimeoutSeconds),
                        [&] { return closed_ >= n; });
  }
  // The requests held so far, handed over to the caller.
  std::vector<Held> Take() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::exchange(held_, {});
  }
  int total() {
    std::lock_guard<std::mutex> lock(mu_);
    return total_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Held> held_;
  int total_ = 0;
  int closed_ = 0;
};

class TestClient {
 public:
  // Connects to 127.0.0.1:`port`; nullptr when it cannot.
  static std::unique_ptr<TestClient> Connect(uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return nullptr;
    timeval timeout{kClientTimeoutSeconds, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      ::close(fd);
      return nullptr;
    }
    return std::unique_ptr<TestClient>(new TestClient(fd));
  }

  ~TestClient() { Close(); }
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  int fd() const { return fd_; }

  bool SendAll(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  bool SendFrame(std::string_view body) { return SendAll(EncodeFrame(body)); }

  bool ReadExact(char* out, size_t n) {
    while (n > 0) {
      const ssize_t got = ::recv(fd_, out, n, 0);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return false;
      out += got;
      n -= static_cast<size_t>(got);
    }
    return true;
  }

  // The next frame's body; nullopt on EOF, error or timeout.
  std::optional<std::string> ReadFrame() {
    char prefix[4];
    if (!ReadExact(prefix, sizeof(prefix))) return std::nullopt;
    const int32_t size = LoadBigEndian<int32_t>(reinterpret_cast<const uint8_t*>(prefix));
    if (size < 0) return std::nullopt;
    std::string body(static_cast<size_t>(size), '\0');
    if (!ReadExact(body.data(), body.size())) return std::nullopt;
    return body;
  }

  // Whether the server closes the connection (EOF or reset) within the timeout; bytes that
  // arrive first are discarded.
  bool WaitForClose() {
    char sink[4096];
    while (true) {
      const ssize_t got = ::recv(fd_, sink, sizeof(sink), 0);
      if (got < 0 && errno == EINTR) continue;
      if (got == 0) return true;
      if (got < 0) return errno == ECONNRESET;
    }
  }

  // Makes the next Close() reset the connection instead of a graceful close.
  void SetResetOnClose() {
    linger option{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &option, sizeof(option));
  }

  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  explicit TestClient(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace ringlog::testing
