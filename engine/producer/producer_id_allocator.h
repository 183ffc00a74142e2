// ProducerIdAllocator: hands out the producer ids of InitProducerId. Ids are never given
// twice, across crashes and brokers too: they come in blocks reserved durably in a
// ProducerIdBlockStore (engine/producer/producer_id_block_store.h) before the first id of
// a block is handed out. A restart reserves a new block, so at most the unused rest of one
// block is skipped.
//
// Thread safety: thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/log/storage_backend.h"
#include "engine/producer/producer_id_block_store.h"
#include "engine/status.h"

namespace ringlog {

class ProducerIdAllocator {
 public:
  static constexpr int64_t kDefaultBlockSize = 1000;
  static constexpr std::string_view kMetaName = MetaProducerIdBlockStore::kMetaName;

  // The single broker's allocator, over the backend's meta store (none stored: ids start
  // at 0). Corruption when the blob is unreadable; InvalidArgument for a block size below
  // 1. `backend` must outlive the allocator.
  static Result<std::unique_ptr<ProducerIdAllocator>> Open(StorageBackend* backend,
                                                           int64_t block_size = kDefaultBlockSize);

  // REQUIRES: block_size > 0.
  explicit ProducerIdAllocator(std::unique_ptr<ProducerIdBlockStore> blocks,
                               int64_t block_size = kDefaultBlockSize);

  // The next id. When the current block is used up, a new one is reserved first; if that
  // fails, the error is returned and no id is handed out.
  Result<int64_t> Next();

  // True when `id` was handed out, so no one will hand it out again: by this allocator,
  // or (for a store of this broker alone) before a restart, which also retires the
  // unused rest of the blocks reserved then. InitProducerId bumps the epoch of such an id
  // only, so that the bumped id cannot be given to another producer later.
  bool Issued(int64_t id) const;

 private:
  const std::unique_ptr<ProducerIdBlockStore> blocks_;
  const int64_t block_size_;
  // Ids below this were reserved before the allocator started and are never handed out.
  const int64_t retired_;
  mutable std::mutex mu_;
  // The blocks reserved here, [first, end), adjacent ones merged; the last is current.
  std::vector<std::pair<int64_t, int64_t>> reserved_;
  int64_t next_ = 0;  // the id Next hands out next, when reserved_ is not empty
};

}  // namespace ringlog
