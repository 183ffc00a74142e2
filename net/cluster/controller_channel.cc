#include "net/cluster/controller_channel.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace ringlog {
namespace {

using Clock = std::chrono::steady_clock;

// A response larger than this is not an answer to topic administration.
constexpr uint32_t kMaxResponseBytes = 64u << 20;
// Request header: api key (2), api version (2), correlation id (4).
constexpr size_t kCorrelationIdOffset = 4;
constexpr size_t kMinRequestBytes = 8;

// Waits until `fd` is ready for `events` or `deadline` passes; Busy on timeout.
Status WaitFor(int fd, short events, Clock::time_point deadline, std::string_view what) {
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return Status::Busy(std::string(what) + " timed out");
    pollfd p{fd, events, 0};
    const int ready = poll(&p, 1, static_cast<int>(left));
    if (ready > 0) return Status::OK();
    if (ready < 0 && errno != EINTR) return Status::IOError(std::string(what), errno);
  }
}

// Connects a non-blocking socket to `address` by `deadline`.
Result<int> ConnectTo(const addrinfo& address, Clock::time_point deadline) {
  const int fd = socket(address.ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::IOError("socket", errno);
  auto fail = [fd](Status status) -> Result<int> {
    close(fd);
    return status;
  };
  if (connect(fd, address.ai_addr, address.ai_addrlen) != 0) {
    if (errno == ECONNREFUSED) return fail(Status::Busy("connection refused"));
    if (errno != EINPROGRESS) return fail(Status::IOError("connect", errno));
    if (Status ready = WaitFor(fd, POLLOUT, deadline, "connect"); !ready.ok()) return fail(ready);
    int error = 0;
    socklen_t size = sizeof(error);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0) {
      return fail(Status::IOError("getsockopt", errno));
    }
    if (error == ECONNREFUSED) return fail(Status::Busy("connection refused"));
    if (error != 0) return fail(Status::Busy(std::string("connect: ") + std::strerror(error)));
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

Status WriteAll(int fd, std::string_view bytes, Clock::time_point deadline) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      RETURN_IF_ERROR(WaitFor(fd, POLLOUT, deadline, "sending the request"));
    } else if (n < 0 && errno != EINTR) {
      return Status::IOError("sending the request", errno);
    }
  }
  return Status::OK();
}

Status ReadAll(int fd, char* out, size_t size, Clock::time_point deadline) {
  size_t got = 0;
  while (got < size) {
    const ssize_t n = recv(fd, out + got, size - got, 0);
    if (n > 0) {
      got += static_cast<size_t>(n);
    } else if (n == 0) {
      return Status::IOError("the peer closed the connection before answering");
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      RETURN_IF_ERROR(WaitFor(fd, POLLIN, deadline, "waiting for the response"));
    } else if (errno != EINTR) {
      return Status::IOError("reading the response", errno);
    }
  }
  return Status::OK();
}

// Whether a kept connection is still usable: an idle one has nothing to read, so
// readable means the peer closed it (or sent something unasked).
bool StillOpen(int fd) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, 0) == 0;
}

}  // namespace

ControllerChannel::~ControllerChannel() { CloseLocked(); }

Result<std::string> ControllerChannel::Exchange(const std::string& host, int32_t port,
                                                std::string_view request_frame,
                                                std::chrono::milliseconds timeout) {
  if (request_frame.size() < kMinRequestBytes) {
    return Status::InvalidArgument("a request frame holds at least a request header");
  }
  const Deadline deadline = Clock::now() + timeout;
  std::lock_guard<std::mutex> lock(mu_);
  if (fd_ >= 0 && (host != host_ || port != port_ || !StillOpen(fd_))) CloseLocked();
  if (fd_ < 0) RETURN_IF_ERROR(ConnectLocked(host, port, deadline));
  Result<std::string> response = ExchangeLocked(request_frame, deadline);
  if (!response.ok()) CloseLocked();
  return response;
}

Status ControllerChannel::ConnectLocked(const std::string& host, int32_t port, Deadline deadline) {
  if (port <= 0 || port > 65535) {
    return Status::InvalidArgument("bad port " + std::to_string(port));
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int error = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
      error != 0) {
    return Status::InvalidArgument("cannot resolve " + host + ": " + gai_strerror(error));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> addresses(found, &freeaddrinfo);
  Status last = Status::Busy("no address for " + host);
  for (const addrinfo* a = addresses.get(); a != nullptr; a = a->ai_next) {
    Result<int> fd = ConnectTo(*a, deadline);
    if (fd.ok()) {
      fd_ = *fd;
      host_ = host;
      port_ = port;
      return Status::OK();
    }
    last = fd.status();
  }
  return last.WithContext("connecting to " + host + ":" + std::to_string(port));
}

Result<std::string> ControllerChannel::ExchangeLocked(std::string_view request_frame,
                                                      Deadline deadline) {
  const uint32_t request_size = htonl(static_cast<uint32_t>(request_frame.size()));
  std::string out(sizeof(request_size), '\0');
  std::memcpy(out.data(), &request_size, sizeof(request_size));
  out.append(request_frame);
  RETURN_IF_ERROR(WriteAll(fd_, out, deadline));
  uint32_t size = 0;
  RETURN_IF_ERROR(ReadAll(fd_, reinterpret_cast<char*>(&size), sizeof(size), deadline));
  size = ntohl(size);
  if (size < sizeof(int32_t) || size > kMaxResponseBytes) {
    return Status::Corruption("a response of " + std::to_string(size) + " bytes");
  }
  std::string response(size, '\0');
  RETURN_IF_ERROR(ReadAll(fd_, response.data(), size, deadline));
  if (std::memcmp(response.data(), request_frame.data() + kCorrelationIdOffset, sizeof(int32_t)) !=
      0) {
    return Status::Corruption("the response's correlation id is not the request's");
  }
  return response;
}

void ControllerChannel::CloseLocked() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

}  // namespace ringlog
