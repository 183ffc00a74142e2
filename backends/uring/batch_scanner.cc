#include "backends/uring/batch_scanner.h"

#include <algorithm>

namespace ringlog {
namespace {

// Reads of headers stay small; verifying reads every byte, so it reads more per call.
constexpr size_t kHeaderChunkBytes = 16 << 10;
constexpr size_t kVerifyChunkBytes = 1 << 20;

}  // namespace

BatchScanner::BatchScanner(const UringFile* file, uint64_t position, uint64_t limit, Mode mode,
                           Offset first_offset)
    : file_(file),
      limit_(limit),
      mode_(mode),
      chunk_(mode == Mode::kVerify ? kVerifyChunkBytes : kHeaderChunkBytes),
      position_(position),
      expected_offset_(first_offset) {}

Status BatchScanner::Fill(uint64_t len) {
  if (position_ >= buffer_start_ && position_ + len <= buffer_start_ + buffer_len_) {
    return Status::OK();
  }
  // Read at least a chunk (as far as the limit allows), so that the batches after this
  // one come from memory.
  const uint64_t want = std::max<uint64_t>(len, std::min<uint64_t>(chunk_, limit_ - position_));
  if (want > capacity_) {
    buffer_.reset(new uint8_t[want]);
    capacity_ = want;
  }
  buffer_start_ = position_;
  buffer_len_ = 0;
  RETURN_IF_ERROR(file_->Read(position_, {buffer_.get(), want}));
  buffer_len_ = want;
  return Status::OK();
}

Result<std::optional<ScannedBatch>> BatchScanner::Next() {
  if (!damage_.empty() || position_ >= limit_) return std::optional<ScannedBatch>();
  const uint64_t left = limit_ - position_;
  if (left < kBatchHeaderSize) {
    damage_ = "torn batch: " + std::to_string(left) + " bytes, less than a batch header";
    torn_ = true;
    return std::optional<ScannedBatch>();
  }
  RETURN_IF_ERROR(Fill(kBatchHeaderSize));
  const uint8_t* at = buffer_.get() + (position_ - buffer_start_);
  Result<BatchHeader> header = DecodeBatchHeader({at, kBatchHeaderSize});
  if (!header.ok()) {
    damage_ = header.status().message();
    return std::optional<ScannedBatch>();
  }
  const uint64_t size = header->size_bytes();
  if (size > left) {
    damage_ = "torn batch: its header says " + std::to_string(size) + " bytes, the file has " +
              std::to_string(left);
    torn_ = true;
    return std::optional<ScannedBatch>();
  }
  if (mode_ == Mode::kVerify) {
    if (header->base_offset != expected_offset_) {
      damage_ = "batch base offset " + std::to_string(header->base_offset) + " where " +
                std::to_string(expected_offset_) + " was expected";
      return std::optional<ScannedBatch>();
    }
    RETURN_IF_ERROR(Fill(size));
    at = buffer_.get() + (position_ - buffer_start_);
    Result<RecordBatchView> view = RecordBatchView::Parse({at, size});
    Status crc = view.ok() ? view->VerifyCrc() : view.status();
    if (!crc.ok()) {
      damage_ = crc.message();
      return std::optional<ScannedBatch>();
    }
    expected_offset_ = header->next_offset();
  }
  ScannedBatch batch{position_, *header};
  position_ += size;
  return std::optional<ScannedBatch>(batch);
}

}  // namespace ringlog
