#include "bench/harness/loadgen/network_limits.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <functional>
#include <thread>
#include <vector>

#include "net/server/unique_fd.h"

namespace ringlog::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kReceiveBufferBytes = 4 << 20;
// Bytes per sendfile call: about one fetch response, so the deadline is checked often.
constexpr off_t kSendfileChunkBytes = 8 << 20;

struct SocketPair {
  UniqueFd sender;
  UniqueFd receiver;
};

// A connected loopback TCP pair (not socketpair(): the kernel's TCP path is the point).
Result<SocketPair> ConnectLoopback() {
  UniqueFd listener(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!listener.valid()) return Status::IOError("socket", errno);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      listen(listener.get(), 1) != 0 ||
      getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return Status::IOError("loopback listener", errno);
  }
  SocketPair pair;
  pair.sender = UniqueFd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!pair.sender.valid()) return Status::IOError("socket", errno);
  if (connect(pair.sender.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0) {
    return Status::IOError("loopback connect", errno);
  }
  pair.receiver = UniqueFd(accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!pair.receiver.valid()) return Status::IOError("loopback accept", errno);
  return pair;
}

// Runs `send_some` (one send call; returns false on error) until `seconds` pass, while a
// receiver thread drains the other end.
Result<TransferRate> Transfer(double seconds, const std::function<bool(int fd)>& send_some) {
  ASSIGN_OR_RETURN(SocketPair pair, ConnectLoopback());
  std::atomic<uint64_t> received{0};
  std::thread receiver([&] {
    std::vector<uint8_t> buffer(kReceiveBufferBytes);
    while (true) {
      const ssize_t n = recv(pair.receiver.get(), buffer.data(), buffer.size(), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      received.fetch_add(static_cast<uint64_t>(n), std::memory_order_relaxed);
    }
  });
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  bool ok = true;
  while (ok && Clock::now() < deadline) ok = send_some(pair.sender.get());
  const int send_errno = errno;
  // The rate is of bytes delivered: the clock stops once the receiver has drained what was
  // sent, so a receiver the scheduler kept off the CPU until the deadline still counts.
  shutdown(pair.sender.get(), SHUT_WR);
  receiver.join();
  const Clock::time_point end = Clock::now();
  if (!ok) return Status::IOError("loopback send", send_errno);
  return TransferRate{static_cast<double>(received.load()),
                      std::chrono::duration<double>(end - start).count()};
}

}  // namespace

Result<TransferRate> MeasureLoopbackTcp(size_t chunk_bytes, double seconds) {
  const std::vector<uint8_t> chunk(chunk_bytes, 'x');
  size_t sent = 0;  // of the current chunk
  return Transfer(seconds, [&](int fd) {
    const ssize_t n = send(fd, chunk.data() + sent, chunk.size() - sent, MSG_NOSIGNAL);
    if (n < 0) return errno == EINTR;
    sent = (sent + static_cast<size_t>(n)) % chunk.size();
    return true;
  });
}

Result<TransferRate> MeasureFileToSocket(const std::string& path, double seconds) {
  UniqueFd file(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!file.valid()) return Status::IOError("open " + path, errno);
  struct stat st {};
  if (fstat(file.get(), &st) != 0) return Status::IOError("stat " + path, errno);
  const auto size = static_cast<off_t>(st.st_size);
  if (size == 0) return Status::InvalidArgument(path + " is empty");
  off_t position = 0;
  return Transfer(seconds, [&](int fd) {
    const ssize_t n = sendfile(fd, file.get(), &position,
                               static_cast<size_t>(std::min(size - position, kSendfileChunkBytes)));
    if (n < 0) return errno == EINTR;
    if (position >= size) position = 0;
    return true;
  });
}

}  // namespace ringlog::bench
