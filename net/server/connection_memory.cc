#include "net/server/connection_memory.h"

#include <glog/logging.h>

#include <utility>

namespace ringlog {

ConnectionMemory::Lease::Lease(Lease&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)),
      grant_(std::exchange(other.grant_, RequestMemoryPool::Grant{})) {}

ConnectionMemory::Lease& ConnectionMemory::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    Reset();
    owner_ = std::exchange(other.owner_, nullptr);
    grant_ = std::exchange(other.grant_, RequestMemoryPool::Grant{});
  }
  return *this;
}

void ConnectionMemory::Lease::Reset() {
  if (owner_ != nullptr) owner_->Return(this);
  owner_ = nullptr;
}

ConnectionMemory::ConnectionMemory(RequestMemoryPool* pool, uint64_t max_held_bytes,
                                   std::function<void()> on_room)
    : pool_(pool), max_held_(max_held_bytes), on_room_(std::move(on_room)) {}

ConnectionMemory::~ConnectionMemory() {
  CHECK_EQ(held_, 0u) << "a request lease outlived its connection's account";
  pool_->CancelWait(this);
}

bool ConnectionMemory::Grow(Lease* lease, uint64_t bytes, RequestMemoryPool::Kind kind) {
  CHECK(lease->owner_ == nullptr || lease->owner_ == this) << "lease of another connection";
  const bool only_request = held_ == lease->bytes();
  if (!only_request && held_ + bytes > max_held_) return false;
  if (!pool_->Grow(&lease->grant_, bytes, kind, this)) return false;
  lease->owner_ = this;
  held_ += bytes;
  return true;
}

void ConnectionMemory::OnRoom() { on_room_(); }

void ConnectionMemory::Return(Lease* lease) {
  held_ -= lease->grant_.bytes;
  pool_->Release(&lease->grant_);
}

}  // namespace ringlog
