// OffsetStore: every consumer group's committed offsets, in memory for reads and durably
// in the engine's own log — the internal topic "__consumer_offsets", a LogManager topic
// like any other. A group's records go to one partition of it, PartitionFor(group)
// (engine/group/group_partition.h: Kafka's rule), so that in a cluster each partition's
// leader coordinates its groups. Each commit appends records (engine/group/offset_record.h)
// and is acknowledged once flushed (acks=all); deletions append tombstones.
//
// Transactional producers' commits (TxnOffsetCommit) go into a transactional batch of the
// producer (its id and epoch, base sequence -1) and stay pending until a marker of the
// producer lands in the same partition: the one who appends the marker calls
// CompleteTransaction, and a replay applies the markers it meets
// (engine/group/offset_partition_state.h has the rules).
//
// Partitions are loaded (replayed from their log start, their groups served) and unloaded
// (their groups forgotten from memory; the log stays) one by one. A group whose partition
// is not loaded is not owned here: reads see nothing and writes fail with NotFound. With
// `create_topic` (the single broker) the store makes the topic on first use and loads
// every partition at Open; without it (cluster mode, where the controller makes the topic)
// it loads only what LoadPartition asks for. The topic's partition count is the existing
// topic's (data dirs from before this split have one partition, and keep it), else
// `offsets_topic_num_partitions`.
//
// The log side (topic, replay, batches, flushes) is engine/log/internal_topic_log.h, shared
// with the transaction state store. The log is kept small by snapshots, per partition: once a
// partition holds many more records than it has live offsets, MaybeCompact appends its live offsets
// again, flushes, and moves its log start to the snapshot (DeleteRecordsBefore), so retention drops
// the segments before it — or only to the oldest record that pending transactional offsets still
// need (OffsetPartitionState::OldestNeeded). A crash in between leaves the old records readable and
// the snapshot (partial or whole) after them, which replays to the same state.
//
// Thread safety: thread-safe. Appends are serialised, so each partition's order is the
// order in which commits became visible.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/clock.h"
#include "engine/group/offset_partition_state.h"
#include "engine/group/offset_record.h"
#include "engine/log/flusher.h"
#include "engine/log/internal_topic_log.h"
#include "engine/log/log_manager.h"
#include "engine/log/partition_log.h"
#include "engine/log/record_batch.h"

namespace ringlog {

struct OffsetStoreOptions {
  // segment.bytes of the offsets topic when the store creates it.
  int64_t segment_bytes = 16ll << 20;
  // A partition's snapshot is written once it holds at least this many records, and at
  // least twice as many as it has live offsets.
  int64_t compact_min_records = 10000;
  // offsets.topic.num.partitions: the partition count of the topic when it does not
  // exist yet (an existing topic keeps its own).
  int32_t offsets_topic_num_partitions = 50;
  // True (the single broker): the store creates the topic on first use and loads every
  // partition at Open. False (a cluster): it never creates the topic and loads only the
  // partitions LoadPartition names.
  bool create_topic = true;
  // A cluster's wait for the offsets topic's in-sync replicas (see AwaitReplicasFn): a
  // commit is answered only once its records are on them. Unset (the single broker): once
  // flushed.
  AwaitReplicasFn await_replicas;
};

class OffsetStore {
 public:
  using DoneCallback = std::function<void(Status)>;
  using Offsets = std::map<PartitionId, CommittedOffset>;

  // Replays every partition of the offsets topic when `options.create_topic` (and the
  // topic exists); else loads nothing. `logs`, `clock` and `flusher` (nullptr: commits
  // flush on the caller's thread) must outlive the store. InvalidArgument for a partition
  // count below 1; Corruption when the topic lacks a partition; the log's read errors.
  // Batches or records that do not decode are skipped with a LOG(ERROR).
  static Result<std::unique_ptr<OffsetStore>> Open(LogManager* logs, Flusher* flusher,
                                                   const Clock* clock,
                                                   const OffsetStoreOptions& options);
  OffsetStore(const OffsetStore&) = delete;
  OffsetStore& operator=(const OffsetStore&) = delete;

  // The partition of the offsets topic that holds `group`'s records.
  int32_t PartitionFor(std::string_view group) const;
  // The offsets topic's partition count: the topic's own once it exists (or was seen by
  // Open or LoadPartition), else the option.
  int32_t num_partitions() const { return topic_.num_partitions(); }
  // True when the partition holding `group` is loaded here.
  bool Owns(std::string_view group) const;
  bool IsLoaded(int32_t partition) const;

  // Replays `partition` and serves its groups. OK when it is loaded already.
  // InvalidArgument for a partition outside the topic; NotFound when the topic (or the
  // partition) does not exist and the store may not create it; the log's read errors.
  Status LoadPartition(int32_t partition);
  // Forgets `partition`'s groups and offsets (its log stays). No-op when not loaded.
  void UnloadPartition(int32_t partition);

