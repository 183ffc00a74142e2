// PartitionLog: one partition's append-only log, a sequence of segments of which the last
// is active. It assigns offsets, rolls segments, serves reads, applies retention and
// flushes. It is the only writer of its segments.
//
// Thread safety: thread-safe. Appends are serialised; reads run concurrently with appends
// and with each other. Concurrent Flush() callers share one flush (group commit).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/clock.h"
#include "engine/log/aborted_txn_index.h"
#include "engine/log/control_batch.h"
#include "engine/log/leader_epoch_history.h"
#include "engine/log/log_options.h"
#include "engine/log/read_result.h"
#include "engine/log/segment.h"
#include "engine/log/storage_backend.h"
#include "engine/log/unstable_txns.h"
#include "engine/producer/producer_state.h"
#include "engine/producer/txn_verifications.h"
#include "engine/status.h"
#include "engine/types.h"

namespace ringlog {

struct AppendResult {
  Offset base_offset = 0;  // offset assigned to the batch's first record
  Offset last_offset = 0;  // offset of its last record
  // The time stamped on the batch for LogAppendTime topics; kNoTimestamp for CreateTime.
  TimestampMs log_append_time = kNoTimestamp;
  Offset log_start_offset = 0;
  // The batch retried a batch of the same idempotent producer that is already in the log:
  // nothing was appended, and the offsets are the ones it got the first time.
  bool duplicate = false;
};

// Which end a read stops at: consumers read below the high watermark (read_committed ones
// below the last stable offset), followers up to the log end.
enum class ReadBound { kHighWatermark, kLogEnd, kLastStable };

// An aborted transaction whose records a read_committed consumer must skip: the
// producer's records from first_offset up to its ABORT marker.
struct AbortedTxn {
  int64_t producer_id;
  Offset first_offset;

  bool operator==(const AbortedTxn&) const = default;
};

class PartitionLog final {
 public:
  // Opens (recovers) the partition's segments through `backend`, or starts an empty log.
  // `backend` and `clock` must outlive the PartitionLog. InvalidArgument for bad options.
  static Result<std::unique_ptr<PartitionLog>> Open(PartitionId id, StorageBackend* backend,
                                                    const LogOptions& options, const Clock* clock);
  ~PartitionLog();
  PartitionLog(const PartitionLog&) = delete;
  PartitionLog& operator=(const PartitionLog&) = delete;

  // Validates one producer batch (ValidateProducerBatch, compressed records included, up
  // to the larger of 64 MiB and max.message.bytes decompressed; TooLarge above
  // max.message.bytes), recompresses it when the topic's compression.type names another
  // codec (RecompressBatch; then `batch` is left as it was and the copy is stored),
  // assigns its offsets by rewriting `batch` in place (base offset,
  // leader_epoch(), and the time for LogAppendTime topics), rolls the active segment when
  // segment.bytes or segment.ms say so, and appends. On return the batch is written:
  // readable below the log end (and the high watermark of an unreplicated log; a
  // replicated one's moves with replication), and safe from a crash of the process. Durable
  // after Flush(); flush.messages may flush right here. On error the log is unchanged and
  // still readable.
  //
  // A batch with a producer id (an idempotent producer's) is first checked against the
  // partition's producer state (ProducerState), in the same step as its append: a retry
  // of one of the producer's last five batches appends nothing and answers the offsets
  // it got the first time (AppendResult::duplicate, once that first write is done); a
  // sequence gap is OutOfOrderSequence, an epoch older than the producer's is
  // InvalidProducerEpoch, a producer the partition does not know starting past sequence 0
  // is UnknownProducerId, and a producer id with a negative epoch or sequence is
  // InvalidArgument. Busy when the batch retries one whose write is failing.
  //
  // A transactional batch (attribute bit 0x10) starts the producer's ongoing transaction
  // on the partition at its base offset unless one is ongoing. One the broker writes for
  // a transactional producer (TxnOffsetCommit into __consumer_offsets) has base_sequence
  // -1: it is only checked for its epoch, never for sequences.
  Result<AppendResult> Append(std::span<uint8_t> batch);

