// PartitionLog as a follower's log: appends of the leader's batches as they are, and the
// truncations that make it agree with its leader again.
#include <glog/logging.h>

#include <algorithm>
#include <condition_variable>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/log/partition_log.h"
#include "engine/log/record_batch.h"
#include "engine/producer/producer_batch_replay.h"

namespace ringlog {
namespace {

// The whole batches at the front of `bytes` (a trailing partial batch is left out), each
// with a valid CRC, in order, and not overlapping: Corruption otherwise.
Result<std::vector<RecordBatchView>> ParseReplicatedBatches(std::span<const uint8_t> bytes) {
  std::vector<RecordBatchView> batches;
  BatchIterator it(bytes);
  while (std::optional<RecordBatchView> batch = it.Next()) {
    RETURN_IF_ERROR(batch->VerifyCrc());
    if (!batches.empty() && batch->header().base_offset < batches.back().header().next_offset()) {
      return Status::Corruption("replicated batch at offset " +
                                std::to_string(batch->header().base_offset) +
                                " overlaps the one before it");
    }
    batches.push_back(*batch);
  }
  RETURN_IF_ERROR(it.status());
  return batches;
}

// The written callbacks of one AppendReplicated call: how many are still to come and the
// first error, so that the call waits for all of its writes.
struct ReplicatedWrites {
  std::mutex mu;
  std::condition_variable done;
  size_t pending = 0;
  Status first_error;
};

}  // namespace

Status PartitionLog::StartSegmentAtLocked(Offset base, TimestampMs now) {
  std::shared_ptr<Segment> old = ActiveLocked();
  // An empty active segment goes instead of being sealed: an empty segment before the
  // last would hold no timestamps and stop time retention.
  const bool empty = appended_active_bytes_ == 0;
  if (!empty) RETURN_IF_ERROR(old->Seal());
  ASSIGN_OR_RETURN(std::unique_ptr<Segment> next,
                   backend_->CreateSegment(id_, base, {options_.index_interval_bytes}));
  {
    std::unique_lock map_lock(map_mu_);
    if (empty) segments_.erase(old->base_offset());
    segments_.emplace(base, std::move(next));
    published_active_bytes_ = 0;
  }
  appended_active_bytes_ = 0;
  active_created_ms_ = now;
  if (!empty) {
    unflushed_closed_.push_back(std::move(old));
    return Status::OK();
  }
  return backend_->DeleteSegment(id_, old->base_offset());
}

Result<Offset> PartitionLog::AppendReplicated(std::span<const uint8_t> batches) {
  ASSIGN_OR_RETURN(std::vector<RecordBatchView> views, ParseReplicatedBatches(batches));
  std::lock_guard append_lock(append_mu_);
  if (deleted_) return Deleted();
  if (write_failed_.load()) RETURN_IF_ERROR(RecoverFromFailedWriteLocked());
  const Offset start = appended_offset_.load();
  if (views.empty()) return start;
  if (views.front().header().base_offset < start) {
    return Status::InvalidArgument(
        "replicated batch at offset " + std::to_string(views.front().header().base_offset) +
        " is below the log end " + std::to_string(start) + " of " + id_.ToString());
  }
  // The epochs are stored before the batches that carry them, as Append does.
  LeaderEpochHistory epochs = epochs_;
  bool new_epochs = false;
  for (const RecordBatchView& view : views) {
    const BatchHeader& h = view.header();
    if (h.partition_leader_epoch > epochs.latest_epoch()) {
      new_epochs |= epochs.Assign(h.partition_leader_epoch, h.base_offset);
    }
  }
  if (new_epochs) RETURN_IF_ERROR(StoreEpochsLocked(std::move(epochs)));

  const TimestampMs now = clock_->NowMs();
  auto writes = std::make_shared<ReplicatedWrites>();
  Status appended;
  int64_t records = 0;
  for (const RecordBatchView& view : views) {
    const BatchHeader& h = view.header();
    if (h.base_offset > appended_offset_.load()) {
      // A gap in the leader's log: offsets follow on inside a segment.
      appended = StartSegmentAtLocked(h.base_offset, now);
    } else if (ShouldRollLocked(view.size_bytes(), h.last_offset(), now)) {
      appended = RollLocked(now);
    }
    if (!appended.ok()) break;
    const std::shared_ptr<Segment>& active = ActiveLocked();
    const Offset end = h.next_offset();
    const uint64_t end_bytes = appended_active_bytes_ + view.size_bytes();
    {
      std::lock_guard lock(writes_mu_);
      ++writes_in_flight_;
    }
    {
      std::lock_guard lock(writes->mu);
      ++writes->pending;
    }
    appended = active->Append(
        view, [this, writes, end, segment_base = active->base_offset(), end_bytes](Status status) {
          if (status.ok()) Publish(end, segment_base, end_bytes);
          {
            std::lock_guard lock(writes->mu);
            if (!status.ok() && writes->first_error.ok()) writes->first_error = status;
            if (--writes->pending == 0) writes->done.notify_all();
          }
          WriteDone();
        });
    if (!appended.ok()) {
      WriteDone();
      std::lock_guard lock(writes->mu);
      --writes->pending;
      break;
    }
    appended_offset_ = end;
    appended_active_bytes_ = end_bytes;
    records += h.record_count;
  }
  {
    std::unique_lock lock(writes->mu);
    writes->done.wait(lock, [&] { return writes->pending == 0; });
    if (appended.ok()) appended = writes->first_error;
  }
  if (appended.ok() && unflushed_messages_ + records >= options_.flush_interval_messages) {
    appended = FlushLocked(appended_offset_.load());
  } else if (appended.ok()) {
    unflushed_messages_ += records;
    if (first_unflushed_ms_ == kNoTimestamp) first_unflushed_ms_ = now;
  }
  if (!appended.ok()) {
    // Nothing of the call stays: the log goes back to where it ended.
    Status undone = TruncateLocked(start);
    if (!undone.ok()) {
      LOG(WARNING) << id_.ToString()
                   << ": undoing a failed replicated append: " << undone.ToString();
      write_failed_ = true;
    }
    return appended.WithContext("replicated append to " + id_.ToString());
  }
  for (const RecordBatchView& view : views) {
    const BatchHeader& h = view.header();
    if (h.producer_id < 0) continue;
    const bool starts_txn =
        h.is_transactional() && !h.is_control() && producers_.OngoingTxn(h.producer_id) == kNoTxn;
    Result<std::optional<CompletedTxn>> completed = RecordStoredBatch(view, producers_);
    if (!completed.ok()) {
      // The leader wrote it and its CRC holds: a marker this broker cannot read still
      // takes nothing from the log.
      LOG(ERROR) << id_.ToString() << ": replicated marker at " << h.base_offset << ": "
                 << completed.status().ToString();
    } else if (*completed) {
      CompleteTxnLocked(**completed);
    }
    if (starts_txn) {
      std::unique_lock map_lock(map_mu_);
      unstable_txns_.Begin(h.producer_id, h.base_offset);
    }
    producer_snapshot_stale_ = true;
  }
  return appended_offset_.load();
}

Status PartitionLog::TruncateTo(Offset offset) {
  std::lock_guard append_lock(append_mu_);
  if (deleted_) return Deleted();
  if (write_failed_.load()) RETURN_IF_ERROR(RecoverFromFailedWriteLocked());
  if (offset < log_start_offset()) {
    return Status::InvalidArgument("cannot truncate " + id_.ToString() + " to " +
                                   std::to_string(offset) + ", below its log start offset " +
                                   std::to_string(log_start_offset()));
  }
  if (offset >= appended_offset_.load()) {
    // As Kafka's truncateTo: a follower told to cut where its log ends may hold an epoch that
    // starts there, one it led without writing (killed before its first batch). Kept, it
    // stays the follower's latest epoch, which its next fetch names again, and the leader,
    // which never knew it, answers with the same cut, forever.
    LeaderEpochHistory epochs = epochs_;
    if (epochs.TruncateFromEnd(offset)) RETURN_IF_ERROR(StoreEpochsLocked(std::move(epochs)));
    return Status::OK();
  }
  return TruncateLocked(offset).WithContext("truncate " + id_.ToString() + " to " +
                                            std::to_string(offset));
}

Status PartitionLog::TruncateLocked(Offset offset) {
  // Every write reported, so nothing publishes past the cut afterwards.
  WaitForWrites();
  const auto first_doomed = segments_.lower_bound(offset);
  std::shared_ptr<Segment> holder =
      first_doomed == segments_.begin() ? nullptr : std::prev(first_doomed)->second;
  std::vector<std::shared_ptr<Segment>> doomed;
  for (auto it = first_doomed; it != segments_.end(); ++it) doomed.push_back(it->second);
  Offset end = offset;
  if (holder != nullptr) {
    // A batch that starts below `offset` stays whole.
    RETURN_IF_ERROR(holder->TruncateTo(offset));
    RETURN_IF_ERROR(holder->Flush());
    end = holder->next_offset();
  }
  for (const std::shared_ptr<Segment>& segment : doomed) {
    Status removed = backend_->DeleteSegment(id_, segment->base_offset());
    // A retry after a failure finds some of them gone already.
    if (!removed.ok() && !removed.IsNotFound()) return removed;
  }
  std::unique_ptr<Segment> fresh;
  if (holder == nullptr || holder->sealed()) {
    ASSIGN_OR_RETURN(fresh, backend_->CreateSegment(id_, end, {options_.index_interval_bytes}));
    RETURN_IF_ERROR(fresh->Flush());
  }
  {
    std::unique_lock map_lock(map_mu_);
    segments_.erase(first_doomed, segments_.end());
    if (fresh != nullptr) {
      segments_.emplace(end, std::move(fresh));
      active_created_ms_ = clock_->NowMs();
    }
    next_offset_ = end;
    published_active_bytes_ = segments_.rbegin()->second->size_bytes();
    while (!batch_ends_.empty() && batch_ends_.back().offset > end) batch_ends_.pop_back();
    if (replicated_ && high_watermark_ > end) SetHighWatermarkLocked(end, CutAtLocked(end));
  }
  std::erase_if(unflushed_closed_, [&](const std::shared_ptr<Segment>& s) {
    return std::find(doomed.begin(), doomed.end(), s) != doomed.end();
  });
  appended_offset_ = end;
  appended_active_bytes_ = published_active_bytes_;
  {
    std::lock_guard flush_lock(flush_mu_);
    ++truncations_;
    flushed_offset_ = std::min(flushed_offset_.load(), end);
  }
  FailDuplicateWaitersAbove(end);
  LeaderEpochHistory epochs = epochs_;
  if (epochs.TruncateFromEnd(end)) RETURN_IF_ERROR(StoreEpochsLocked(std::move(epochs)));
  RETURN_IF_ERROR(LoadProducerStateLocked());
  std::lock_guard checkpoint_lock(checkpoint_mu_);
  return replicated_ ? CheckpointLocked(high_watermark()) : Status::OK();
}

Status PartitionLog::TruncateFullyAndStartAt(Offset offset) {
  if (offset < 0) return Status::InvalidArgument("negative log start offset");
  std::lock_guard append_lock(append_mu_);
  if (deleted_) return Deleted();
  if (write_failed_.load()) RETURN_IF_ERROR(RecoverFromFailedWriteLocked());
  WaitForWrites();
  for (const auto& [base, segment] : segments_) {
    Status removed = backend_->DeleteSegment(id_, base);
    if (!removed.ok() && !removed.IsNotFound()) return removed;
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Segment> fresh,
                   backend_->CreateSegment(id_, offset, {options_.index_interval_bytes}));
  RETURN_IF_ERROR(fresh->Flush());
  RETURN_IF_ERROR(PersistLogStartOffset(offset));
  for (const std::string& blob : {ProducerStateMetaName(id_), AbortedTxnMetaName(id_)}) {
    Status removed = backend_->DeleteMeta(blob);
    if (!removed.ok() && !removed.IsNotFound()) return removed;
  }
  RETURN_IF_ERROR(StoreEpochsLocked(LeaderEpochHistory()));
  {
    std::unique_lock map_lock(map_mu_);
    segments_.clear();
    segments_.emplace(offset, std::move(fresh));
    log_start_offset_ = offset;
    next_offset_ = offset;
    published_active_bytes_ = 0;
    batch_ends_.clear();
    if (replicated_) SetHighWatermarkLocked(offset, {offset, offset, 0});
    aborted_txns_.Clear();
    unstable_txns_.Clear();
  }
  active_created_ms_ = clock_->NowMs();
  unflushed_closed_.clear();
  unflushed_messages_ = 0;
  first_unflushed_ms_ = kNoTimestamp;
  appended_offset_ = offset;
  appended_active_bytes_ = 0;
  {
    std::lock_guard flush_lock(flush_mu_);
    ++truncations_;
    flushed_offset_ = offset;
  }
  FailDuplicateWaitersAbove(offset);
  producers_.Clear();
  producer_snapshot_stale_ = false;
  std::lock_guard checkpoint_lock(checkpoint_mu_);
  return replicated_ ? CheckpointLocked(offset) : Status::OK();
}

void PartitionLog::FailDuplicateWaitersAbove(Offset end) {
  std::vector<std::pair<Offset, Segment::WrittenCallback>> failed;
  {
    std::lock_guard waiters_lock(waiters_mu_);
    const auto cut = std::partition(duplicate_waiters_.begin(), duplicate_waiters_.end(),
                                    [end](const auto& waiter) { return waiter.first <= end; });
    failed.assign(std::make_move_iterator(cut), std::make_move_iterator(duplicate_waiters_.end()));
    duplicate_waiters_.erase(cut, duplicate_waiters_.end());
  }
  for (auto& [waited_end, written] : failed) {
    written(Status::Busy("the batch that " + id_.ToString() + " waited for was truncated"));
  }
}

}  // namespace ringlog
