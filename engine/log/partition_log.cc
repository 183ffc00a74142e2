#include "engine/log/partition_log.h"

#include <glog/logging.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <future>
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "engine/big_endian.h"
#include "engine/log/format.h"
#include "engine/log/recompress.h"
#include "engine/log/record_batch.h"
#include "engine/log/retention.h"
#include "engine/producer/producer_batch_replay.h"
#include "engine/producer/producer_snapshot.h"

namespace ringlog {
namespace {

// Index entries hold offsets relative to the segment base in 32 bits; Kafka keeps them
// below INT32_MAX, and so do we, so that signed and unsigned readers agree.
constexpr Offset kMaxRelativeOffset = std::numeric_limits<int32_t>::max();

Result<Offset> ParseOffset(std::string_view text) {
  Offset value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return Status::Corruption("bad log start offset '" + std::string(text) + "'");
  }
  return value;
}

// Drops the batches at and above `end` from a read of the active segment whose batches
// below `end` take its first `published_bytes` bytes (a file slice counts positions from
// the segment's first byte, as size_bytes() does).
Status CutReadAt(ReadResult& result, Offset end, uint64_t published_bytes) {
  if (auto* slice = std::get_if<FileSlice>(&result.data)) {
    if (published_bytes <= slice->position) {
      return Status::Corruption("a read of the active segment starts past its published end");
    }
    slice->length = std::min(slice->length, published_bytes - slice->position);
  } else {
    std::string& bytes = std::get<std::string>(result.data);
    const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
    size_t kept = 0;
    while (kept + kBatchHeaderSize <= bytes.size() &&
           LoadBigEndian<int64_t>(data + kept + kBatchBaseOffsetPos) < end) {
      kept += kBatchLogOverhead +
              static_cast<uint32_t>(LoadBigEndian<int32_t>(data + kept + kBatchLengthPos));
    }
    bytes.resize(std::min(kept, bytes.size()));
  }
  result.next_offset = end;
  return Status::OK();
}

// The offset of the first record at or after `from` whose timestamp is >= ts, in the batch
// that `result` starts with; the batch's base offset when its records cannot be opened
// (compressed) or every record has the batch's time (LogAppendTime).
Result<Offset> ExactOffsetInBatch(const ReadResult& result, TimestampMs ts, Offset from) {
  ASSIGN_OR_RETURN(std::string bytes, CopyReadBytes(result));
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  ASSIGN_OR_RETURN(RecordBatchView batch, RecordBatchView::Parse({data, bytes.size()}));
  const BatchHeader& h = batch.header();
  if (h.compression() != CompressionType::kNone ||
      h.timestamp_type() == TimestampType::kLogAppendTime) {
    return std::max(h.base_offset, from);
  }
  ASSIGN_OR_RETURN(std::vector<Record> records, DecodeRecords(batch));
  for (const Record& r : records) {
    if (r.offset >= from && r.timestamp >= ts) return r.offset;
  }
  return Status::NotFound("no record in the batch is that new");
}

// Why a producer batch that the producer state did not accept is refused.
Status Refusal(SequenceCheck::Verdict verdict, const BatchHeader& header,
               const ProducerBatch& batch, const PartitionId& id) {
  const std::string which = "batch " + std::to_string(batch.first_sequence) + ".." +
                            std::to_string(batch.last_sequence) + " of producer " +
                            std::to_string(header.producer_id) + " epoch " +
                            std::to_string(header.producer_epoch) + " to " + id.ToString();
  switch (verdict) {
    case SequenceCheck::Verdict::kInvalidProducerEpoch:
      return Status::InvalidProducerEpoch(which + ": the epoch is older than the producer's");
    case SequenceCheck::Verdict::kUnknownProducerId:
      return Status::UnknownProducerId(which + ": the partition does not know the producer");
    case SequenceCheck::Verdict::kInvalidTxnState:
      return Status::InvalidTxnState(which +
                                     ": not transactional while the producer's transaction is "
                                     "ongoing on the partition");
    default:
      return Status::OutOfOrderSequence(which + ": out of order");
  }
}

}  // namespace

PartitionLog::PartitionLog(PartitionId id, StorageBackend* backend, const LogOptions& options,
                           const Clock* clock)
    : id_(std::move(id)),
      backend_(backend),
      clock_(clock),
      options_(options),
      replicated_(options.replicated) {}

PartitionLog::~PartitionLog() { WaitForWrites(); }

Status PartitionLog::Deleted() const {
  return Status::NotFound("partition " + id_.ToString() + " was deleted");
}

void PartitionLog::WaitForWrites() {
  std::unique_lock lock(writes_mu_);
  writes_cv_.wait(lock, [&] { return writes_in_flight_ == 0; });
}

Result<std::unique_ptr<PartitionLog>> PartitionLog::Open(PartitionId id, StorageBackend* backend,
                                                         const LogOptions& options,
                                                         const Clock* clock) {
  CHECK(backend != nullptr);
  CHECK(clock != nullptr);
  RETURN_IF_ERROR(options.Validate());
  std::unique_ptr<PartitionLog> log(new PartitionLog(std::move(id), backend, options, clock));
  RETURN_IF_ERROR(log->Recover().WithContext("open partition " + log->id_.ToString()));
  return log;
}

std::string PartitionLog::LogStartMetaName(const PartitionId& id) {
  return std::string(kLogStartMetaPrefix) + id.ToString();
}

std::string PartitionLog::ProducerStateMetaName(const PartitionId& id) {
  return std::string(kProducerStateMetaPrefix) + id.ToString();
}

