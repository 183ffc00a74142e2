// TxnStateStore: every transactional id's last logged state, durably in the engine's own
// log — the internal topic "__transaction_state", a LogManager topic like any other. An
// id's records go to one partition of it, PartitionFor(id) (Kafka's rule:
// abs(javaHashCode(id)) % partitions), so that in a cluster each partition's leader
// coordinates its ids. Each write appends one record (engine/txn/txn_record.h) and is
// acknowledged once flushed and, in a cluster, on the partition's in-sync replicas
// (TxnStateStoreOptions::await_replicas); removing an id appends a tombstone.
//
// Partitions are loaded (replayed from their log start) and unloaded one by one; writes
// to an id whose partition is not loaded fail with NotFound. With `create_topic` (the
// single broker) the store makes the topic on first use; without it (a cluster, where the
// controller makes the topic) it never does. The partition count is the existing topic's,
// else `num_partitions`.
//
// The log is kept small by snapshots, per partition, as engine/group/offset_store.h does:
// once a partition holds many more records than live ids, MaybeCompact appends the live
// entries again, flushes, and moves the log start to the snapshot. The log side (topic,
// replay, batches, flushes) is engine/log/internal_topic_log.h, shared with OffsetStore.
//
// Thread safety: thread-safe. Appends are serialised.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "engine/clock.h"
#include "engine/log/flusher.h"
#include "engine/log/internal_topic_log.h"
#include "engine/log/log_manager.h"
#include "engine/log/partition_log.h"
#include "engine/log/record_batch.h"
#include "engine/txn/txn_metadata.h"

namespace ringlog {

struct TxnStateStoreOptions {
  // segment.bytes of the topic when the store creates it.
  int64_t segment_bytes = 16ll << 20;
  // A partition's snapshot is written once it holds at least this many records, and at
  // least twice as many as it has live ids.
  int64_t compact_min_records = 10000;
  // transaction.state.log.num.partitions, for a topic that does not exist yet.
  int32_t num_partitions = 50;
  // True (the single broker): the store creates the topic on first use. False (a
  // cluster): it never creates it.
  bool create_topic = true;
  // A cluster's wait for the state log's in-sync replicas (see AwaitReplicasFn): a write is
  // acknowledged only once its record is on them. Unset (the single broker): once flushed.
  AwaitReplicasFn await_replicas;
};

class TxnStateStore {
 public:
  using DoneCallback = std::function<void(Status)>;
  using Entries = std::map<std::string, TxnLogEntry>;

  // Loads nothing. `logs`, `clock` and `flusher` (nullptr: writes flush on the caller's
  // thread) must outlive the store. InvalidArgument for a partition count below 1.
  static Result<std::unique_ptr<TxnStateStore>> Open(LogManager* logs, Flusher* flusher,
                                                     const Clock* clock,
                                                     const TxnStateStoreOptions& options);
  TxnStateStore(const TxnStateStore&) = delete;
  TxnStateStore& operator=(const TxnStateStore&) = delete;

  int32_t PartitionFor(std::string_view transactional_id) const;
  int32_t num_partitions() const { return topic_.num_partitions(); }
  bool IsLoaded(int32_t partition) const;

  // Replays `partition` and returns its live entries (the last record of each id that
  // is not a tombstone); a loaded partition is replayed again. A partition whose topic
  // does not exist yet is empty when the store may create it. InvalidArgument outside
  // the topic; NotFound when the topic does not exist and the store may not create it;
  // the log's read errors. Records that do not decode are skipped with a LOG(ERROR).
  Result<Entries> LoadPartition(int32_t partition);
  // Forgets `partition` (its log stays). No-op when not loaded.
  void UnloadPartition(int32_t partition);

  // Logs `entry` for `transactional_id` (nullopt: removes it). `done` runs once durable
  // (OK) or with the append's, flush's or replication's error — NotFound when the id's
  // partition is not loaded (or no longer led) — on a flusher or replication thread or on
  // this one. `appended` (may be empty) runs on this thread once the record is in the log,
  // before `done` and before it is durable: any later write of the same partition is
  // durable only with it.
  void Write(const std::string& transactional_id, const std::optional<TxnLogEntry>& entry,
             DoneCallback done, const std::function<void()>& appended = {});

  // Writes a snapshot and drops the log before it in every loaded partition holding
  // enough superseded records; flushes on the calling thread. OK when nothing to do.
  Status MaybeCompact();

  // Records in the loaded partitions' logs from their starts, and live ids, summed.
  int64_t log_records() const;
  size_t live_entries() const;

 private:
  struct Partition {
    std::shared_ptr<PartitionLog> log;  // nullptr until the topic exists
    Entries entries;
    int64_t log_records = 0;
  };

  TxnStateStore(LogManager* logs, Flusher* flusher, const Clock* clock,
                const TxnStateStoreOptions& options);
  Result<Partition> Replay(int32_t index) const;
  static void ReplayBatch(const RecordBatchView& batch, Offset log_start, Partition& into);
  // REQUIRES: mu_ and `records` not empty. Appends `records` (id, entry or tombstone) to
  // `index`, creating the topic on first use, applies them, and returns the last offset
  // written.
  Result<Offset> AppendLocked(int32_t index, Partition& partition,
                              const std::map<std::string, std::optional<TxnLogEntry>>& records);
  Status CompactPartition(int32_t index);

  const Clock* const clock_;
  const TxnStateStoreOptions options_;
  InternalTopicLog topic_;

  std::mutex load_mu_;  // one replay or snapshot at a time; taken before mu_
  mutable std::mutex mu_;
  std::map<int32_t, Partition> partitions_;  // the loaded ones
};

}  // namespace ringlog
