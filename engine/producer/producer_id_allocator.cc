#include "engine/producer/producer_id_allocator.h"

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

Result<std::unique_ptr<ProducerIdAllocator>> ProducerIdAllocator::Open(StorageBackend* backend,
                                                                       int64_t block_size) {
  if (block_size <= 0) return Status::InvalidArgument("producer id block size must be positive");
  int64_t next = 0;
  Result<std::string> blob = backend->GetMeta(kMetaName);
  if (blob.ok()) {
    ASSIGN_OR_RETURN(next, Decode(*blob));
  } else if (!blob.status().IsNotFound()) {
    return blob.status();
  }
  return std::unique_ptr<ProducerIdAllocator>(new ProducerIdAllocator(backend, block_size, next));
}

Result<int64_t> ProducerIdAllocator::Next() {
  std::lock_guard lock(mu_);
  if (next_ == block_end_) {
    if (next_ > std::numeric_limits<int64_t>::max() - block_size_) {
      return Status::OutOfRange("producer ids are used up");
    }
    const int64_t end = next_ + block_size_;
    RETURN_IF_ERROR(backend_->PutMeta(kMetaName, Encode(end)));
    block_end_ = end;
  }
  return next_++;
}

bool ProducerIdAllocator::Issued(int64_t id) const {
  std::lock_guard lock(mu_);
  return id >= 0 && id < next_;
}

}  // namespace ringlog