std::string PartitionLog::HighWatermarkMetaName(const PartitionId& id) {
  return std::string(kHighWatermarkMetaPrefix) + id.ToString();
}

Status PartitionLog::Recover() {
  std::lock_guard append_lock(append_mu_);
  std::unique_lock map_lock(map_mu_);
  ASSIGN_OR_RETURN(std::vector<std::unique_ptr<Segment>> opened,
                   backend_->OpenPartition(id_, {options_.index_interval_bytes}));
  Offset previous_end = 0;
  for (size_t i = 0; i < opened.size(); ++i) {
    // Both are broken backend contracts rather than damaged data, but they come from what
    // is stored, so the partition fails to open instead of the broker crashing.
    const Offset base = opened[i]->base_offset();
    if (i + 1 < opened.size() && !opened[i]->sealed()) {
      return Status::Corruption("backend returned unsealed segment " + std::to_string(base) +
                                " before the last");
    }
    if (i > 0 && base < previous_end) {
      return Status::Corruption("segment " + std::to_string(base) + " overlaps its predecessor");
    }
    previous_end = opened[i]->next_offset();
    if (i + 1 < opened.size() && opened[i]->size_bytes() == 0) {
      // Only a crash leaves an empty segment before the last (a roll needs data in the
      // active segment). It holds nothing, and as a segment without timestamps it would
      // stop time retention for good.
      LOG(WARNING) << id_.ToString() << ": removing empty segment " << base << " left by a crash";
      opened[i].reset();
      RETURN_IF_ERROR(backend_->DeleteSegment(id_, base));
      continue;
    }
    segments_.emplace(base, std::shared_ptr<Segment>(std::move(opened[i])));
  }

  Offset start = segments_.empty() ? 0 : segments_.begin()->first;
  Result<std::string> stored = backend_->GetMeta(LogStartMetaName(id_));
  if (stored.ok()) {
    ASSIGN_OR_RETURN(Offset persisted, ParseOffset(*stored));
    start = std::max(start, persisted);
  } else if (!stored.status().IsNotFound()) {
    return stored.status();
  }
  if (segments_.empty()) {
    ASSIGN_OR_RETURN(std::unique_ptr<Segment> first,
                     backend_->CreateSegment(id_, start, {options_.index_interval_bytes}));
    segments_.emplace(start, std::move(first));
  }
  next_offset_ = ActiveLocked()->next_offset();
  published_active_bytes_ = ActiveLocked()->size_bytes();
  appended_offset_ = next_offset_;
  appended_active_bytes_ = published_active_bytes_;
  if (start > next_offset_) {
    // DeleteRecordsBefore flushes before it persists, so only lost data gets here.
    LOG(WARNING) << id_.ToString() << ": log start offset " << start << " is past the log end "
                 << next_offset_ << "; starting at the log end";
    start = next_offset_;
  }
  log_start_offset_ = start;
  flushed_offset_ = next_offset_;
  // The backend does not keep creation times, so segment.ms counts from the open.
  active_created_ms_ = clock_->NowMs();
  RETURN_IF_ERROR(LoadLeaderEpochsLocked());
  RETURN_IF_ERROR(LoadHighWatermarkLocked());
  map_lock.unlock();
  return LoadProducerStateLocked();
}

Status PartitionLog::LoadProducerStateLocked() {
  producers_.Clear();
  AbortedTxnIndex aborted;
  const Offset end = appended_offset_.load();
  Offset from = segments_.begin()->first;
  bool from_snapshot = false;
  const std::string name = ProducerStateMetaName(id_);
  const std::string aborted_name = AbortedTxnMetaName(id_);
  Result<std::string> blob = backend_->GetMeta(name);
  Result<std::string> aborted_blob = backend_->GetMeta(aborted_name);
  if (!aborted_blob.ok() && !aborted_blob.status().IsNotFound()) return aborted_blob.status();
  if (blob.ok()) {
    Result<ProducerSnapshot> snapshot = DecodeProducerSnapshot(*blob);
    // The aborted transactions below the snapshot's end, which must be the same.
    Result<AbortedTxnSnapshot> index = Status::NotFound("no aborted transaction index");
    if (aborted_blob.ok()) {
      index = DecodeAbortedTxnIndex(*aborted_blob);
    } else if (snapshot.ok() && snapshot->before_txns) {
      index = AbortedTxnSnapshot{snapshot->end, {}};
    }
    if (!snapshot.ok()) {
      LOG(WARNING) << id_.ToString() << ": ignoring the producer state snapshot ("
                   << snapshot.status().ToString() << "); rebuilding it from the log";
    } else if (snapshot->end > end) {
      LOG(WARNING) << id_.ToString() << ": ignoring the producer state snapshot of offsets below "
                   << snapshot->end << ", past the log end " << end
                   << " (lost in a crash); rebuilding it from the log";
    } else if (!index.ok() || index->end != snapshot->end) {
      LOG(WARNING) << id_.ToString() << ": ignoring the producer state snapshot, whose aborted "
                   << "transaction index is missing, damaged or of other offsets ("
                   << index.status().ToString() << "); rebuilding both from the log";
    } else {
      producers_ = std::move(snapshot->state);
      aborted = std::move(index->index);
      from = std::max(from, snapshot->end);
      from_snapshot = true;
    }
    if (!from_snapshot) {
      // Once the log grows past its end again, it would pass for valid.
      for (const std::string& stale : {name, aborted_name}) {
        Status removed = backend_->DeleteMeta(stale);
        if (!removed.ok() && !removed.IsNotFound()) return removed;
      }
    }
  } else if (!blob.status().IsNotFound()) {
    return blob.status();
  }
  // Transactions that ended below the high watermark hold nothing back.
  const Offset hw = high_watermark();
  std::vector<CompletedTxn> completed;
  for (const auto& [base, segment] : segments_) {
    if (segment->next_offset() <= from) continue;
    RETURN_IF_ERROR(ReplayProducerBatches(*segment, from, producers_, [&](const CompletedTxn& txn) {
                      if (txn.aborted) {
                        aborted.Add({txn.producer_id, txn.first_offset, txn.last_offset,
                                     producers_.OldestOngoingTxn().value_or(txn.last_offset + 1)});
                      }
                      if (txn.last_offset >= hw) completed.push_back(txn);
                    }).WithContext("rebuild the producer state of " + id_.ToString()));
  }
  producers_.DropBefore(log_start_offset_);
  aborted.DropBefore(log_start_offset_);
  {
    std::unique_lock map_lock(map_mu_);
    aborted_txns_ = std::move(aborted);
    unstable_txns_.Clear();
    // What ended after the snapshot may end above the high watermark, which a
    // read_committed consumer must not pass yet.
    for (const CompletedTxn& txn : completed) {
      unstable_txns_.Begin(txn.producer_id, txn.first_offset);
      unstable_txns_.End(txn.first_offset, txn.last_offset);
    }
    for (const auto& [producer_id, entry] : producers_.entries()) {
      if (entry.txn_first_offset != kNoTxn) {
        unstable_txns_.Begin(producer_id, entry.txn_first_offset);
      }
    }
  }
  // A snapshot at the next close spares the next open a replay of more than the active
  // segment.
  producer_snapshot_stale_ = from < ActiveLocked()->base_offset();
  return Status::OK();
}

