// OffsetStore: every consumer group's committed offsets, in memory for reads and durably
// in the engine's own log — partition 0 of the internal topic "__consumer_offsets", a
// LogManager topic like any other, made on the first write. Each commit appends records
// (engine/group/offset_record.h) and is acknowledged once flushed (acks=all); deletions append
// tombstones. Opening the store replays the log from its start.
//
// The log is kept small by snapshots: once it holds many more records than there are live
// offsets, MaybeCompact appends every live offset again, flushes, and moves the log start
// to the snapshot (DeleteRecordsBefore), so retention drops the segments before it. A
// crash in between leaves the old records readable and the snapshot (partial or whole)
// after them, which replays to the same state.
//
// Thread safety: thread-safe. Appends are serialised, so the log's order is the order in
// which commits became visible.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/clock.h"
#include "engine/group/offset_record.h"
#include "engine/log/flusher.h"
#include "engine/log/log_manager.h"
#include "engine/log/partition_log.h"
#include "engine/log/record_batch.h"

namespace ringlog {

struct OffsetStoreOptions {
  // segment.bytes of the offsets topic when the store creates it.
  int64_t segment_bytes = 16ll << 20;
  // A snapshot is written once the log holds at least this many records, and at least
  // twice as many as there are live offsets.
  int64_t compact_min_records = 10000;
};

class OffsetStore {
 public:
  using DoneCallback = std::function<void(Status)>;
  using Offsets = std::map<PartitionId, CommittedOffset>;

  // Replays the offsets topic when it exists. `logs`, `clock` and `flusher` (nullptr:
  // commits flush on the caller's thread) must outlive the store. Corruption when the
  // topic exists without its partition; the log's read errors. Batches or records that do
  // not decode are skipped with a LOG(ERROR).
  static Result<std::unique_ptr<OffsetStore>> Open(LogManager* logs, Flusher* flusher,
                                                   const Clock* clock,
                                                   const OffsetStoreOptions& options);
  OffsetStore(const OffsetStore&) = delete;
  OffsetStore& operator=(const OffsetStore&) = delete;

  // Stores `offsets` for `group`. They are visible to Get at once; `done` runs once they
  // are durable (OK) or with the append's or flush's error, on a flusher thread or on
  // this one.
  void Commit(const std::string& group, const Offsets& offsets, DoneCallback done);

  std::optional<CommittedOffset> Get(const std::string& group, const PartitionId& p) const;
  // Every partition `group` has an offset for.
  Offsets GetAll(const std::string& group) const;
  bool HasGroup(const std::string& group) const;
  // Groups with at least one committed offset, sorted.
  std::vector<std::string> Groups() const;

  // Removes every offset of `group`, durably, before returning. OK when it has none.
  Status DeleteGroup(const std::string& group);
  // Removes every group's offsets for `topic` (a deleted topic), durably.
  Status DeleteTopic(std::string_view topic);

  // Writes a snapshot and drops the log before it when the log holds enough superseded
  // records (see OffsetStoreOptions); flushes on the calling thread. OK when nothing to do.
  Status MaybeCompact();

  // Records in the log from its start (superseded ones included), and live offsets.
  int64_t log_records() const;
  size_t live_offsets() const;

 private:
  // A record to append: a value, or a tombstone (nullopt).
  using Entry = std::pair<OffsetKey, std::optional<CommittedOffset>>;

  OffsetStore(LogManager* logs, Flusher* flusher, const Clock* clock,
              const OffsetStoreOptions& options);
  Status Replay();
  void ReplayBatch(const RecordBatchView& batch, Offset log_start);
  void Apply(const OffsetKey& key, const std::optional<CommittedOffset>& value);
  // REQUIRES: mu_. Creates the offsets topic on first use.
  Status EnsureLogLocked();
  // REQUIRES: mu_. Appends `entries` in batches of bounded size and applies each batch
  // once stored; the last offset written (nullopt when `entries` is empty).
  Result<std::optional<Offset>> AppendLocked(std::span<const Entry> entries);
  // Appends tombstones for the keys `select` picks, then flushes.
  Status DeleteWhere(const std::function<bool(const OffsetKey&)>& select);
  size_t LiveLocked() const;

  LogManager* const logs_;
  Flusher* const flusher_;
  const Clock* const clock_;
  const OffsetStoreOptions options_;

  // Held by MaybeCompact only: one snapshot at a time. Taken before mu_.
  std::mutex compact_mu_;
  mutable std::mutex mu_;
  std::shared_ptr<PartitionLog> log_;  // nullptr until the topic exists
  std::map<std::string, Offsets> offsets_;
  int64_t log_records_ = 0;
};

}  // namespace ringlog
