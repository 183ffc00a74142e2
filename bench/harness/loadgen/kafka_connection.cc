#include "bench/harness/loadgen/kafka_connection.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "bench/harness/loadgen/request_frame.h"
#include "engine/big_endian.h"

namespace ringlog::bench {
namespace {

// Read-ahead for small responses; larger reads bypass it.
constexpr size_t kInputBufferBytes = 64 * 1024;

}  // namespace

Result<std::unique_ptr<KafkaConnection>> KafkaConnection::Connect(const std::string& host,
                                                                  int port) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    return Status::InvalidArgument("cannot resolve " + host + ": " + gai_strerror(rc));
  }
  UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    freeaddrinfo(found);
    return Status::IOError("socket", errno);
  }
  const int rc = connect(fd.get(), found->ai_addr, found->ai_addrlen);
  const int connect_errno = errno;
  freeaddrinfo(found);
  if (rc != 0) {
    return Status::IOError("connect to " + host + ":" + service, connect_errno);
  }
  const int one = 1;
  if (setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0) {
    return Status::IOError("setsockopt TCP_NODELAY", errno);
  }
  return std::unique_ptr<KafkaConnection>(new KafkaConnection(std::move(fd)));
}

Status KafkaConnection::Send(std::span<uint8_t> frame, bool expects_response) {
  const int32_t id = next_correlation_id_++;
  StoreBigEndian<int32_t>(frame.data() + kFrameCorrelationIdPos, id);
  size_t sent = 0;
  while (sent < frame.size()) {
    const ssize_t n = send(fd_.get(), frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("send to broker", errno);
    }
    sent += static_cast<size_t>(n);
  }
  if (expects_response) in_flight_.push_back(id);
  return Status::OK();
}

Status KafkaConnection::FillInput() {
  input_.resize(kInputBufferBytes);
  input_pos_ = 0;
  input_end_ = 0;
  while (true) {
    const ssize_t n = recv(fd_.get(), input_.data(), input_.size(), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("receive from broker", errno);
    }
    if (n == 0) return Status::IOError("the broker closed the connection");
    input_end_ = static_cast<size_t>(n);
    return Status::OK();
  }
}

Status KafkaConnection::ReadFully(uint8_t* data, size_t size) {
  size_t got = 0;
  while (got < size) {
    if (input_pos_ == input_end_) {
      // A large remainder goes straight into `data`, not through the input buffer.
      if (size - got >= kInputBufferBytes) {
        const ssize_t n = recv(fd_.get(), data + got, size - got, 0);
        if (n < 0) {
          if (errno == EINTR) continue;
          return Status::IOError("receive from broker", errno);
        }
        if (n == 0) return Status::IOError("the broker closed the connection");
        got += static_cast<size_t>(n);
        continue;
      }
      RETURN_IF_ERROR(FillInput());
    }
    const size_t take = std::min(size - got, input_end_ - input_pos_);
    std::memcpy(data + got, input_.data() + input_pos_, take);
    input_pos_ += take;
    got += take;
  }
  return Status::OK();
}

Status KafkaConnection::Receive(std::vector<uint8_t>* body) {
  if (in_flight_.empty()) return Status::InvalidArgument("no request in flight");
  uint8_t prefix[2 * sizeof(int32_t)];
  RETURN_IF_ERROR(ReadFully(prefix, sizeof(prefix)));
  const int32_t size = LoadBigEndian<int32_t>(prefix);
  const int32_t id = LoadBigEndian<int32_t>(prefix + sizeof(int32_t));
  if (size < static_cast<int32_t>(sizeof(int32_t))) {
    return Status::Corruption("response frame of " + std::to_string(size) + " bytes");
  }
  if (id != in_flight_.front()) {
    return Status::Corruption("response to correlation id " + std::to_string(id) + ", expected " +
                              std::to_string(in_flight_.front()));
  }
  in_flight_.pop_front();
  // resize() on a reused vector only value-initializes bytes beyond its old size.
  body->resize(static_cast<size_t>(size) - sizeof(int32_t));
  return ReadFully(body->data(), body->size());
}

Status KafkaConnection::Call(std::span<uint8_t> frame, std::vector<uint8_t>* body) {
  if (!in_flight_.empty()) return Status::InvalidArgument("Call with requests in flight");
  RETURN_IF_ERROR(Send(frame));
  return Receive(body);
}

}  // namespace ringlog::bench
