// ProducerIdBlockStore: where the blocks of producer ids are reserved. The allocator
// (engine/producer/producer_id_allocator.h) hands out ids from a block only once the block
// is durably reserved, so no id is ever handed out twice, across crashes and, when the
// store is shared by several brokers (ZooKeeper, net/cluster/zk_producer_id_blocks.h),
// across brokers. Blocks only go up: each starts at or above the end of every earlier one.
//
// MetaProducerIdBlockStore is the single broker's: the end of the last block in the
// backend's meta store, blob "producer-ids": "ringlog-producer-ids 1\nnext_block <first id
// of the next block>\n".
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "engine/log/storage_backend.h"
#include "engine/status.h"

namespace ringlog {

class ProducerIdBlockStore {
 public:
  virtual ~ProducerIdBlockStore() = default;

  // Reserves the next block of `size` ids (size > 0) and returns its first id; the block
  // is durable before this returns. On an error nothing may be handed out (the block may
  // or may not have been reserved: its ids are then skipped). OutOfRange when ids are
  // used up.
  virtual Result<int64_t> ReserveBlock(int64_t size) = 0;

  // The first id above every block reserved so far, as this store last saw it.
  virtual int64_t FirstUnreserved() const = 0;

  // True when other brokers reserve blocks from the same store: then ids below
  // FirstUnreserved() may belong to their live blocks and be handed out later. False when
  // this broker alone uses it: every block reserved before this process started is dead,
  // its unused ids never to be handed out.
  virtual bool shared() const = 0;
};

// The backend's meta store, for one broker alone.
//
// Thread safety: not thread-safe (the allocator serialises its calls).
class MetaProducerIdBlockStore final : public ProducerIdBlockStore {
 public:
  static constexpr std::string_view kMetaName = "producer-ids";

  // Reads the stored block end (none stored: ids start at 0). Corruption when the blob is
  // unreadable. `backend` must outlive the store.
  static Result<std::unique_ptr<MetaProducerIdBlockStore>> Open(StorageBackend* backend);

  Result<int64_t> ReserveBlock(int64_t size) override;
  int64_t FirstUnreserved() const override { return next_block_; }
  bool shared() const override { return false; }

 private:
  MetaProducerIdBlockStore(StorageBackend* backend, int64_t next_block)
      : backend_(backend), next_block_(next_block) {}

  StorageBackend* const backend_;
  int64_t next_block_;
};

}  // namespace ringlog