Status PartitionLog::WriteProducerSnapshotLocked(Offset end) {
  // The index first: a snapshot is used only beside an index of the same end.
  std::string index;
  {
    std::shared_lock map_lock(map_mu_);
    index = EncodeAbortedTxnIndex(aborted_txns_, end);
  }
  RETURN_IF_ERROR(backend_->PutMeta(AbortedTxnMetaName(id_), index)
                      .WithContext("store the aborted transactions of " + id_.ToString()));
  RETURN_IF_ERROR(
      backend_->PutMeta(ProducerStateMetaName(id_), EncodeProducerSnapshot(producers_, end))
          .WithContext("snapshot the producer state of " + id_.ToString()));
  producer_snapshot_stale_ = false;
  return Status::OK();
}

bool PartitionLog::ShouldRollLocked(uint64_t batch_bytes, Offset last_offset,
                                    TimestampMs now) const {
  const Segment& active = *ActiveLocked();
  // Sizes count the queued batches too: the segment's own size lags behind its writes.
  if (appended_active_bytes_ == 0) return false;
  // A failed roll may leave the active segment sealed; the next append retries the roll.
  return active.sealed() || appended_active_bytes_ + batch_bytes > options_.segment_bytes ||
         now - active_created_ms_ >= options_.segment_ms ||
         last_offset - active.base_offset() > kMaxRelativeOffset;
}

Status PartitionLog::RollLocked(TimestampMs now) {
  std::shared_ptr<Segment> old = ActiveLocked();
  RETURN_IF_ERROR(old->Seal());
  // Sealing waited for every queued write, so next_offset_ has caught up.
  const Offset base = appended_offset_.load();
  ASSIGN_OR_RETURN(std::unique_ptr<Segment> next,
                   backend_->CreateSegment(id_, base, {options_.index_interval_bytes}));
  unflushed_closed_.push_back(std::move(old));
  {
    std::unique_lock map_lock(map_mu_);
    segments_.emplace(base, std::move(next));
    published_active_bytes_ = 0;
  }
  appended_active_bytes_ = 0;
  active_created_ms_ = now;
  // The snapshot saves the next open a replay of the closed segments; without it the
  // open replays more, so a failure costs time, not data.
  Status snapshot = WriteProducerSnapshotLocked(base);
  if (!snapshot.ok()) LOG(WARNING) << snapshot.ToString();
  return Status::OK();
}

Result<AppendResult> PartitionLog::Append(std::span<uint8_t> batch) {
  std::promise<Status> written;
  std::future<Status> outcome = written.get_future();
  ASSIGN_OR_RETURN(AppendResult result, AppendAsync(batch, [&written](Status status) {
                     written.set_value(std::move(status));
                   }));
  RETURN_IF_ERROR(outcome.get().WithContext("append to " + id_.ToString()));
  return result;
}

