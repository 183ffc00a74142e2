// UringSegment: the Segment of the raw-file backend. Batches live back to back in
// <base>.log; the offset and time indexes live in memory while the segment is open and are
// written to <base>.index and <base>.timeindex when it is sealed (engine/log/format.h).
//
// Appends write behind: Append copies the batch into the segment's queue, and the
// backend's SegmentWriter writes what is queued at the end of the .log through io_uring,
// one write per round, then indexes and publishes the batches and runs their written
// callbacks. The size, next offset and max timestamp are atomics published after a write
// completed, so Read runs concurrently with Append and sees only whole written batches.
// The .log is opened on demand through the backend's descriptor cache (fd_cache.h), which
// may close it while the segment is idle. Reads return FileSlices of the .log; the slice
// pins the open file, so it stays readable after the segment is deleted or destroyed, or
// the cache closes its entry.
//
// Thread safety: as Segment (engine/log/segment.h).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "backends/uring/dir_syncs.h"
#include "backends/uring/fd_cache.h"
#include "backends/uring/log_verifier.h"
#include "backends/uring/segment_indexes.h"
#include "backends/uring/segment_writer.h"
#include "backends/uring/uring_file.h"
#include "backends/uring/uring_layout.h"
#include "engine/log/segment.h"
#include "engine/log/storage_backend.h"

namespace ringlog {

class UringSegment final : public Segment, private SegmentWriter::Client {
 public:
  // How recovery treats a segment's existing files.
  enum class OpenMode {
    // The partition's last segment: verify every batch, keep and report damage in the
    // middle, cut a torn or damaged tail, rebuild the indexes, open unsealed.
    kActive,
    // A sealed segment after a clean shutdown: load its index files; only when they are
    // missing, damaged or stale, verify the log as kSealedVerified does and rebuild (and
    // rewrite) them.
    kSealedTrusted,
    // A sealed segment after an unclean shutdown: verify every batch. Damage is kept and
    // reported; a damaged tail claims the offsets up to the next segment.
    kSealedVerified,
  };

  struct Params {
    SegmentPaths paths;
    Offset base_offset = 0;
    SegmentOptions options;
    unsigned queue_depth = 64;
    // Writes the queued batches; shared by the backend's segments.
    std::shared_ptr<SegmentWriter> writer;
    // The partition directory, and the backend's deferred directory syncs: the first
    // Flush makes the segment's directory entries durable unless `entries_durable`.
    std::string dir;
    std::shared_ptr<DirSyncs> dir_syncs;
    bool entries_durable = false;
    // The backend's bound on open segment files.
    std::shared_ptr<FdCache> fd_cache;
  };

  // A new, empty, unsealed segment over the already created, empty `log`.
  static std::unique_ptr<UringSegment> Create(const Params& params,
                                              std::shared_ptr<CachedFile> log);

  // Recovers the segment whose .log is at params.paths.log. `next_base_offset` is the
  // base offset of the following segment, if any: a damaged sealed segment claims the
  // offsets up to it, so that reads of them fail with Corruption rather than vanish.
  static Result<std::unique_ptr<UringSegment>> Open(const Params& params, OpenMode mode,
                                                    std::optional<Offset> next_base_offset);

  Offset base_offset() const override { return params_.base_offset; }
  Offset next_offset() const override { return next_offset_.load(std::memory_order_acquire); }
  uint64_t size_bytes() const override { return size_.load(std::memory_order_acquire); }
  TimestampMs max_timestamp() const override {
    return max_timestamp_.load(std::memory_order_acquire);
  }
  bool sealed() const override { return sealed_.load(std::memory_order_acquire); }

  // Waits until the queued batches are written (or failed).
  ~UringSegment() override;

  Status Append(const RecordBatchView& batch, WrittenCallback written) override;
  Result<ReadResult> Read(Offset offset, size_t max_bytes) const override;
  Result<Offset> FindOffsetByTimestamp(TimestampMs ts) const override;
  std::vector<DamagedRange> damaged_ranges() const override;
  Status Flush() override;
  Status Seal() override;
  Status TruncateTo(Offset offset) override;

