#include "engine/producer/producer_id_allocator.h"

#include <glog/logging.h>

#include <algorithm>

namespace ringlog {

Result<std::unique_ptr<ProducerIdAllocator>> ProducerIdAllocator::Open(StorageBackend* backend,
                                                                       int64_t block_size) {
  if (block_size <= 0) return Status::InvalidArgument("producer id block size must be positive");
  ASSIGN_OR_RETURN(std::unique_ptr<MetaProducerIdBlockStore> blocks,
                   MetaProducerIdBlockStore::Open(backend));
  return std::make_unique<ProducerIdAllocator>(std::move(blocks), block_size);
}

ProducerIdAllocator::ProducerIdAllocator(std::unique_ptr<ProducerIdBlockStore> blocks,
                                         int64_t block_size)
    : blocks_(std::move(blocks)),
      block_size_(block_size),
      retired_(blocks_->shared() ? 0 : blocks_->FirstUnreserved()) {
  CHECK_GT(block_size_, 0);
}

Result<int64_t> ProducerIdAllocator::Next() {
  std::lock_guard lock(mu_);
  if (reserved_.empty() || next_ == reserved_.back().second) {
    ASSIGN_OR_RETURN(const int64_t first, blocks_->ReserveBlock(block_size_));
    if (!reserved_.empty() && reserved_.back().second == first) {
      reserved_.back().second = first + block_size_;
    } else {
      reserved_.emplace_back(first, first + block_size_);
    }
    next_ = first;
  }
  return next_++;
}

bool ProducerIdAllocator::Issued(int64_t id) const {
  if (id < 0) return false;
  if (id < retired_) return true;
  std::lock_guard lock(mu_);
  return std::any_of(reserved_.begin(), reserved_.end(), [&](const auto& block) {
    return id >= block.first && id < std::min(block.second, next_);
  });
}

}  // namespace ringlog