Result<AppendResult> PartitionLog::AppendAsync(std::span<uint8_t> batch,
                                               Segment::WrittenCallback written,
                                               std::optional<uint64_t> txn_verification) {
  ASSIGN_OR_RETURN(RecordBatchView view, RecordBatchView::Parse(batch));
  if (view.size_bytes() != batch.size()) {
    return Status::InvalidArgument("trailing bytes after the record batch");
  }
  const LogOptions opts = options();  // one read of the options per append
  const uint32_t max_bytes = opts.max_message_bytes;
  if (view.size_bytes() > max_bytes) {
    return Status::TooLarge("record batch of " + std::to_string(view.size_bytes()) +
                            " bytes exceeds max.message.bytes " + std::to_string(max_bytes));
  }
  // A topic that takes batches above the default bound may have them compressed too.
  const size_t max_decompressed = std::max<size_t>(kDefaultMaxDecompressedBytes, max_bytes);
  RETURN_IF_ERROR(ValidateProducerBatch(view, max_decompressed));
  // A topic with a compression.type other than "producer" stores its own codec.
  std::string recompressed;
  if (opts.compression && *opts.compression != view.header().compression()) {
    ASSIGN_OR_RETURN(recompressed, RecompressBatch(view, *opts.compression, max_decompressed));
    batch =
        std::span<uint8_t>(reinterpret_cast<uint8_t*>(recompressed.data()), recompressed.size());
  }
  const BatchHeader& header = view.header();
  std::optional<ProducerBatch> producer_batch = ProducerBatchOf(header);
  // Only the broker writes transactional batches without sequences (TxnOffsetCommit).
  const bool sequenced = header.base_sequence >= 0 ||
                         (header.is_transactional() && header.base_sequence == kNoSequence);
  if (producer_batch && (header.producer_epoch < 0 || !sequenced)) {
    return Status::InvalidArgument("batch of producer " + std::to_string(header.producer_id) +
                                   " without an epoch or a sequence");
  }

  std::lock_guard append_lock(append_mu_);
  if (deleted_) return Deleted();
  if (write_failed_.load()) RETURN_IF_ERROR(RecoverFromFailedWriteLocked());
  if (producer_batch) {
    const SequenceCheck check =
        producers_.Check(header.producer_id, header.producer_epoch, producer_batch->first_sequence,
                         producer_batch->last_sequence, header.is_transactional());
    if (check.verdict == SequenceCheck::Verdict::kDuplicate) {
      return AnswerDuplicateLocked(*check.duplicate_of, std::move(written));
    }
    // Kafka's order: a retry is answered first, then an unverified transaction refused.
    if (txn_verification && header.is_transactional() &&
        !producers_.HasOngoingTxn(header.producer_id, header.producer_epoch) &&
        !txn_verifications_.IsCurrent(header.producer_id, *txn_verification)) {
      return Status::InvalidTxnState("transactional batch of producer " +
                                     std::to_string(header.producer_id) + " epoch " +
                                     std::to_string(header.producer_epoch) + " to " +
                                     id_.ToString() + ": not part of an ongoing transaction");
    }
    if (check.verdict != SequenceCheck::Verdict::kAppend) {
      return Refusal(check.verdict, header, *producer_batch, id_);
    }
  }
  return WriteBatchLocked(batch, header, producer_batch, nullptr, std::move(written));
}

uint64_t PartitionLog::StartTxnVerification(int64_t producer_id, int16_t epoch) {
  std::lock_guard append_lock(append_mu_);
  if (producers_.HasOngoingTxn(producer_id, epoch)) return TxnVerifications::kNone;
  return txn_verifications_.Start(producer_id, epoch, clock_->NowMs());
}

Result<AppendResult> PartitionLog::WriteBatchLocked(std::span<uint8_t> batch,
                                                    const BatchHeader& header,
                                                    std::optional<ProducerBatch> producer_batch,
                                                    const ControlMarker* marker,
                                                    Segment::WrittenCallback written) {
  const int32_t last_delta = header.last_offset_delta;
  const int32_t record_count = header.record_count;
  const TimestampMs now = clock_->NowMs();
  const Offset base = appended_offset_.load();
  if (ShouldRollLocked(batch.size(), base + last_delta, now)) RETURN_IF_ERROR(RollLocked(now));

  const int32_t epoch = leader_epoch_.load();
  RETURN_IF_ERROR(RecordEpochLocked(epoch, base));
  SetBaseOffset(batch, base);
  SetPartitionLeaderEpoch(batch, epoch);
  AppendResult result;
  result.base_offset = base;
  result.last_offset = base + last_delta;
  if (options_.timestamp_type == TimestampType::kLogAppendTime) {
    SetLogAppendTime(batch, now);
    result.log_append_time = now;
  }
  ASSIGN_OR_RETURN(RecordBatchView stamped, RecordBatchView::Parse(batch));
  const std::shared_ptr<Segment>& active = ActiveLocked();
  const Offset end = result.last_offset + 1;
  const uint64_t end_bytes = appended_active_bytes_ + batch.size();
  const bool flush_now = unflushed_messages_ + record_count >= options_.flush_interval_messages;
  // A batch that starts a transaction holds the last stable offset down before any
  // reader can see it.
  const bool starts_txn = producer_batch && header.is_transactional() &&
                          producers_.OngoingTxn(header.producer_id) == kNoTxn;
  if (starts_txn) {
    std::unique_lock map_lock(map_mu_);
    unstable_txns_.Begin(header.producer_id, base);
  }
  {
    std::lock_guard lock(writes_mu_);
    ++writes_in_flight_;
  }
  Status appended;
  if (flush_now) {
    // Written, flushed and only then published, so that no reader sees a batch that a
    // failed flush takes back.
    appended = active->AppendAndWait(stamped);
    if (appended.ok()) appended = FlushLocked(end);
    if (appended.ok()) Publish(end, active->base_offset(), end_bytes);
    WriteDone();
  } else {
    appended = active->Append(stamped, [this, end, segment_base = active->base_offset(), end_bytes,
                                        written = std::move(written)](Status status) {
      if (status.ok()) {
        Publish(end, segment_base, end_bytes);
      } else {
        FailDuplicateWaiters(status);
      }
      written(std::move(status));
      WriteDone();
    });
    if (!appended.ok()) WriteDone();
  }
  if (!appended.ok()) {
    // Cuts whatever part of the batch reached the segment, so the log stays as it was.
    Status cut = active->TruncateTo(base);
    if (!cut.ok()) {
      LOG(WARNING) << id_.ToString() << ": undoing a failed append: " << cut.ToString();
      write_failed_ = true;
    }
    if (starts_txn) {
      std::unique_lock map_lock(map_mu_);
      unstable_txns_.Forget(base);
    }
    return appended.WithContext("append to " + id_.ToString());
  }
  if (!flush_now) {
    unflushed_messages_ += record_count;
    if (first_unflushed_ms_ == kNoTimestamp) first_unflushed_ms_ = now;
  }
  appended_offset_ = end;
  appended_active_bytes_ = end_bytes;
  if (producer_batch) {
    producer_batch->first_offset = base;
    producer_batch->last_offset = result.last_offset;
    if (result.log_append_time != kNoTimestamp) producer_batch->max_timestamp = now;
    producers_.Record(header.producer_id, header.producer_epoch, *producer_batch,
                      header.is_transactional());
    if (header.is_transactional()) txn_verifications_.Retire(header.producer_id);
    producer_snapshot_stale_ = true;
  }
  if (marker != nullptr) {
    const TimestampMs time = result.log_append_time != kNoTimestamp ? now : header.max_timestamp;
    std::optional<CompletedTxn> completed = producers_.RecordMarker(
        marker->producer_id, marker->producer_epoch, marker->coordinator_epoch,
        marker->type == ControlType::kAbort, base, time);
    txn_verifications_.Retire(marker->producer_id);
    if (completed) CompleteTxnLocked(*completed);
    producer_snapshot_stale_ = true;
  }
  {
    std::shared_lock map_lock(map_mu_);
    result.log_start_offset = log_start_offset_;
  }
  if (flush_now) written(Status::OK());
  return result;
}

