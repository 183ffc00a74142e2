// The listening socket: resolves host:port, binds (port 0 picks a free port) and listens.
// One listener serves the whole server; the Acceptor spreads its connections over the
// event loops.
#pragma once

#include <cstdint>
#include <string>

#include "engine/status.h"
#include "net/server/unique_fd.h"

struct sockaddr;

namespace ringlog {

struct Listener {
  UniqueFd socket;
  uint16_t port = 0;  // the port actually bound
};

// IOError naming the address and the reason (address in use, permission denied, host not
// found). The socket is blocking: io_uring polls it.
Result<Listener> OpenListener(const std::string& host, uint16_t port);

// "host:port", or "[host]:port" for IPv6, of an AF_INET or AF_INET6 address.
std::string FormatAddress(const sockaddr* address);

}  // namespace ringlog
