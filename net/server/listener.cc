#include "net/server/listener.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace ringlog {
namespace {

Result<uint16_t> BoundPort(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return Status::IOError("getsockname", errno);
  }
  if (address.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port);
  }
  return ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port);
}

// Binds and listens on one resolved address. IOError carrying errno.
Result<UniqueFd> ListenOn(const addrinfo& ai) {
  UniqueFd fd(::socket(ai.ai_family, ai.ai_socktype | SOCK_CLOEXEC, ai.ai_protocol));
  if (!fd.valid()) return Status::IOError(std::strerror(errno), errno);
  // Lets a restarted broker bind while old connections linger in TIME_WAIT; it does not
  // let two listeners share the port.
  const int on = 1;
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
      ::bind(fd.get(), ai.ai_addr, ai.ai_addrlen) != 0 || ::listen(fd.get(), SOMAXCONN) != 0) {
    return Status::IOError(std::strerror(errno), errno);
  }
  return fd;
}

}  // namespace

Result<Listener> OpenListener(const std::string& host, uint16_t port) {
  const std::string where = host + ":" + std::to_string(port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  const int gai =
      ::getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found);
  if (gai != 0) return Status::IOError("resolve " + where + ": " + ::gai_strerror(gai));
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, ::freeaddrinfo);

  Status last_error;
  for (const addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    Result<UniqueFd> fd = ListenOn(*ai);
    if (!fd.ok()) {
      last_error = fd.status();
      continue;
    }
    ASSIGN_OR_RETURN(const uint16_t bound, BoundPort(fd->get()));
    return Listener{std::move(fd).value(), bound};
  }
  return Status::IOError("listen on " + where + ": " + last_error.message(), last_error.err_no());
}

std::string FormatAddress(const sockaddr* address) {
  char host[INET6_ADDRSTRLEN] = "?";
  uint16_t port = 0;
  std::string out;
  if (address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    ::inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof(host));
    port = ntohs(v6->sin6_port);
    out.append("[").append(host).append("]");
  } else {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    ::inet_ntop(AF_INET, &v4->sin_addr, host, sizeof(host));
    port = ntohs(v4->sin_port);
    out.append(host);
  }
  out.append(":").append(std::to_string(port));
  return out;
}

}  // namespace ringlog