Result<AppendResult> PartitionLog::AnswerDuplicateLocked(const ProducerBatch& original,
                                                         Segment::WrittenCallback written) {
  AppendResult result;
  result.base_offset = original.first_offset;
  result.last_offset = original.last_offset;
  result.duplicate = true;
  bool done = false;
  {
    std::lock_guard waiters_lock(waiters_mu_);
    if (write_failed_.load()) {
      // The original may be among the failed writes: the retry must come again after the
      // log recovered, when the producer state says whether the original is there.
      return Status::Busy("a write to " + id_.ToString() + " failed; retry the batch");
    }
    std::shared_lock map_lock(map_mu_);
    result.log_start_offset = log_start_offset_;
    if (original.last_offset < next_offset_) {
      done = true;
    } else {
      duplicate_waiters_.emplace_back(original.last_offset + 1, std::move(written));
    }
  }
  if (done) written(Status::OK());
  return result;
}

void PartitionLog::FailDuplicateWaiters(const Status& status) {
  std::vector<std::pair<Offset, Segment::WrittenCallback>> failed;
  {
    std::lock_guard waiters_lock(waiters_mu_);
    write_failed_ = true;
    failed.swap(duplicate_waiters_);
  }
  for (auto& [end, written] : failed) written(status);
}

void PartitionLog::Publish(Offset end, Offset segment_base, uint64_t end_bytes) {
  {
    std::unique_lock map_lock(map_mu_);
    // Writes complete in append order; a roll waits for all of the old segment's.
    if (end > next_offset_) {
      next_offset_ = end;
      published_active_bytes_ = end_bytes;
      if (replicated_) {
        // Where the high watermark may stop later, known without reading the segment.
        const ReadCut batch_end{end, segment_base, end_bytes};
        if (batch_ends_.size() < kMaxKnownBatchEnds) {
          batch_ends_.push_back(batch_end);
        } else {
          batch_ends_.back() = batch_end;
        }
      }
    }
  }
  std::vector<std::pair<Offset, Segment::WrittenCallback>> ready;
  {
    std::lock_guard waiters_lock(waiters_mu_);
    if (duplicate_waiters_.empty()) return;
    const auto waiting = std::partition(duplicate_waiters_.begin(), duplicate_waiters_.end(),
                                        [end](const auto& waiter) { return waiter.first > end; });
    ready.assign(std::make_move_iterator(waiting),
                 std::make_move_iterator(duplicate_waiters_.end()));
    duplicate_waiters_.erase(waiting, duplicate_waiters_.end());
  }
  for (auto& [waited_end, written] : ready) written(Status::OK());
}

void PartitionLog::WriteDone() {
  std::lock_guard lock(writes_mu_);
  if (--writes_in_flight_ == 0) writes_cv_.notify_all();
}

Status PartitionLog::RecoverFromFailedWriteLocked() {
  // The active segment refuses appends after a failed write: cut it back to what was
  // written and published, and go on from there. Every write still queued reports first,
  // so the high watermark is final.
  WaitForWrites();
  const Offset published = next_offset();
  RETURN_IF_ERROR(ActiveLocked()->TruncateTo(published).WithContext("recover " + id_.ToString() +
                                                                    " from a failed write"));
  appended_offset_ = published;
  appended_active_bytes_ = ActiveLocked()->size_bytes();
  write_failed_ = false;
  // Epochs stamped first on batches that were cut start at the log end at the earliest.
  LeaderEpochHistory epochs = epochs_;
  if (epochs.TruncateFromEnd(published + 1)) {
    RETURN_IF_ERROR(StoreEpochsLocked(std::move(epochs)));
  }
  // The state counted the batches that were cut.
  return LoadProducerStateLocked().WithContext("recover " + id_.ToString() +
                                               " from a failed write");
}

std::shared_ptr<Segment> PartitionLog::FindSegmentLocked(Offset offset) const {
  auto it = segments_.upper_bound(offset);
  if (it != segments_.begin()) {
    auto holder = std::prev(it);
    if (offset < holder->second->next_offset()) return holder->second;
  }
  // `offset` lies in a gap (a lost or deleted range): continue with the next segment.
  return it == segments_.end() ? nullptr : it->second;
}

