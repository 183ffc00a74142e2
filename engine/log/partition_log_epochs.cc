// PartitionLog's leader-epoch history: loading, rebuilding, recording and answering.
#include <glog/logging.h>

#include <algorithm>
#include <string>
#include <utility>

#include "engine/log/batch_header_scan.h"
#include "engine/log/partition_log.h"

namespace ringlog {

std::string PartitionLog::LeaderEpochMetaName(const PartitionId& id) {
  return std::string(kLeaderEpochMetaPrefix) + id.ToString();
}

Status PartitionLog::LoadLeaderEpochsLocked() {
  const Offset end = appended_offset_.load();
  Result<std::string> blob = backend_->GetMeta(LeaderEpochMetaName(id_));
  if (!blob.ok() && !blob.status().IsNotFound()) return blob.status();
  if (blob.ok()) {
    Result<LeaderEpochHistory> stored = LeaderEpochHistory::Decode(*blob);
    if (stored.ok()) {
      // Epochs that start past the log end (their batches were lost in a crash), or below
      // the log start, go; one that starts at the log end is an assignment kept.
      LeaderEpochHistory history = std::move(*stored);
      const bool cut = history.TruncateFromEnd(end + 1);
      const bool trimmed = history.TruncateFromStart(log_start_offset_);
      epochs_ = std::move(history);
      if (!cut && !trimmed) return Status::OK();
      return backend_->PutMeta(LeaderEpochMetaName(id_), epochs_.Encode());
    }
    LOG(WARNING) << id_.ToString() << ": ignoring the leader epoch history ("
                 << stored.status().ToString() << "); rebuilding it from the log";
  }
  // Every batch carries the epoch of the leader that appended it.
  LeaderEpochHistory history;
  for (const auto& [base, segment] : segments_) {
    RETURN_IF_ERROR(
        ForEachBatchHeader(*segment, log_start_offset_, [&history](const BatchHeader& header) {
          if (header.partition_leader_epoch > history.latest_epoch()) {
            history.Assign(header.partition_leader_epoch, header.base_offset);
          }
        }).WithContext("rebuild the leader epochs of " + id_.ToString()));
  }
  history.TruncateFromStart(log_start_offset_);
  epochs_ = std::move(history);
  if (epochs_.empty() && blob.status().IsNotFound()) return Status::OK();
  return backend_->PutMeta(LeaderEpochMetaName(id_), epochs_.Encode());
}

Status PartitionLog::StoreEpochsLocked(LeaderEpochHistory history) {
  RETURN_IF_ERROR(backend_->PutMeta(LeaderEpochMetaName(id_), history.Encode())
                      .WithContext("store the leader epochs of " + id_.ToString()));
  std::unique_lock map_lock(map_mu_);
  epochs_ = std::move(history);
  return Status::OK();
}

Status PartitionLog::RecordEpochLocked(int32_t epoch, Offset start) {
  if (epoch <= epochs_.latest_epoch()) return Status::OK();
  LeaderEpochHistory history = epochs_;
  history.Assign(epoch, start);
  return StoreEpochsLocked(std::move(history));
}

void PartitionLog::TrimEpochsLocked() {
  LeaderEpochHistory history = epochs_;
  if (!history.TruncateFromStart(log_start_offset())) return;
  Status stored = StoreEpochsLocked(std::move(history));
  if (!stored.ok()) LOG(WARNING) << stored.ToString();
}

Status PartitionLog::AssignLeaderEpoch(int32_t epoch) {
  std::lock_guard append_lock(append_mu_);
  if (deleted_) return Deleted();
  const int32_t newest = std::max(leader_epoch_.load(), epochs_.latest_epoch());
  if (epoch < newest) {
    return Status::InvalidArgument("leader epoch " + std::to_string(epoch) + " of " +
                                   id_.ToString() + " is older than its epoch " +
                                   std::to_string(newest));
  }
  RETURN_IF_ERROR(RecordEpochLocked(epoch, appended_offset_.load()));
  leader_epoch_ = epoch;
  return Status::OK();
}

int32_t PartitionLog::leader_epoch() const { return leader_epoch_.load(); }

int32_t PartitionLog::latest_epoch() const {
  std::shared_lock map_lock(map_mu_);
  return epochs_.latest_epoch();
}

EpochEndOffset PartitionLog::EndOffsetForEpoch(int32_t epoch) const {
  std::shared_lock map_lock(map_mu_);
  return epochs_.EndOffsetFor(epoch, next_offset_);
}

std::vector<EpochStart> PartitionLog::leader_epochs() const {
  std::shared_lock map_lock(map_mu_);
  return epochs_.entries();
}

}  // namespace ringlog
