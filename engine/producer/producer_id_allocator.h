// ProducerIdAllocator: hands out the producer ids of InitProducerId. Ids are never given
// twice, across crashes too: they come in blocks, and the end of a block is stored durably
// in the backend's meta store before the first id of that block is handed out. A restart
// goes on from the stored end, so at most the unused rest of one block is skipped.
//
// Meta blob "producer-ids": "ringlog-producer-ids 1\nnext_block <first id of the next
// block>\n".
//
// Thread safety: thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>

#include "engine/log/storage_backend.h"
#include "engine/status.h"

namespace ringlog {

class ProducerIdAllocator {
 public:
  static constexpr int64_t kDefaultBlockSize = 1000;
  static constexpr std::string_view kMetaName = "producer-ids";

  // Reads the stored block end (none stored: ids start at 0). Corruption when the blob is
  // unreadable. `backend` must outlive the allocator.
  static Result<std::unique_ptr<ProducerIdAllocator>> Open(StorageBackend* backend,
                                                           int64_t block_size = kDefaultBlockSize);

  // The next id. When it starts a new block, the block's end is stored first; if that
  // fails, the error is returned and no id is handed out.
  Result<int64_t> Next();

  // True when Next will never hand out `id`: it is below the next id, so it was handed out
  // (here or before a restart on the same backend) or skipped with the rest of a block.
  // InitProducerId bumps the epoch of such an id only, so that the bumped id cannot be
  // given to another producer later.
  bool Issued(int64_t id) const;

 private:
  ProducerIdAllocator(StorageBackend* backend, int64_t block_size, int64_t next)
      : backend_(backend), block_size_(block_size), next_(next), block_end_(next) {}

  StorageBackend* const backend_;
  const int64_t block_size_;
  mutable std::mutex mu_;
  int64_t next_;       // the id Next hands out next
  int64_t block_end_;  // ids below this are covered by the stored block end
};

}  // namespace ringlog