Result<ReadResult> PartitionLog::Read(Offset offset, size_t max_bytes, ReadBound bound) const {
  std::shared_ptr<Segment> segment;
  // Reading stops at `end`, which lies `cut_bytes` into the segment based at `cut_base`:
  // the log end in the active segment, or a replicated log's high watermark.
  Offset end;
  Offset cut_base;
  uint64_t cut_bytes;
  {
    std::shared_lock map_lock(map_mu_);
    if (deleted_) return Deleted();
    if (offset < log_start_offset_ || offset > next_offset_) {
      return Status::OutOfRange("offset " + std::to_string(offset) + " is outside [" +
                                std::to_string(log_start_offset_) + ", " +
                                std::to_string(next_offset_) + "] of " + id_.ToString());
    }
    const Offset stable = bound == ReadBound::kLastStable ? LastStableLocked() : -1;
    if (stable >= 0 && stable < (replicated_ ? read_cut_.offset : next_offset_)) {
      // The last stable offset is a batch boundary: a transaction's first batch.
      const ReadCut cut = CutAtLocked(stable);
      end = cut.offset;
      cut_base = cut.segment_base;
      cut_bytes = cut.bytes;
    } else if (replicated_ && bound != ReadBound::kLogEnd) {
      end = read_cut_.offset;
      cut_base = read_cut_.segment_base;
      cut_bytes = read_cut_.bytes;
    } else {
      end = next_offset_;
      cut_base = segments_.rbegin()->first;
      cut_bytes = published_active_bytes_;
    }
    if (offset >= end) {
      ReadResult empty;
      empty.first_offset = offset;
      empty.next_offset = offset;
      return empty;
    }
    segment = FindSegmentLocked(offset);
  }
  if (segment == nullptr) {
    return Status::OutOfRange("no segment holds offset " + std::to_string(offset));
  }
  const Offset from = std::max(offset, segment->base_offset());
  if (from >= segment->next_offset()) {
    // A gap that a crash left before the empty active segment: nothing to read, and the
    // reader goes on past the gap.
    ReadResult empty;
    empty.first_offset = from;
    empty.next_offset = from;
    return empty;
  }
  if (from >= end) {
    // The segment after a gap starts at or past where reading stops.
    ReadResult empty;
    empty.first_offset = offset;
    empty.next_offset = offset;
    return empty;
  }
  ASSIGN_OR_RETURN(ReadResult result, segment->Read(from, max_bytes));
  if (segment->base_offset() == cut_base && result.next_offset > end) {
    RETURN_IF_ERROR(CutReadAt(result, end, cut_bytes).WithContext(id_.ToString()));
  }
  if (result.pin == nullptr) {
    result.pin = std::move(segment);
  } else {
    using Pins = std::pair<std::shared_ptr<const void>, std::shared_ptr<Segment>>;
    result.pin = std::make_shared<Pins>(std::move(result.pin), std::move(segment));
  }
  return result;
}

Result<Offset> PartitionLog::OffsetForTimestamp(TimestampMs ts) const {
  std::vector<std::shared_ptr<Segment>> segments;
  Offset start = 0;
  {
    std::shared_lock map_lock(map_mu_);
    if (deleted_) return Deleted();
    start = log_start_offset_;
    for (const auto& [base, segment] : segments_) segments.push_back(segment);
  }
  for (const auto& segment : segments) {
    if (segment->next_offset() <= start) continue;
    const TimestampMs max_ts = segment->max_timestamp();
    if (max_ts == kNoTimestamp || max_ts < ts) continue;
    Result<Offset> found = segment->FindOffsetByTimestamp(ts);
    if (found.status().IsNotFound()) continue;
    if (!found.ok()) return found.status();
    // A batch's max timestamp may be >= ts while no record of it at or past the log start
    // is; the search then goes on with the following batches.
    for (Offset at = std::max(*found, segment->base_offset()); at < segment->next_offset();) {
      ASSIGN_OR_RETURN(ReadResult batch, segment->Read(at, 1));
      Result<Offset> exact = ExactOffsetInBatch(batch, ts, std::max(at, start));
      if (exact.ok() || !exact.status().IsNotFound()) return exact;
      at = batch.next_offset;
    }
  }
  return Status::NotFound("no record of " + id_.ToString() +
                          " has timestamp >= " + std::to_string(ts));
}

Status PartitionLog::FlushLocked(Offset end) {
  if (deleted_) return Deleted();
  while (!unflushed_closed_.empty()) {
    RETURN_IF_ERROR(unflushed_closed_.front()->Flush());
    unflushed_closed_.erase(unflushed_closed_.begin());
  }
  RETURN_IF_ERROR(ActiveLocked()->Flush());
  unflushed_messages_ = 0;
  first_unflushed_ms_ = kNoTimestamp;
  {
    std::lock_guard flush_lock(flush_mu_);
    if (end > flushed_offset_.load()) flushed_offset_ = end;
  }
  flush_cv_.notify_all();
  return Status::OK();
}

