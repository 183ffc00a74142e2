#include "engine/log/compression/output_buffer.h"

#include <glog/logging.h>

#include <algorithm>
#include <cstring>

namespace ringlog {
namespace {

constexpr size_t kMinGrowth = 64 << 10;

}  // namespace

void OutputBuffer::Reset(size_t limit) {
  size_ = 0;
  limit_ = limit;
}

bool OutputBuffer::Reserve(size_t bytes) {
  if (bytes > limit_ - size_) return false;
  if (bytes <= usable() - size_) return true;
  const size_t wanted = std::max({size_ + bytes, capacity_ * 2, kMinGrowth});
  const size_t capacity = std::min(wanted, limit_);
  auto grown = std::make_unique_for_overwrite<uint8_t[]>(capacity);
  if (size_ > 0) std::memcpy(grown.get(), bytes_.get(), size_);
  bytes_ = std::move(grown);
  capacity_ = capacity;
  return true;
}

bool OutputBuffer::Grow() {
  if (size_ < usable()) return true;
  // As much again as is held, at least kMinGrowth, within the limit.
  const size_t room = std::min(std::max(capacity_, kMinGrowth), limit_ - size_);
  return room > 0 && Reserve(room);
}

void OutputBuffer::Commit(size_t bytes) {
  CHECK_LE(bytes, usable() - size_);
  size_ += bytes;
}

void OutputBuffer::Trim(size_t keep) {
  if (capacity_ <= keep) return;
  bytes_.reset();
  size_ = 0;
  capacity_ = 0;
}

}  // namespace ringlog
