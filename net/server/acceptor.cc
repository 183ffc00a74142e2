#include "net/server/acceptor.h"

#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

#include "net/server/listener.h"

namespace ringlog {
namespace {

// How long to wait before accepting again when the process is out of file descriptors;
// retrying at once would spin on the same error.
constexpr std::chrono::milliseconds kRetryDelay(100);

}  // namespace

Acceptor::Acceptor(EventLoop* loop, UniqueFd listener, AcceptFn on_accept)
    : loop_(loop), listener_(std::move(listener)), on_accept_(std::move(on_accept)) {}

Acceptor::~Acceptor() { CHECK(!accept_in_flight_) << "Acceptor destroyed with an accept pending"; }

void Acceptor::Start() { ArmAccept(); }

void Acceptor::Close() {
  if (closed_) return;
  closed_ = true;
  if (retry_timer_ != 0) loop_->CancelTimer(retry_timer_);
  if (accept_in_flight_) {
    // Completes the pending accept (with EINVAL); the socket closes when it does.
    ::shutdown(listener_.get(), SHUT_RDWR);
  } else {
    listener_.Reset();
  }
}

void Acceptor::ArmAccept() {
  peer_length_ = sizeof(peer_);
  io_uring_sqe* sqe = loop_->GetSqe();
  io_uring_prep_accept(sqe, listener_.get(), reinterpret_cast<sockaddr*>(&peer_), &peer_length_,
                       SOCK_CLOEXEC);
  loop_->Submit(sqe, &accept_done_);
  accept_in_flight_ = true;
}

void Acceptor::OnAcceptDone(int32_t result) {
  accept_in_flight_ = false;
  if (closed_) {
    if (result >= 0) UniqueFd(result).Reset();
    listener_.Reset();
    return;
  }
  if (result >= 0) {
    UniqueFd socket(result);
    // Responses are whole messages: Nagle's algorithm would only hold back their tails.
    const int on = 1;
    ::setsockopt(socket.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    on_accept_(std::move(socket), FormatAddress(reinterpret_cast<const sockaddr*>(&peer_)));
  } else if (result == -EMFILE || result == -ENFILE || result == -ENOBUFS || result == -ENOMEM) {
    LOG(WARNING) << "accept: " << std::strerror(-result) << "; retrying in " << kRetryDelay.count()
                 << " ms";
    retry_timer_ = loop_->RunAfter(kRetryDelay, [this] {
      retry_timer_ = 0;
      ArmAccept();
    });
    return;
  } else if (result != -EINTR && result != -EAGAIN && result != -ECONNABORTED) {
    LOG(WARNING) << "accept: " << std::strerror(-result);
  }
  ArmAccept();
}

}  // namespace ringlog