Status PartitionLog::Flush() {
  const Offset target = appended_offset_.load();
  {
    std::unique_lock flush_lock(flush_mu_);
    flush_cv_.wait(flush_lock,
                   [&] { return flushed_offset_.load() >= target || !flush_in_progress_; });
    if (flushed_offset_.load() >= target) return Status::OK();
    flush_in_progress_ = true;
  }
  // This caller flushes for everyone who appended so far; later callers wait for it. The
  // segments to sync are picked under the append lock and synced outside it, so appends
  // go on during the fdatasync and the next flush covers them.
  std::vector<std::shared_ptr<Segment>> to_flush;
  Offset end = 0;
  int64_t messages = 0;
  TimestampMs first_unflushed = kNoTimestamp;
  uint64_t truncations = 0;
  {
    std::lock_guard append_lock(append_mu_);
    truncations = truncations_.load();
    if (!deleted_) {
      to_flush = std::move(unflushed_closed_);
      unflushed_closed_.clear();
      to_flush.push_back(ActiveLocked());
      end = appended_offset_.load();
      messages = std::exchange(unflushed_messages_, 0);
      first_unflushed = std::exchange(first_unflushed_ms_, kNoTimestamp);
    }
  }
  Status flushed = to_flush.empty() ? Deleted() : Status::OK();
  size_t synced = 0;
  while (flushed.ok() && synced < to_flush.size()) {
    flushed = to_flush[synced]->Flush();
    if (flushed.ok()) ++synced;
  }
  if (flushed.ok()) {
    std::lock_guard flush_lock(flush_mu_);
    if (truncations == truncations_.load() && end > flushed_offset_.load()) flushed_offset_ = end;
  } else if (!to_flush.empty()) {
    RestoreUnflushed(std::span(to_flush).subspan(synced), messages, first_unflushed);
  }
  {
    std::lock_guard flush_lock(flush_mu_);
    flush_in_progress_ = false;
  }
  flush_cv_.notify_all();
  return flushed.WithContext("flush " + id_.ToString());
}

void PartitionLog::RestoreUnflushed(std::span<const std::shared_ptr<Segment>> not_synced,
                                    int64_t messages, TimestampMs first_unflushed) {
  std::lock_guard append_lock(append_mu_);
  if (deleted_) return;
  // Closed segments go back in log order, ahead of any rolled since; the active one (or a
  // segment retention removed meanwhile) needs no entry.
  std::vector<std::shared_ptr<Segment>> back;
  for (const std::shared_ptr<Segment>& segment : not_synced) {
    const auto it = segments_.find(segment->base_offset());
    if (it == segments_.end() || it->second != segment || segment == ActiveLocked()) continue;
    if (std::find(unflushed_closed_.begin(), unflushed_closed_.end(), segment) !=
        unflushed_closed_.end()) {
      continue;
    }
    back.push_back(segment);
  }
  unflushed_closed_.insert(unflushed_closed_.begin(), back.begin(), back.end());
  unflushed_messages_ += messages;
  if (first_unflushed != kNoTimestamp &&
      (first_unflushed_ms_ == kNoTimestamp || first_unflushed < first_unflushed_ms_)) {
    first_unflushed_ms_ = first_unflushed;
  }
}

Status PartitionLog::FlushForClose() {
  {
    std::lock_guard append_lock(append_mu_);
    if (!deleted_ && write_failed_.load()) {
      RETURN_IF_ERROR(RecoverFromFailedWriteLocked().WithContext("close " + id_.ToString()));
    }
  }
  RETURN_IF_ERROR(Flush());
  // A high watermark lost here only starts lower on the next open, until replication
  // moves it again.
  Status checkpoint = CheckpointHighWatermark();
  if (!checkpoint.ok()) LOG(WARNING) << checkpoint.ToString();
  // Nothing appends any more, so the snapshot covers the whole log. Without it the next
  // open replays more of the log: slower, never wrong, so a full disk does not fail the
  // shutdown.
  std::lock_guard append_lock(append_mu_);
  if (deleted_ || !producer_snapshot_stale_) return Status::OK();
  Status snapshot = WriteProducerSnapshotLocked(appended_offset_.load());
  if (!snapshot.ok()) LOG(WARNING) << snapshot.ToString();
  return Status::OK();
}

Status PartitionLog::FlushIfDue() {
  bool due = false;
  {
    std::lock_guard append_lock(append_mu_);
    due = !deleted_ && options_.flush_interval_ms != kNever &&
          first_unflushed_ms_ != kNoTimestamp &&
          clock_->NowMs() - first_unflushed_ms_ >= options_.flush_interval_ms;
  }
  return due ? Flush() : Status::OK();
}

Result<size_t> PartitionLog::ApplyRetention() {
  std::lock_guard append_lock(append_mu_);
  if (deleted_) return Deleted();
  // Writers hold append_mu_, so the map can be read here without map_mu_.
  std::vector<SegmentInfo> closed;
  uint64_t total_bytes = 0;
  for (const auto& [base, segment] : segments_) {
    total_bytes += segment->size_bytes();
    if (segment != ActiveLocked()) closed.push_back(segment->info());
  }
  std::vector<std::unique_ptr<RetentionPolicy>> policies;
  if (options_.retention_ms >= 0) {
    policies.push_back(NewTimeRetention(std::chrono::milliseconds(options_.retention_ms)));
  }
  if (options_.retention_bytes >= 0) {
    policies.push_back(NewSizeRetention(static_cast<uint64_t>(options_.retention_bytes)));
  }
  policies.push_back(NewStartOffsetRetention());
  const auto policy = NewAnyOfRetention(std::move(policies));
  RetentionInput input;
  input.closed_segments = closed;
  input.total_bytes = total_bytes;
  input.log_start_offset = log_start_offset_;
  input.now = clock_->NowMs();
  size_t count = std::min(policy->DeletablePrefix(input), closed.size());
  if (replicated_) {
    // What consumers cannot read yet stays: only segments wholly below the high watermark go.
    const Offset hw = high_watermark();
    while (count > 0 && closed[count - 1].next_offset > hw) --count;
  }
  if (count == 0) return count;

  std::vector<Offset> doomed;
  {
    std::unique_lock map_lock(map_mu_);
    for (size_t i = 0; i < count; ++i) {
      doomed.push_back(segments_.begin()->first);
      segments_.erase(segments_.begin());
    }
    log_start_offset_ = std::max(log_start_offset_, segments_.begin()->first);
  }
  std::erase_if(unflushed_closed_, [&](const std::shared_ptr<Segment>& s) {
    return s->base_offset() < segments_.begin()->first;
  });
  if (producers_.DropBefore(log_start_offset_) > 0) producer_snapshot_stale_ = true;
  DropTxnsBeforeLocked(log_start_offset_);
  TrimEpochsLocked();
  // Readers that still hold a removed segment keep what they already read.
  Status first_error;
  for (Offset base : doomed) {
    Status s = backend_->DeleteSegment(id_, base);
    if (!s.ok() && first_error.ok()) {
      first_error =
          s.WithContext("retention of " + id_.ToString() + " segment " + std::to_string(base));
    }
  }
  if (!first_error.ok()) return first_error;
  return count;
}