  // Appends the control batch of `marker`, ending the producer's ongoing transaction on
  // this partition (an ABORT adds it to the aborted-transaction index). InvalidProducerEpoch
  // when marker.producer_epoch is older than the producer's current epoch,
  // TransactionCoordinatorFenced when marker.coordinator_epoch is older than the one of
  // the producer's last marker, InvalidArgument for a negative producer id or epoch. A
  // marker for a producer with no ongoing transaction is still written (as Kafka does).
  // Returns once the marker is written, as Append does.
  Result<AppendResult> AppendMarker(const ControlMarker& marker);

  // Append without waiting for the write: on OK the batch has its offsets and its place in
  // the log, and `written` runs once with the write's outcome — from a backend thread, or
  // before AppendAsync returns — after the log end moved past the batch. `batch` is
  // only borrowed for the call. On error `written` never runs. A failed write fails the
  // batches queued behind it; the next append cuts the log back to the written log end.
  // `written` runs on the thread that writes, so it must not append to or flush this log,
  // nor hold the last reference to it.
  //
  // `txn_verification` is for a client's batches (Produce), KIP-890 part 1: when set, a
  // transactional batch whose producer has no ongoing transaction on the partition at its
  // epoch is InvalidTxnState unless the value is the producer's current guard from
  // StartTxnVerification. Unset (the broker's own writes), nothing is verified. Either
  // way a non-transactional batch of a producer whose transaction is ongoing here is
  // InvalidTxnState, after the duplicate, epoch and sequence checks.
  Result<AppendResult> AppendAsync(std::span<uint8_t> batch, Segment::WrittenCallback written,
                                   std::optional<uint64_t> txn_verification = std::nullopt);

  // Before a client's transactional batch of `producer_id` at `epoch` is appended:
  // TxnVerifications::kNone when its transaction is ongoing here (no verification
  // needed), else the guard to pass to AppendAsync once the transaction coordinator
  // confirmed the partition is in the transaction. A marker of the producer, or its batch
  // that starts the transaction, retires the guard.
  uint64_t StartTxnVerification(int64_t producer_id, int16_t epoch);

  // Whole batches from the one holding `offset`, up to max_bytes, at least one batch, all
  // from one segment. Empty (no error) when offset is where `bound` stops. OutOfRange when
  // offset < log_start_offset() or offset > next_offset(). An offset in a gap between
  // segments (a range lost in a crash, or a segment whose deletion half failed) reads from
  // the next segment on, so first_offset is then above `offset`; an empty result's
  // next_offset says where reading goes on.
  // The result pins its segment, so it stays valid while retention deletes the segment.
  // `bound` says where reading stops: below the high watermark (consumers; an offset in
  // [high_watermark(), log_end_offset()] reads empty), below last_stable_offset()
  // (read_committed consumers) or at the log end (followers).
  Result<ReadResult> Read(Offset offset, size_t max_bytes,
                          ReadBound bound = ReadBound::kHighWatermark) const;

  // The offset of the first record with timestamp >= ts (exact for uncompressed batches,
  // the batch's base offset for compressed ones); NotFound when no record is that new.
  Result<Offset> OffsetForTimestamp(TimestampMs ts) const;

  // Makes every batch appended (Append or AppendAsync returned) before the call durable:
  // the active segment and every
  // segment rolled since the last flush (sealing is not syncing). Concurrent callers share
  // one flush (group commit); appends go on while it syncs.
  Status Flush();
  // Flushes when the flush.ms policy says the oldest unflushed append is too old.
  Status FlushIfDue();
  // Flush() at shutdown, once nothing appends or waits for a flush any more. A failed
  // write makes Flush() fail until the next append cuts it back, so that no caller takes
  // the failed batch for durable; here nobody waits for it any more (its caller has had
  // the error), so it is cut back first and what was written is flushed. Full disk or
  // not, what was acknowledged then reaches the disk and the shutdown succeeds. Then the
  // producer state snapshot is stored when it changed (a failure there is only logged).
  Status FlushForClose();

