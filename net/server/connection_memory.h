// ConnectionMemory: one connection's account of the request memory it holds, on top of the
// server-wide RequestMemoryPool. Each request holds a Lease, from its first byte received
// until its reply comes up; the lease gives its bytes back when it is destroyed.
//
// A connection holds at most `max_held_bytes` (socket.request.max.bytes), so that a single
// connection pipelining large requests cannot take the whole pool; but a request that is
// all the connection holds may always grow, however large, so the bound never keeps a
// request from completing.
//
// When the pool refuses, `on_room` runs once memory comes back anywhere in the server;
// when the connection's own bound refuses, room comes as its replies go out.
//
// Thread safety: none; the connection's loop thread uses it and its leases, except that
// `on_room` runs on any thread.
#pragma once

#include <cstdint>
#include <functional>

#include "net/server/request_memory_pool.h"

namespace ringlog {

class ConnectionMemory final : private RequestMemoryPool::Waiter {
 public:
  // The memory one request holds. Move-only; empty when default-constructed or moved from.
  class Lease {
   public:
    Lease() = default;
    ~Lease() { Reset(); }
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    uint64_t bytes() const { return grant_.bytes; }
    // Gives the bytes back now.
    void Reset();

   private:
    friend class ConnectionMemory;
    ConnectionMemory* owner_ = nullptr;
    RequestMemoryPool::Grant grant_;
  };

  // `pool` must outlive this. `on_room` must only post work to the connection's thread (it
  // runs with the pool's lock held).
  ConnectionMemory(RequestMemoryPool* pool, uint64_t max_held_bytes, std::function<void()> on_room);
  // REQUIRES: every lease of this connection was destroyed or reset.
  ~ConnectionMemory();
  ConnectionMemory(const ConnectionMemory&) = delete;
  ConnectionMemory& operator=(const ConnectionMemory&) = delete;

  // Adds `bytes` to `lease` (of this connection, or empty) if the connection's bound and the
  // pool allow. False otherwise: see above for what brings room.
  bool Grow(Lease* lease, uint64_t bytes, RequestMemoryPool::Kind kind);

  // Bytes held by all of this connection's leases.
  uint64_t held_bytes() const { return held_; }

 private:
  void OnRoom() override;
  void Return(Lease* lease);

  RequestMemoryPool* const pool_;
  const uint64_t max_held_;
  const std::function<void()> on_room_;
  uint64_t held_ = 0;
};

}  // namespace ringlog
