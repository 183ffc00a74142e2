#include "bench/harness/loadgen/http_get.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace ringlog::bench {
namespace {

Status Errno(const std::string& what) {
  return Status::IOError(what + ": " + std::strerror(errno), errno);
}

}  // namespace

Result<HttpAnswer> HttpGet(const std::string& host, int port, const std::string& path) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) {
    return Status::InvalidArgument("not an IPv4 address: " + host);
  }
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("socket");
  std::string raw;
  Status status = Status::OK();
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    status = Errno("connect to " + host + ":" + std::to_string(port));
  } else {
    const std::string request = "GET " + path + " HTTP/1.0\r\nHost: " + host + "\r\n\r\n";
    size_t sent = 0;
    while (status.ok() && sent < request.size()) {
      const ssize_t n = write(fd, request.data() + sent, request.size() - sent);
      if (n < 0 && errno != EINTR) status = Errno("send");
      if (n > 0) sent += static_cast<size_t>(n);
    }
    char buffer[65536];
    while (status.ok()) {
      const ssize_t n = read(fd, buffer, sizeof(buffer));
      if (n == 0) break;
      if (n < 0 && errno != EINTR) status = Errno("receive");
      if (n > 0) raw.append(buffer, static_cast<size_t>(n));
    }
  }
  close(fd);
  RETURN_IF_ERROR(status);
  // "HTTP/1.x NNN reason\r\n...headers...\r\n\r\nbody"
  const size_t headers_end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/", 0) != 0 || raw.size() < 12 || headers_end == std::string::npos) {
    return Status::IOError("no HTTP answer from " + host + ":" + std::to_string(port));
  }
  HttpAnswer answer;
  answer.status = std::atoi(raw.c_str() + 9);
  answer.body = raw.substr(headers_end + 4);
  return answer;
}

}  // namespace ringlog::bench