  // Deletes the oldest closed segments that retention.ms, retention.bytes or the log start
  // offset allow; never the active segment, nor on a replicated log a segment that reaches
  // past the high watermark. Returns how many segments went.
  Result<size_t> ApplyRetention();

  // DeleteRecords: moves the log start offset up to `offset` (persisted) and lets
  // retention drop the segments wholly below it. OutOfRange if offset > high_watermark()
  // (the log end of an unreplicated log): what consumers cannot read yet stays, as in Kafka.
  // A lower offset than the current start is a no-op. Producers whose last batch lies
  // below the new start are forgotten, as after retention.
  Status DeleteRecordsBefore(Offset offset);

  // Forgets the producers whose last batch is older than producer.id.expiration.ms by the
  // clock; their next batch must start at sequence 0 again. Returns how many went.
  Result<size_t> ExpireProducers();

  // Takes effect from the next append, roll or retention pass. InvalidArgument if bad.
  Status SetOptions(const LogOptions& options);
  LogOptions options() const;

  // Removes every segment and the persisted state of the partition. The log is unusable
  // afterwards: later calls fail with NotFound.
  Status Delete();

  // The backend meta blob holding a partition's log start offset once DeleteRecordsBefore
  // moved it: kLogStartMetaPrefix + "<topic>-<partition>".
  static constexpr std::string_view kLogStartMetaPrefix = "log-start.";
  static std::string LogStartMetaName(const PartitionId& id);
  // The backend meta blob holding the partition's producer state snapshot
  // (engine/producer/producer_snapshot.h): kProducerStateMetaPrefix + "<topic>-<partition>".
  // Written when a segment rolls and at a clean close; on open the state is the snapshot
  // plus the batches after it, or, when the snapshot is missing, torn or ahead of the
  // recovered log, rebuilt from every segment.
  static constexpr std::string_view kProducerStateMetaPrefix = "producer-state.";
  static std::string ProducerStateMetaName(const PartitionId& id);

  // --- Replication (a cluster broker's partitions, LogOptions::replicated) ---
  //
  // A replicated log's high watermark is not its log end: the leader's replication moves it
  // (AdvanceHighWatermark) once the in-sync replicas hold the data, and a follower moves it
  // to what its leader said. It never moves back except by truncation. It is stored in a
  // checkpoint blob (CheckpointHighWatermark, and FlushForClose) and starts there on open,
  // capped at the log end; without a checkpoint it starts at the log start offset.

  // Moves a replicated log's high watermark up to min(`hw`, log_end_offset()); never down.
  // No-op on an unreplicated log. Returns the high watermark now.
  Offset AdvanceHighWatermark(Offset hw);
  // Stores the high watermark in kHighWatermarkMetaPrefix + "<topic>-<partition>" when it
  // changed since the last checkpoint. No-op on an unreplicated log.
  Status CheckpointHighWatermark();
  static constexpr std::string_view kHighWatermarkMetaPrefix = "high-watermark.";
  static std::string HighWatermarkMetaName(const PartitionId& id);

