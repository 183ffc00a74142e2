// Acceptor: takes new connections off the server's one listening socket, on one event
// loop, and hands each to a callback (which spreads them over the loops).
//
// One listener rather than one SO_REUSEPORT listener per loop: two servers can never share
// a port by accident (a second bind fails with "address in use"), connections are spread
// evenly round-robin instead of by the kernel's hash of the peer address, and the price,
// one cross-thread hand-off per connection, is small for Kafka's long-lived connections.
//
// Thread safety: all methods on the loop's thread.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <string>

#include "net/server/event_loop.h"
#include "net/server/io_completion.h"
#include "net/server/unique_fd.h"

namespace ringlog {

class Acceptor {
 public:
  // Receives each accepted socket and the peer's "host:port".
  using AcceptFn = std::function<void(UniqueFd socket, std::string peer)>;

  // `loop` must outlive the Acceptor.
  Acceptor(EventLoop* loop, UniqueFd listener, AcceptFn on_accept);
  // REQUIRES: Close() was called and its accept completed (the loop ended).
  ~Acceptor();
  Acceptor(const Acceptor&) = delete;
  Acceptor& operator=(const Acceptor&) = delete;

  // Starts accepting.
  void Start();
  // Stops accepting and closes the listening socket once no accept is in flight.
  void Close();

 private:
  void ArmAccept();
  void OnAcceptDone(int32_t result);

  EventLoop* const loop_;
  UniqueFd listener_;
  const AcceptFn on_accept_;
  bool closed_ = false;
  bool accept_in_flight_ = false;
  // Set while waiting out a shortage of file descriptors.
  LoopExecutor::TimerId retry_timer_ = 0;
  // The peer's address lands here.
  sockaddr_storage peer_{};
  socklen_t peer_length_ = 0;
  MemberCompletion<Acceptor, &Acceptor::OnAcceptDone> accept_done_{this};
};

}  // namespace ringlog
