#include "net/server/request_memory_pool.h"

#include <glog/logging.h>

#include <algorithm>
#include <utility>

namespace ringlog {

RequestMemoryPool::RequestMemoryPool(uint64_t limit_bytes)
    : limit_(limit_bytes), partial_limit_(limit_bytes - limit_bytes / 4) {
  CHECK_GT(limit_bytes, 0u);
}

RequestMemoryPool::~RequestMemoryPool() {
  CHECK_EQ(used(), 0u) << "request memory still taken";
  CHECK_EQ(overdraft_bytes(), 0u) << "request memory still taken";
  CHECK(waiters_.empty()) << "request memory still awaited";
}

bool RequestMemoryPool::Grow(Grant* grant, uint64_t bytes, Kind kind, Waiter* waiter) {
  if (TryGrow(grant, bytes, kind)) return true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (std::find(waiters_.begin(), waiters_.end(), waiter) == waiters_.end()) {
      waiters_.push_back(waiter);
      waiting_.store(waiters_.size());
    }
  }
  // A release between the first look and the registration woke nobody; look again.
  if (!TryGrow(grant, bytes, kind)) {
    LOG_EVERY_T(WARNING, 60) << "request memory is full (" << used() << " of " << limit_
                             << " bytes, queued_max_request_bytes; " << overdraft_bytes()
                             << " more in the overdraft): reading paused where more is needed";
    return false;
  }
  CancelWait(waiter);
  return true;
}

bool RequestMemoryPool::TryGrow(Grant* grant, uint64_t bytes, Kind kind) {
  if (grant->overdraft) {
    grant->bytes += bytes;
    overdraft_bytes_.fetch_add(bytes);
    return true;
  }
  const uint64_t cap = kind == Kind::kWhole ? limit_ : partial_limit_;
  uint64_t used = used_.load();
  while (bytes <= cap && used <= cap - bytes) {
    if (used_.compare_exchange_weak(used, used + bytes)) {
      grant->bytes += bytes;
      return true;
    }
  }
  if (kind == Kind::kWhole) return false;
  bool taken = false;
  if (!overdraft_taken_.compare_exchange_strong(taken, true)) return false;
  // This request leaves the pool: what it held there is free for the others.
  const uint64_t moved = grant->bytes;
  grant->bytes += bytes;
  grant->overdraft = true;
  overdraft_bytes_.fetch_add(grant->bytes);
  if (moved > 0) GiveBack(moved);
  return true;
}

void RequestMemoryPool::Release(Grant* grant) {
  if (grant->overdraft) {
    overdraft_bytes_.fetch_sub(grant->bytes);
    overdraft_taken_.store(false);
    WakeWaiters();
  } else if (grant->bytes > 0) {
    GiveBack(grant->bytes);
  }
  *grant = Grant{};
}

void RequestMemoryPool::GiveBack(uint64_t bytes) {
  used_.fetch_sub(bytes);
  WakeWaiters();
}

void RequestMemoryPool::WakeWaiters() {
  if (waiting_.load() == 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  // Every waiter tries again: the room may suit any of them, and those still refused
  // register again.
  std::vector<Waiter*> woken = std::exchange(waiters_, {});
  waiting_.store(0);
  for (Waiter* waiter : woken) waiter->OnRoom();
}

void RequestMemoryPool::CancelWait(Waiter* waiter) {
  // Always under the lock: a wake-up running on another thread finishes first.
  std::lock_guard<std::mutex> lock(mu_);
  std::erase(waiters_, waiter);
  waiting_.store(waiters_.size());
}

}  // namespace ringlog