  // Leader epochs. Every batch carries the epoch of the leader that appended it; the log
  // keeps the epoch history (epoch -> first offset) durably in
  // kLeaderEpochMetaPrefix + "<topic>-<partition>", rebuilt from the batches when missing.
  //
  // This replica leads from now on at `epoch`: Append stamps `epoch` into each batch, and an
  // epoch newer than the latest is recorded as starting at the log end (stored before this
  // returns). The same epoch again is a no-op; an older one is InvalidArgument.
  Status AssignLeaderEpoch(int32_t epoch);
  // The epoch Append stamps now (0 until AssignLeaderEpoch).
  int32_t leader_epoch() const;
  // The latest epoch of the history; -1 when it is empty (no batch and no assignment yet).
  int32_t latest_epoch() const;
  // Kafka's LeaderEpochFileCache.endOffsetFor: for the latest epoch, {epoch,
  // log_end_offset()}; for an older epoch, {the largest known epoch <= `epoch`, the start
  // of the next larger known epoch}; {`epoch`, first known start} when `epoch` is older than
  // every known one; {-1, -1} for -1 or an epoch newer than every known one.
  EpochEndOffset EndOffsetForEpoch(int32_t epoch) const;
  // The epoch history, oldest first.
  std::vector<EpochStart> leader_epochs() const;
  static constexpr std::string_view kLeaderEpochMetaPrefix = "leader-epoch.";
  static std::string LeaderEpochMetaName(const PartitionId& id);

  // A follower's append: whole batches as the leader's Fetch response carried them (one or
  // more; a trailing partial batch is ignored, as Kafka does), stored unchanged — offsets,
  // leader epochs, timestamps, producer ids. Checks each batch (CRC, header) and continuity:
  // Corruption for a bad batch, InvalidArgument for a base offset below the log end (a gap
  // above it starts a new segment). Records the batches' producers in the producer state
  // without sequence checks, and a batch epoch newer than the history's latest as starting
  // at its base offset. Returns once the batches are written; the new log end offset. On
  // error nothing of the call is kept.
  Result<Offset> AppendReplicated(std::span<const uint8_t> batches);

  // Drops every batch at and above `offset` (a batch boundary; a batch that starts below it
  // is kept whole), on both backends, and rewinds with it the indexes, the producer state,
  // the epoch history and the high watermark (to at most `offset`). At or above the log end
  // only the epochs that start at or above `offset` go (they wrote nothing). InvalidArgument
  // below the log start offset. Durable when it returns.
  Status TruncateTo(Offset offset);
  // Drops the whole log and starts it empty at `offset`, which becomes its log start: for a
  // follower whose leader no longer has the offsets it would fetch next. Durable when it
  // returns.
  Status TruncateFullyAndStartAt(Offset offset);

  // The idempotent producers this partition knows (DescribeProducers), by id.
  std::vector<ProducerInfo> ActiveProducers() const;

  // --- Transactions ---
  //
  // The producers' ongoing transactions live in the producer state (and its snapshot).
  // The aborted-transaction index is stored beside the snapshot, in
  // kAbortedTxnMetaPrefix + "<topic>-<partition>" (engine/log/aborted_txn_index.h), covering
  // the same offsets; the log after them rebuilds the rest on open, and both are rebuilt
  // from the whole log when either is missing, damaged or does not match the other.
  // Truncation cuts it, retention and DeleteRecords drop the transactions whose marker
  // lies below the new log start, and a follower builds it from the batches it replicates.

  // min(first offset of the oldest ongoing transaction, high_watermark()), never below
  // the log start offset. A transaction counts as ongoing until its marker is below the
  // high watermark.
  Offset last_stable_offset() const;
  // The aborted transactions that may hold records in [from, upto): those whose
  // last_offset >= from and first_offset < upto, oldest first.
  std::vector<AbortedTxn> AbortedTransactions(Offset from, Offset upto) const;
  static constexpr std::string_view kAbortedTxnMetaPrefix = "aborted-txns.";
  static std::string AbortedTxnMetaName(const PartitionId& id);