 private:
  UringSegment(const Params& params, std::shared_ptr<CachedFile> log, SegmentIndexes indexes);

  // Replaces the indexes with ones rebuilt by verifying the whole log, and keeps the
  // damage found in the middle; cuts a bad tail when `cut_tail`, else keeps it as damage.
  // Returns whether the segment is free of damage.
  Result<bool> Recover(bool cut_tail, std::optional<Offset> next_base_offset);
  // Loads both index files for the current log size; false when either is unusable.
  bool LoadIndexes();
  // Finds next_offset from the last offset index entry (after LoadIndexes).
  Status ScanTail();
  // Writes both index files and syncs them.
  Status PersistIndexes();
  void RemoveIndexFiles() const;
  // Publishes the counters for a log of `size` bytes ending before `next_offset`.
  void Publish(uint64_t size, Offset next_offset, TimestampMs max_timestamp);
  // Starts the queue at the published end. REQUIRES: nothing queued.
  void ResetQueue();
  // Waits until every batch appended before the call is written; the write failure if not.
  Status WaitWritten();
  // REQUIRES: mu_ held. The damage that holds `offset`, or nullptr.
  const LogDamage* DamageHolding(Offset offset) const;
  // REQUIRES: mu_ held. Where the first damage at or after `position` starts; `size` if
  // there is none before it.
  uint64_t DamageFrom(uint64_t position, uint64_t size) const;
  // Calls `fn` with the header of every batch in [from, to) in order, stepping over the
  // damage in `damage` (a copy of damage_); stops when `fn` returns false, or at a header
  // that does not decode. `from` must be a batch boundary.
  Status ForEachBatch(uint64_t from, uint64_t to, const std::vector<LogDamage>& damage,
                      const std::function<bool(const BatchHeader&)>& fn) const;
  // Waits until no round of the writer is pending for this segment.
  // REQUIRES: queue_mu_ held by `lock`.
  void WaitIdle(std::unique_lock<std::mutex>& lock);

  // SegmentWriter::Client: writes what is queued, then indexes, publishes and reports it.
  bool WriteQueued() override;

  // A batch waiting in the queue or being written.
  struct QueuedBatch {
    BatchHeader header;
    uint64_t position = 0;
    WrittenCallback written;
  };

  const Params params_;
  const std::shared_ptr<CachedFile> log_;
  // Whether the directory entries of the segment's files are known to be durable.
  std::atomic<bool> entries_durable_;

  // Guards indexes_ and damage_; readers take it shared and briefly.
  mutable std::shared_mutex mu_;
  SegmentIndexes indexes_;
  // The damage recovery found and kept, in file order: its bytes are never served.
  std::vector<LogDamage> damage_;

  // The write-behind queue. queue_mu_ guards everything below up to the atomics, except
  // writing_ and writing_batches_, which belong to the writer while `scheduled_`.
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::vector<uint8_t> filling_;  // batches appended since the writer's last round began
  std::vector<QueuedBatch> filling_batches_;
  std::vector<uint8_t> writing_;  // the round being written
  std::vector<QueuedBatch> writing_batches_;
  bool scheduled_ = false;   // handed to the writer, whose rounds have not ended
  uint64_t queued_end_ = 0;  // position after the last appended batch
  Offset queued_next_ = 0;   // offset after the last appended batch
  // Position up to which the queue is written and its callbacks have run; lags size_,
  // which readers see as soon as a round is written, so that a Flush returns only after
  // the high watermark covers what it synced.
  uint64_t written_end_ = 0;
  Status write_failure_;  // a failed write; appends are refused until TruncateTo
  uint64_t resets_ = 0;   // TruncateTo calls, which end WaitWritten's waits

  std::atomic<uint64_t> size_{0};
  std::atomic<Offset> next_offset_;
  std::atomic<TimestampMs> max_timestamp_{kNoTimestamp};
  std::atomic<bool> sealed_{false};
};

}  // namespace ringlog
