// PartitionLog's high watermark on a replicated log: where consumer reads stop, how it
// moves, and its checkpoint.
#include <glog/logging.h>

#include <algorithm>
#include <charconv>
#include <string>
#include <variant>

#include "engine/log/partition_log.h"

namespace ringlog {

PartitionLog::ReadCut PartitionLog::CutBefore(const Segment& segment, Offset offset) {
  const Offset base = segment.base_offset();
  // At or before the segment's first batch (a gap before it holds nothing to read).
  if (offset <= base) return {offset, base, 0};
  Result<ReadResult> holder = segment.Read(offset, 1);
  if (!holder.ok()) {
    // Damage holds the offset: stop before the whole segment, never past the offset.
    LOG(WARNING) << "placing the high watermark " << offset << ": " << holder.status().ToString();
    return {base, base, 0};
  }
  const auto* slice = std::get_if<FileSlice>(&holder->data);
  // Reads of a backend without files are cut by their batch headers, not by bytes.
  return {holder->first_offset, base, slice != nullptr ? slice->position : 0};
}

PartitionLog::ReadCut PartitionLog::CutAtLocked(Offset offset) const {
  if (offset == next_offset_) {
    return {offset, segments_.rbegin()->first, published_active_bytes_};
  }
  const auto known =
      std::lower_bound(batch_ends_.begin(), batch_ends_.end(), offset,
                       [](const ReadCut& end, Offset wanted) { return end.offset < wanted; });
  if (known != batch_ends_.end() && known->offset == offset) return *known;
  const std::shared_ptr<Segment> segment = FindSegmentLocked(offset);
  if (segment == nullptr) return {offset, segments_.rbegin()->first, 0};
  return CutBefore(*segment, offset);
}

void PartitionLog::SetHighWatermarkLocked(Offset hw, const ReadCut& cut) {
  high_watermark_ = hw;
  read_cut_ = cut;
  while (!batch_ends_.empty() && batch_ends_.front().offset <= cut.offset) {
    batch_ends_.pop_front();
  }
}

Status PartitionLog::LoadHighWatermarkLocked() {
  if (!replicated_) return Status::OK();
  Offset hw = log_start_offset_;
  Result<std::string> stored = backend_->GetMeta(HighWatermarkMetaName(id_));
  if (stored.ok()) {
    Offset value = 0;
    const auto [end, ec] = std::from_chars(stored->data(), stored->data() + stored->size(), value);
    if (ec == std::errc() && end == stored->data() + stored->size() && value >= 0) {
      hw = std::clamp(value, log_start_offset_, next_offset_);
      checkpointed_hw_ = value;
    } else {
      LOG(WARNING) << id_.ToString() << ": ignoring the high watermark checkpoint '" << *stored
                   << "'; starting at the log start offset " << hw;
    }
  } else if (!stored.status().IsNotFound()) {
    return stored.status();
  }
  SetHighWatermarkLocked(hw, CutAtLocked(hw));
  return Status::OK();
}

Offset PartitionLog::AdvanceHighWatermark(Offset hw) {
  if (!replicated_) return high_watermark();
  std::unique_lock map_lock(map_mu_);
  hw = std::min(hw, next_offset_);
  if (hw <= high_watermark_) return high_watermark_;
  SetHighWatermarkLocked(hw, CutAtLocked(hw));
  return hw;
}

Offset PartitionLog::high_watermark() const {
  std::shared_lock map_lock(map_mu_);
  return replicated_ ? high_watermark_ : next_offset_;
}

Status PartitionLog::CheckpointLocked(Offset hw) {
  if (hw == checkpointed_hw_) return Status::OK();
  RETURN_IF_ERROR(backend_->PutMeta(HighWatermarkMetaName(id_), std::to_string(hw))
                      .WithContext("checkpoint the high watermark of " + id_.ToString()));
  checkpointed_hw_ = hw;
  return Status::OK();
}

Status PartitionLog::CheckpointHighWatermark() {
  if (!replicated_) return Status::OK();
  std::lock_guard checkpoint_lock(checkpoint_mu_);
  Offset hw;
  {
    std::shared_lock map_lock(map_mu_);
    if (deleted_) return Deleted();
    hw = high_watermark_;
  }
  return CheckpointLocked(hw);
}

}  // namespace ringlog