  const PartitionId& id() const { return id_; }
  Offset log_start_offset() const;
  // One past the last written batch (the log end offset). Batches appended with
  // AppendAsync join it as their writes complete.
  Offset next_offset() const;
  Offset log_end_offset() const { return next_offset(); }
  // What consumers may read below. On an unreplicated log (the single broker) every written
  // batch is committed, so it is the log end; on a replicated one see AdvanceHighWatermark.
  Offset high_watermark() const;
  // Offsets below this are durable.
  Offset flushed_offset() const;
  uint64_t size_bytes() const;
  std::vector<SegmentInfo> segments() const;
  // The damaged batches its segments hold (Segment::damaged_ranges), in offset order:
  // their count is the partition's damaged batch count.
  std::vector<DamagedRange> damaged_ranges() const;

 private:
  PartitionLog(PartitionId id, StorageBackend* backend, const LogOptions& options,
               const Clock* clock);

  // The error of every call after Delete().
  Status Deleted() const;
  // Loads the segments and the log start offset; creates the first segment of a new log.
  Status Recover();
  // REQUIRES: append_mu_ and map_mu_ (exclusive), the segments and log start loaded. Loads
  // the leader-epoch history, cut to the recovered log, or rebuilds it from the batches
  // when it is missing or unreadable.
  Status LoadLeaderEpochsLocked();
  // REQUIRES: append_mu_. Records that `epoch` starts at `start` when it is newer than the
  // history's latest, stored before it takes effect; on error nothing changed.
  Status RecordEpochLocked(int32_t epoch, Offset start);
  // REQUIRES: append_mu_. Drops the epochs below the log start (retention, DeleteRecords);
  // a failure to store that is only logged, as the next open drops them again.
  void TrimEpochsLocked();
  // REQUIRES: append_mu_. Stores `history` and then makes it the log's.
  Status StoreEpochsLocked(LeaderEpochHistory history);
  // REQUIRES: append_mu_, not map_mu_, and no write in flight. Rebuilds producers_ and the
  // transactions from the snapshot and the batches after it (or from the whole log), as
  // described at kProducerStateMetaPrefix and kAbortedTxnMetaPrefix.
  Status LoadProducerStateLocked();
  // REQUIRES: append_mu_. Stores producers_ and the aborted-transaction index as the
  // snapshot of everything below `end`.
  Status WriteProducerSnapshotLocked(Offset end);
  // REQUIRES: append_mu_. Assigns the batch its offsets and appends it (AppendAsync after
  // its checks), recording it in the producer state; `marker` is the marker of a control
  // batch (AppendMarker).
  Result<AppendResult> WriteBatchLocked(std::span<uint8_t> batch, const BatchHeader& header,
                                        std::optional<ProducerBatch> producer_batch,
                                        const ControlMarker* marker,
                                        Segment::WrittenCallback written);
  // REQUIRES: append_mu_, not map_mu_. A marker ended `txn`: it stops holding the last
  // stable offset once the marker is below the high watermark, and an abort goes to the
  // index.
  void CompleteTxnLocked(const CompletedTxn& txn);
  // REQUIRES: append_mu_, not map_mu_. After producers went (retention, DeleteRecords),
  // their ongoing transactions and the aborts below the log start go too.
  void DropTxnsBeforeLocked(Offset log_start);
  // REQUIRES: map_mu_ (shared or exclusive).
  Offset LastStableLocked() const;
  // REQUIRES: append_mu_. The answer to a retry of `original`: its offsets, and `written`
  // once its write is done.
  Result<AppendResult> AnswerDuplicateLocked(const ProducerBatch& original,
                                             Segment::WrittenCallback written);
  // After a failed write: marks the log for recovery and fails the retries waiting for a
  // batch that will not be written now.
  void FailDuplicateWaiters(const Status& status);
  // REQUIRES: append_mu_. Seals the active segment and starts a new one after the last
  // appended batch.
  Status RollLocked(TimestampMs now);
  // REQUIRES: append_mu_. Makes a new segment starting at `base` (>= the log end) the
  // active one: the old one is sealed, or removed when it is empty.
  Status StartSegmentAtLocked(Offset base, TimestampMs now);
  // REQUIRES: append_mu_, log start <= `offset` < the log end. TruncateTo's work, also
  // undoing a failed AppendReplicated.
  Status TruncateLocked(Offset offset);
  // Fails the retries waiting for a batch that ends above `end`: a truncation dropped it.
  void FailDuplicateWaitersAbove(Offset end);
  // REQUIRES: append_mu_. Whether a batch of `batch_bytes` bytes whose last offset is
  // `last_offset` must go to a new segment.
  bool ShouldRollLocked(uint64_t batch_bytes, Offset last_offset, TimestampMs now) const;
  // REQUIRES: append_mu_. Flushes segments rolled since the last flush, then the active
  // one, and moves flushed_offset_ up to `end` (everything appended so far).
  Status FlushLocked(Offset end);
  // After a failed Flush(): the segments it did not sync and the appends it had taken
  // over count as unflushed again, so the next flush retries them.
  void RestoreUnflushed(std::span<const std::shared_ptr<Segment>> not_synced, int64_t messages,
                        TimestampMs first_unflushed);
  // The segment to read `offset` from: the one holding it, or the next one when `offset`
  // falls in a gap between segments. nullptr when there is none.
  // REQUIRES: map_mu_ (shared or exclusive).
  std::shared_ptr<Segment> FindSegmentLocked(Offset offset) const;
  Status PersistLogStartOffset(Offset offset);
  // REQUIRES: append_mu_.
  const std::shared_ptr<Segment>& ActiveLocked() const { return segments_.rbegin()->second; }
  // Moves the log end up to `end`, a batch that ends at `end_bytes` of the segment based
  // at `segment_base` (the active one), once it is written.
  void Publish(Offset end, Offset segment_base, uint64_t end_bytes);

