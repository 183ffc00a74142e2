#include "net/cluster/zk_producer_id_blocks.h"

#include <glog/logging.h>

#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "net/cluster/znodes.h"

namespace ringlog {
namespace {

// Lost races in a row before giving up for now: each loss means another broker got a
// block, so this many means something is wrong rather than busy.
constexpr int kMaxAttempts = 50;

}  // namespace

ZkProducerIdBlocks::ZkProducerIdBlocks(ZkClientSource zk, int32_t broker_id)
    : zk_(std::move(zk)), broker_id_(broker_id) {}

Result<int64_t> ZkProducerIdBlocks::ReserveBlock(int64_t size) {
  if (size <= 0) return Status::InvalidArgument("producer id block size must be positive");
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    std::shared_ptr<ZkClient> zk = zk_();
    if (zk == nullptr) return Status::Busy("no ZooKeeper session for a producer id block");
    ASSIGN_OR_RETURN(std::optional<int64_t> first, TryReserve(*zk, size));
    if (first) return *first;
  }
  return Status::Busy("lost the race for a producer id block " + std::to_string(kMaxAttempts) +
                      " times");
}

Result<std::optional<int64_t>> ZkProducerIdBlocks::TryReserve(ZkClient& zk, int64_t size) {
  const std::string path(znodes::kProducerIdBlock);
  std::string data;
  ZkStat stat;
  const ZkStatus read = zk.Get(path, &data, &stat, /*watch=*/false);
  znodes::ProducerIdBlock block;
  block.broker_id = broker_id_;
  if (read.code == ZkCode::kNoNode) {
    block.block_start = 0;
    block.block_end = size - 1;
    const ZkStatus created =
        zk.Create(path, znodes::EncodeProducerIdBlock(block), /*ephemeral=*/false);
    if (created.code == ZkCode::kNodeExists) return std::optional<int64_t>();
    if (!created.ok()) return created.ToStatus();
  } else if (!read.ok()) {
    return read.ToStatus();
  } else {
    ASSIGN_OR_RETURN(const znodes::ProducerIdBlock last, znodes::DecodeProducerIdBlock(data));
    if (last.block_end < -1 || last.block_end > std::numeric_limits<int64_t>::max() - size) {
      return Status::OutOfRange("producer ids are used up (last block ends at " +
                                std::to_string(last.block_end) + ")");
    }
    block.block_start = last.block_end + 1;
    block.block_end = last.block_end + size;
    const ZkStatus written =
        zk.SetData(path, znodes::EncodeProducerIdBlock(block), stat.version, nullptr);
    if (written.code == ZkCode::kBadVersion) return std::optional<int64_t>();
    if (!written.ok()) return written.ToStatus();
  }
  first_unreserved_ = block.block_end + 1;
  LOG(INFO) << "broker " << broker_id_ << " reserved producer ids [" << block.block_start << ", "
            << block.block_end << "]";
  return std::optional<int64_t>(block.block_start);
}

}  // namespace ringlog
