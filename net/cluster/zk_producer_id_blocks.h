// ZkProducerIdBlocks: producer id blocks reserved in ZooKeeper, shared by every broker of
// the cluster, as Kafka does in ZooKeeper mode. /latest_producer_id_block holds the last
// block handed out ({broker, block_start, block_end}, znodes.h); a broker reserves the
// next one, [end + 1, end + size], with a SetData conditional on the version it read, so
// two brokers racing for a block cannot both get it: the loser sees kBadVersion, reads
// again and retries. An absent node is created holding the first block, [0, size - 1].
//
// Thread safety: not thread-safe (the allocator serialises its calls).
#pragma once

#include <cstdint>
#include <optional>

#include "engine/producer/producer_id_block_store.h"
#include "net/cluster/zk_client.h"

namespace ringlog {

class ZkProducerIdBlocks final : public ProducerIdBlockStore {
 public:
  // `zk` gives the client of the current session; `broker_id` is written into the blocks
  // this broker reserves.
  ZkProducerIdBlocks(ZkClientSource zk, int32_t broker_id);

  // Busy while there is no session (or the connection is lost mid-call); Corruption when
  // the node holds something else; OutOfRange when ids are used up; Busy after too many
  // lost races in a row.
  Result<int64_t> ReserveBlock(int64_t size) override;
  int64_t FirstUnreserved() const override { return first_unreserved_; }
  bool shared() const override { return true; }

 private:
  // One read-and-write attempt: the block's first id, or nullopt when another broker
  // wrote the node in between (read again).
  Result<std::optional<int64_t>> TryReserve(ZkClient& zk, int64_t size);

  const ZkClientSource zk_;
  const int32_t broker_id_;
  int64_t first_unreserved_ = 0;
};

}  // namespace ringlog