  // Where consumer reads of a replicated log stop: a batch boundary at or below the high
  // watermark, and the bytes below it in the segment that holds it, so that a read is cut
  // without looking at batch headers.
  struct ReadCut {
    Offset offset = 0;
    Offset segment_base = 0;
    uint64_t bytes = 0;
  };
  // The cut at the batch boundary at or below `offset` in `segment` (the one holding it, or
  // the next one after a gap); may read the segment.
  static ReadCut CutBefore(const Segment& segment, Offset offset);
  // REQUIRES: map_mu_ (shared or exclusive). The cut at `offset` <= next_offset_, from the
  // known batch ends or the segment.
  ReadCut CutAtLocked(Offset offset) const;
  // REQUIRES: append_mu_ and map_mu_ (exclusive), the log loaded. Starts a replicated
  // log's high watermark at its checkpoint (see the replication section above).
  Status LoadHighWatermarkLocked();
  // REQUIRES: map_mu_ (exclusive). Sets the high watermark to `hw` and its cut, forgetting
  // the batch ends at or below it.
  void SetHighWatermarkLocked(Offset hw, const ReadCut& cut);
  // Stores the high watermark `hw` unless it is what the last checkpoint stored.
  Status CheckpointLocked(Offset hw);
  // REQUIRES: append_mu_. After a failed write: cuts the active segment back to the high
  // watermark, where appends go on.
  Status RecoverFromFailedWriteLocked();
  // A write counted in writes_in_flight_ reported back; and waiting for all of them, so
  // that no written callback runs into a destroyed or deleted log.
  void WriteDone();
  void WaitForWrites();

  const PartitionId id_;
  StorageBackend* const backend_;
  const Clock* const clock_;