  // Stores `offsets` for `group`. They are visible to Get at once; `done` runs once they
  // are durable — flushed, and with await_replicas on the in-sync replicas — (OK) or with
  // the append's, flush's or wait's error — NotFound when the group's partition is not
  // loaded — on a flusher or replication thread or on this one.
  void Commit(const std::string& group, const Offsets& offsets, DoneCallback done);
  // Stores `offsets` for `group` as pending offsets of transactional producer
  // `producer_id` at `producer_epoch`: visible to PendingPartitions at once, to Get once a
  // COMMIT completes them. `done` as for Commit; InvalidProducerEpoch when the partition
  // knows a newer epoch of the producer (nothing stored then).
  void CommitPending(const std::string& group, int64_t producer_id, int16_t producer_epoch,
                     const Offsets& offsets, DoneCallback done);
  // A marker of `producer_id` is in the log of `partition`: commits or drops the
  // producer's pending offsets there. No-op when `partition` is not loaded.
  void CompleteTransaction(int32_t partition, int64_t producer_id, ControlType type);

  std::optional<CommittedOffset> Get(const std::string& group, const PartitionId& p) const;
  // Every partition `group` has an offset for.
  Offsets GetAll(const std::string& group) const;
  // As GetAll, but nullopt when the group's partition is not loaded here. With `pending`,
  // also the partitions for which `group` has pending offsets, read atomically with them.
  std::optional<Offsets> GetAllIfOwned(const std::string& group,
                                       std::set<PartitionId>* pending = nullptr) const;
  // True when `group` has a committed or a pending offset here.
  bool HasGroup(const std::string& group) const;
  // Groups of the loaded partitions with at least one committed or pending offset, sorted.
  std::vector<std::string> Groups() const;

  // Removes every offset of `group`, pending ones included, durably, before returning. OK
  // when it has none; NotFound when its partition is not loaded.
  Status DeleteGroup(const std::string& group);
  // Removes every group's offsets for `topic` (a deleted topic), pending ones included, in
  // the loaded partitions, durably.
  Status DeleteTopic(std::string_view topic);

  // Writes a snapshot and drops the log before it in every loaded partition that holds
  // enough superseded records (see OffsetStoreOptions); flushes on the calling thread.
  // OK when nothing to do.
  Status MaybeCompact();

  // Records in the loaded partitions' logs from their starts (superseded ones included),
  // and live offsets, summed over the loaded partitions.
  int64_t log_records() const;
  size_t live_offsets() const;

 private:
  // A record to append: a value, or a tombstone (nullopt).
  using Entry = std::pair<OffsetKey, std::optional<CommittedOffset>>;

  // One loaded partition of the offsets topic.
  struct Partition {
    std::shared_ptr<PartitionLog> log;  // nullptr until the topic exists
    OffsetPartitionState state;
    int64_t log_records = 0;
  };
  // The transactional producer whose batch an append writes.
  struct TxnProducer {
    int64_t id = -1;
    int16_t epoch = -1;
  };

  OffsetStore(LogManager* logs, Flusher* flusher, const Clock* clock,
              const OffsetStoreOptions& options);
  // Reads `index`'s log into a new Partition; nullptr log when the topic does not exist.
  Result<Partition> Replay(int32_t index) const;
  // REQUIRES: mu_. The loaded partition holding `group`, or nullptr.
  Partition* FindLocked(std::string_view group);
  const Partition* FindLocked(std::string_view group) const;
  // REQUIRES: mu_. Appends `entries` to `index`, creating the topic on first use, and
  // applies each batch once stored — as pending offsets of `txn` when given; the last offset
  // written (nullopt when `entries` is empty).
  Result<std::optional<Offset>> AppendLocked(int32_t index, Partition& partition,
                                             std::span<const Entry> entries,
                                             std::optional<TxnProducer> txn = std::nullopt);
  // Commit and CommitPending: appends under mu_, then flushes (on the flusher when there
  // is one) and reports to `done`.
  void CommitEntries(const std::string& group, std::vector<Entry> entries,
                     std::optional<TxnProducer> txn, DoneCallback done);
  // Appends tombstones for the keys `select` picks in the loaded partitions (only
  // `only` when set), then flushes. NotFound when `only` is not loaded.
  Status DeleteWhere(std::optional<int32_t> only,
                     const std::function<bool(const OffsetKey&)>& select);
  Status CompactPartition(int32_t index);

  const Clock* const clock_;
  const OffsetStoreOptions options_;
  InternalTopicLog topic_;

  // Held by LoadPartition and MaybeCompact: one replay or snapshot at a time. Taken
  // before mu_.
  std::mutex load_mu_;
  mutable std::mutex mu_;
  std::map<int32_t, Partition> partitions_;  // the loaded ones
};

}  // namespace ringlog
