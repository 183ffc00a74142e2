#include "net/server/frame_decoder.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "engine/big_endian.h"

namespace ringlog {
namespace {

constexpr size_t kSizePrefixBytes = 4;

}  // namespace

FrameDecoder::FrameDecoder(int32_t max_frame_bytes)
    : max_frame_bytes_(max_frame_bytes), staging_(new char[kStagingBytes]) {}

std::span<char> FrameDecoder::ReadBuffer() {
  direct_read_ = in_body_ && begin_ == end_ && body_.size() - body_filled_ >= kDirectReadMinBytes;
  if (direct_read_) return {body_.data() + body_filled_, body_.size() - body_filled_};
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

Result<std::optional<std::string>> FrameDecoder::Next() {
  using MaybeFrame = std::optional<std::string>;
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
    body_.assign(static_cast<size_t>(size), '\0');
    body_filled_ = 0;
    in_body_ = true;
  }
  const size_t take = std::min(end_ - begin_, body_.size() - body_filled_);
  std::memcpy(body_.data() + body_filled_, staging_.get() + begin_, take);
  begin_ += take;
  body_filled_ += take;
  if (body_filled_ < body_.size()) return MaybeFrame();
  in_body_ = false;
  body_filled_ = 0;
  return MaybeFrame(std::move(body_));
}

}  // namespace ringlog
