// RequestMemoryPool: the bound on the memory that requests hold while they are in flight,
// across every connection of a server (Kafka's queued.max.request.bytes). A request holds
// memory from its first byte received until its reply comes up: the part of its body
// received so far, then the whole frame while the handler works on it.
//
// Two kinds of request take from the pool:
//   whole    a small request, assembled in its connection's fixed staging buffer and
//            taken all at once when it is complete; it may use the whole pool.
//   partial  the body of a large request, taken step by step as its bytes arrive; bodies
//            may use only the pool's first three quarters, so that clients with ordinary
//            requests are still served while large uploads (or peers that send half a
//            request and stall) fill the rest.
//
// Bodies received step by step could deadlock: each holding part of the pool and waiting
// for more. So one request at a time may take the overdraft: when the pool refuses a
// partial step and nobody holds the overdraft, that request moves all it holds out of the
// pool and grows without bound until it is released. A request larger than the pool, or
// one that meets a pool full of stalled bodies, therefore completes once it holds the
// overdraft. Memory in flight stays below limit + socket.request.max.bytes. (Kafka instead
// admits a whole request whenever any byte of its pool is free.)
//
// A refused caller names a Waiter; it is told once when memory comes back, and then tries
// again (and is refused and registered again, if need be). Refusals are logged at most once
// a minute.
//
// Thread safety: thread-safe. Taking and releasing is a compare-and-swap on one counter;
// the mutex is taken only while somebody waits, and by CancelWait.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

namespace ringlog {

class RequestMemoryPool {
 public:
  // What one request holds: `bytes` counted in the pool, or, once it took the overdraft,
  // outside it.
  struct Grant {
    uint64_t bytes = 0;
    bool overdraft = false;
  };
  enum class Kind : uint8_t { kWhole, kPartial };

  // Told that memory came back. Called from any thread, with the pool's lock held: it must
  // only hand work to its own thread (post it), never call back into the pool.
  class Waiter {
   public:
    virtual ~Waiter() = default;
    virtual void OnRoom() = 0;
  };

  // REQUIRES: limit_bytes > 0.
  explicit RequestMemoryPool(uint64_t limit_bytes);
  // REQUIRES: nothing is taken and nobody waits.
  ~RequestMemoryPool();
  RequestMemoryPool(const RequestMemoryPool&) = delete;
  RequestMemoryPool& operator=(const RequestMemoryPool&) = delete;

  // Adds `bytes` to `grant` if the pool has room for them (or they go to the overdraft).
  // When it does not, `waiter` is registered (once, however often it is refused) and told
  // when memory is released; it must stay valid until then or until CancelWait.
  bool Grow(Grant* grant, uint64_t bytes, Kind kind, Waiter* waiter);
  // Gives back all `grant` holds (the overdraft too) and empties it.
  void Release(Grant* grant);
  // `waiter` will not be told anything after this returns.
  void CancelWait(Waiter* waiter);

  uint64_t limit() const { return limit_; }
  // Bytes counted in the pool; the overdraft's are not among them.
  uint64_t used() const { return used_.load(std::memory_order_relaxed); }
  uint64_t overdraft_bytes() const { return overdraft_bytes_.load(std::memory_order_relaxed); }

 private:
  // Takes from the pool, or the overdraft for a partial step; no waiting.
  bool TryGrow(Grant* grant, uint64_t bytes, Kind kind);
  // Puts `bytes` back into the pool and tells the waiters.
  void GiveBack(uint64_t bytes);
  void WakeWaiters();

  const uint64_t limit_;
  // What partial bodies may fill, whole requests included in the count.
  const uint64_t partial_limit_;
  std::atomic<uint64_t> used_{0};
  std::atomic<uint64_t> overdraft_bytes_{0};
  std::atomic<bool> overdraft_taken_{false};
  // waiters_.size(), readable without the lock. Written before a refused caller looks at
  // the pool a second time, so a release either sees it or leaves room for that look.
  std::atomic<size_t> waiting_{0};
  std::mutex mu_;
  std::vector<Waiter*> waiters_;
};

}  // namespace ringlog