  // Held while appending, rolling, flushing a segment, applying retention or deleting:
  // one writer at a time, as Segment requires. Taken before map_mu_ and flush_mu_.
  mutable std::mutex append_mu_;
  // Guards segments_, options_, log_start_offset_, next_offset_ and
  // published_active_bytes_; readers take it shared, writers take it exclusive, briefly
  // (appenders, who hold append_mu_, and written callbacks, which publish).
  mutable std::shared_mutex map_mu_;
  // base offset -> segment; shared_ptr because in-flight reads pin segments.
  std::map<Offset, std::shared_ptr<Segment>> segments_;
  LogOptions options_;
  Offset log_start_offset_ = 0;
  // The log end: one past the last written batch.
  Offset next_offset_ = 0;
  // Bytes of the active segment below next_offset_. The segment shows a batch to readers
  // as soon as it is written, before it is flushed (flush.messages) and published here;
  // reads of the active segment stop at this size, so no reader gets a batch above the
  // high watermark, which a failed flush could still take back.
  uint64_t published_active_bytes_ = 0;
  // Guarded by append_mu_, read without it: the offset after the last appended batch,
  // written or not.
  std::atomic<Offset> appended_offset_{0};
  // Guarded by append_mu_: the bytes of the active segment once its queued batches are
  // written.
  uint64_t appended_active_bytes_ = 0;
  // Set by a failed write; the next append (or FlushForClose) recovers.
  std::atomic<bool> write_failed_{false};
  // Appends whose written callback has not finished.
  std::mutex writes_mu_;
  std::condition_variable writes_cv_;
  int64_t writes_in_flight_ = 0;
  // Set by Delete(): every later call fails.
  bool deleted_ = false;

  // LogOptions::replicated, fixed when the log opens.
  const bool replicated_;
  // Replicated logs only, guarded by map_mu_: the high watermark, where consumer reads stop
  // (at or below it), and the ends of the batches published above that cut, oldest first
  // (at most kMaxKnownBatchEnds: past that the newest end replaces the last one kept).
  Offset high_watermark_ = 0;
  ReadCut read_cut_;
  std::deque<ReadCut> batch_ends_;
  static constexpr size_t kMaxKnownBatchEnds = 1 << 16;
  // Guards checkpointed_hw_ and orders checkpoints against Delete(). Taken after append_mu_
  // and before map_mu_.
  std::mutex checkpoint_mu_;
  Offset checkpointed_hw_ = -1;

  // The epoch Append stamps; written under append_mu_.
  std::atomic<int32_t> leader_epoch_{0};
  // Changed under append_mu_ and map_mu_ (exclusive); read under either.
  LeaderEpochHistory epochs_;

  // Guarded by append_mu_: the idempotent producers' state, and whether it changed since
  // the stored snapshot (or that snapshot covers less than the closed segments).
  ProducerState producers_;
  // Guarded by append_mu_: the guards of transactional batches awaiting verification.
  TxnVerifications txn_verifications_;
  bool producer_snapshot_stale_ = false;
  // Changed under append_mu_ and map_mu_ (exclusive); read under either: the aborted
  // transactions, and the transactions that hold the last stable offset.
  AbortedTxnIndex aborted_txns_;
  UnstableTxns unstable_txns_;
  // Retries of batches not yet written wait here for them: the end offset of the original
  // batch and the retry's written callback. Publish runs them; a failed write fails them.
  // Guarded by waiters_mu_, taken before map_mu_, never while running a callback.
  std::mutex waiters_mu_;
  std::vector<std::pair<Offset, Segment::WrittenCallback>> duplicate_waiters_;
  TimestampMs active_created_ms_ = 0;
  // Segments rolled since the last flush: sealing does not make them durable.
  std::vector<std::shared_ptr<Segment>> unflushed_closed_;
  int64_t unflushed_messages_ = 0;
  TimestampMs first_unflushed_ms_ = kNoTimestamp;

  // Group commit: flush_mu_ guards flush_in_progress_ and is never held while taking
  // append_mu_. flushed_offset_ only grows.
  mutable std::mutex flush_mu_;
  std::condition_variable flush_cv_;
  bool flush_in_progress_ = false;
  std::atomic<Offset> flushed_offset_{0};
  // Bumped by every truncation, under flush_mu_: a flush that started before one does not
  // move flushed_offset_ to an end the truncation took back.
  std::atomic<uint64_t> truncations_{0};
};

}  // namespace ringlog