Status PartitionLog::PersistLogStartOffset(Offset offset) {
  return backend_->PutMeta(LogStartMetaName(id_), std::to_string(offset));
}

Status PartitionLog::DeleteRecordsBefore(Offset offset) {
  std::lock_guard append_lock(append_mu_);
  if (deleted_) return Deleted();
  const Offset limit = high_watermark();
  if (offset > limit) {
    return Status::OutOfRange("cannot delete records before " + std::to_string(offset) +
                              ": the log of " + id_.ToString() + " is readable up to " +
                              std::to_string(limit));
  }
  if (offset <= log_start_offset_) return Status::OK();
  // The records up to `offset` become durable first, so a crash can never leave a
  // persisted start offset past the recovered end of the log.
  RETURN_IF_ERROR(FlushLocked(next_offset_));
  RETURN_IF_ERROR(PersistLogStartOffset(offset));
  {
    std::unique_lock map_lock(map_mu_);
    log_start_offset_ = offset;
  }
  if (producers_.DropBefore(offset) > 0) producer_snapshot_stale_ = true;
  DropTxnsBeforeLocked(offset);
  TrimEpochsLocked();
  return Status::OK();
}

Result<size_t> PartitionLog::ExpireProducers() {
  std::lock_guard append_lock(append_mu_);
  if (deleted_) return Deleted();
  const size_t expired = producers_.Expire(clock_->NowMs(), options_.producer_id_expiration_ms);
  txn_verifications_.Expire(clock_->NowMs(), options_.producer_id_expiration_ms);
  if (expired > 0) producer_snapshot_stale_ = true;
  return expired;
}

Status PartitionLog::SetOptions(const LogOptions& options) {
  RETURN_IF_ERROR(options.Validate());
  std::lock_guard append_lock(append_mu_);
  std::unique_lock map_lock(map_mu_);
  options_ = options;
  options_.replicated = replicated_;  // fixed for the log's life
  return Status::OK();
}

LogOptions PartitionLog::options() const {
  std::shared_lock map_lock(map_mu_);
  return options_;
}

Status PartitionLog::Delete() {
  std::lock_guard append_lock(append_mu_);
  // No checkpoint stores its blob again once it is gone.
  std::lock_guard checkpoint_lock(checkpoint_mu_);
  if (deleted_) return Status::OK();
  // The blobs go first: a partition recreated under the same name must never inherit
  // them, while leftover segments are found and removed on the next open.
  for (const std::string& blob :
       {LogStartMetaName(id_), ProducerStateMetaName(id_), AbortedTxnMetaName(id_),
        LeaderEpochMetaName(id_), HighWatermarkMetaName(id_)}) {
    Status meta = backend_->DeleteMeta(blob);
    if (!meta.ok() && !meta.IsNotFound()) return meta;
  }
  WaitForWrites();
  {
    std::unique_lock map_lock(map_mu_);
    deleted_ = true;
    segments_.clear();
  }
  unflushed_closed_.clear();
  return backend_->DeletePartition(id_);
}

std::vector<ProducerInfo> PartitionLog::ActiveProducers() const {
  std::lock_guard append_lock(append_mu_);
  return producers_.Producers();
}

Offset PartitionLog::log_start_offset() const {
  std::shared_lock map_lock(map_mu_);
  return log_start_offset_;
}

Offset PartitionLog::next_offset() const {
  std::shared_lock map_lock(map_mu_);
  return next_offset_;
}

Offset PartitionLog::flushed_offset() const { return flushed_offset_.load(); }

uint64_t PartitionLog::size_bytes() const {
  std::shared_lock map_lock(map_mu_);
  uint64_t total = 0;
  for (const auto& [base, segment] : segments_) total += segment->size_bytes();
  return total;
}

std::vector<SegmentInfo> PartitionLog::segments() const {
  std::shared_lock map_lock(map_mu_);
  std::vector<SegmentInfo> infos;
  infos.reserve(segments_.size());
  for (const auto& [base, segment] : segments_) infos.push_back(segment->info());
  return infos;
}

std::vector<DamagedRange> PartitionLog::damaged_ranges() const {
  std::shared_lock map_lock(map_mu_);
  std::vector<DamagedRange> ranges;
  for (const auto& [base, segment] : segments_) {
    for (const DamagedRange& range : segment->damaged_ranges()) ranges.push_back(range);
  }
  return ranges;
}

}  // namespace ringlog
