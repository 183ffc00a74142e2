#include "engine/producer/producer_id_block_store.h"

#include <charconv>
#include <limits>
#include <string>

namespace ringlog {
namespace {

constexpr std::string_view kHeader = "ringlog-producer-ids 1\nnext_block ";

std::string Encode(int64_t next_block) {
  std::string out(kHeader);
  out.append(std::to_string(next_block)).push_back('\n');
  return out;
}

Result<int64_t> Decode(std::string_view blob) {
  if (!blob.starts_with(kHeader) || !blob.ends_with('\n')) {
    return Status::Corruption("unreadable producer id blob");
  }
  const std::string_view number = blob.substr(kHeader.size(), blob.size() - kHeader.size() - 1);
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (number.empty() || ec != std::errc() || end != number.data() + number.size() || value < 0) {
    return Status::Corruption("bad next producer id block '" + std::string(number) + "'");
  }
  return value;
}

}  // namespace

Result<std::unique_ptr<MetaProducerIdBlockStore>> MetaProducerIdBlockStore::Open(
    StorageBackend* backend) {
  int64_t next = 0;
  Result<std::string> blob = backend->GetMeta(kMetaName);
  if (blob.ok()) {
    ASSIGN_OR_RETURN(next, Decode(*blob));
  } else if (!blob.status().IsNotFound()) {
    return blob.status();
  }
  return std::unique_ptr<MetaProducerIdBlockStore>(new MetaProducerIdBlockStore(backend, next));
}

Result<int64_t> MetaProducerIdBlockStore::ReserveBlock(int64_t size) {
  if (size <= 0) return Status::InvalidArgument("producer id block size must be positive");
  if (next_block_ > std::numeric_limits<int64_t>::max() - size) {
    return Status::OutOfRange("producer ids are used up");
  }
  const int64_t end = next_block_ + size;
  RETURN_IF_ERROR(backend_->PutMeta(kMetaName, Encode(end)));
  const int64_t first = next_block_;
  next_block_ = end;
  return first;
}

}  // namespace ringlog
