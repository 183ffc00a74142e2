#include "bench/harness/loadgen/free_port.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

#include "net/server/unique_fd.h"

namespace ringlog::bench {

Result<int> FreeLoopbackPort() {
  UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return Status::IOError("socket", errno);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    return Status::IOError("bind to a free port", errno);
  }
  socklen_t len = sizeof(addr);
  if (getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return Status::IOError("getsockname", errno);
  }
  return static_cast<int>(ntohs(addr.sin_port));
}

}  // namespace ringlog::bench
