#include "net/server/frame_decoder.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "engine/big_endian.h"

namespace ringlog {
namespace {

constexpr size_t kSizePrefixBytes = 4;

}  // namespace

FrameDecoder::FrameDecoder(int32_t max_frame_bytes, ConnectionMemory* memory)
    : max_frame_bytes_(max_frame_bytes), memory_(memory), staging_(new char[kStagingBytes]) {}

std::span<char> FrameDecoder::ReadBuffer() {
  direct_read_ = false;
  // The first bytes of a body go to the staging buffer, so a size prefix with nothing
  // behind it allocates nothing.
  if (in_body_ && large() && begin_ == end_ && body_filled_ > 0 &&
      body_size_ - body_filled_ >= kDirectReadMinBytes) {
    if (body_.size() - body_filled_ < kDirectReadMinBytes) GrowBody(kDirectReadMinBytes);
    // Refused: read into the staging buffer until the memory comes.
    if (body_.size() - body_filled_ >= kDirectReadMinBytes) {
      direct_read_ = true;
      return {body_.data() + body_filled_, body_.size() - body_filled_};
    }
  }
  if (begin_ > 0) {
    std::memmove(staging_.get(), staging_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  return {staging_.get() + end_, kStagingBytes - end_};
}

void FrameDecoder::Commit(size_t n) {
  if (direct_read_) {
    body_filled_ += n;
  } else {
    end_ += n;
  }
}

bool FrameDecoder::GrowBody(size_t min_room) {
  const size_t size = body_.size();
  const size_t target =
      std::min(body_size_, std::max({body_filled_ + min_room, 2 * size, kStagingBytes}));
  if (target <= size) return true;
  if (!memory_->Grow(&lease_, target - size, RequestMemoryPool::Kind::kPartial)) return false;
  // A fresh string of exactly the target capacity (growing body_ in place would round the
  // capacity up past what the lease holds); only the received bytes are copied.
  std::string grown;
  grown.reserve(target);
  grown.append(body_, 0, body_filled_);
  grown.resize(target);
  body_.swap(grown);
  return true;
}

Result<std::optional<FrameDecoder::Frame>> FrameDecoder::Next() {
  using MaybeFrame = std::optional<Frame>;
  if (!in_body_) {
    if (end_ - begin_ < kSizePrefixBytes) return MaybeFrame();
    const int32_t size =
        LoadBigEndian<int32_t>(reinterpret_cast<const uint8_t*>(staging_.get() + begin_));
    if (size < 0) {
      return Status::InvalidArgument(std::string("negative request size ") + std::to_string(size));
    }
    if (size > max_frame_bytes_) {
      return Status::TooLarge(std::string("request size ") + std::to_string(size) +
                              " is above socket.request.max.bytes " +
                              std::to_string(max_frame_bytes_));
    }
    begin_ += kSizePrefixBytes;
    body_size_ = static_cast<size_t>(size);
    body_filled_ = 0;
    in_body_ = true;
  }
  const size_t staged = end_ - begin_;
  if (!large()) {
    if (staged < body_size_) return MaybeFrame();
    if (!memory_->Grow(&lease_, body_size_, RequestMemoryPool::Kind::kWhole)) return MaybeFrame();
    body_.assign(staging_.get() + begin_, body_size_);
    begin_ += body_size_;
  } else {
    const size_t wanted = std::min(staged, body_size_ - body_filled_);
    if (wanted > body_.size() - body_filled_) GrowBody(wanted);
    // Refused: what fits goes in, the rest stays staged.
    const size_t take = std::min(wanted, body_.size() - body_filled_);
    std::memcpy(body_.data() + body_filled_, staging_.get() + begin_, take);
    begin_ += take;
    body_filled_ += take;
    if (body_filled_ < body_size_) return MaybeFrame();
  }
  in_body_ = false;
  Frame frame{std::exchange(body_, std::string()), std::move(lease_)};
  return MaybeFrame(std::move(frame));
}

}  // namespace ringlog
