// InternalTopicLog: the log side of a store kept in one of the engine's internal topics
// (__consumer_offsets, __transaction_state): finding the topic or creating it, replaying a
// partition from its log start, appending keyed records in batches of bounded size,
// acknowledging once flushed, and dropping the records a snapshot superseded. The stores
// built on it (engine/group/offset_store.h, engine/txn/txn_state_store.h) keep their own
// state and locking; this class holds no lock and no state but the partition count.
//
// Thread safety: every method may be called from any thread; the stores serialise their
// appends to a partition themselves.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/log/flusher.h"
#include "engine/log/log_manager.h"
#include "engine/log/partition_log.h"
#include "engine/log/record_batch.h"
#include "engine/log/record_batch_builder.h"
#include "engine/status.h"

namespace ringlog {

// A cluster's wait for the replication of an internal topic: runs `done` once `log`'s
// records before `end` are on its in-sync replicas (OK), else with why not (NotFound when
// this broker no longer leads the partition). A store acknowledges a write only then, as
// Kafka's coordinators append with acks=all, so that the broker that takes over the
// partition after this one crashed replays everything a client was answered on.
using AwaitReplicasFn = std::function<void(const std::shared_ptr<PartitionLog>& log, Offset end,
                                           std::function<void(Status)> done)>;

struct InternalTopicOptions {
  std::string topic;
  // The partition count when the topic does not exist yet (an existing topic keeps its
  // own).
  int32_t num_partitions = 50;
  // True (the single broker): the topic is created on first use. False (a cluster, where
  // the controller creates it): never.
  bool create_topic = true;
  // segment.bytes of the topic when it is created here.
  int64_t segment_bytes = 16ll << 20;
  // Unset (the single broker): a flushed write is durable.
  AwaitReplicasFn await_replicas;
};

class InternalTopicLog {
 public:
  using DoneCallback = std::function<void(Status)>;
  // Called after each batch an Append stored: records [begin, end) of its input were
  // written at offsets base_offset.. in order.
  using StoredCallback = std::function<void(size_t begin, size_t end, Offset base_offset)>;

  // `logs` and `flusher` (nullptr: flushes run on the caller's thread) must outlive it.
  InternalTopicLog(LogManager* logs, Flusher* flusher, InternalTopicOptions options);

  const std::string& topic() const { return options_.topic; }
  bool create_topic() const { return options_.create_topic; }
  // The topic's own partition count once it exists (or was seen to), else the option.
  int32_t num_partitions() const { return num_partitions_.load(); }
  // The topic's partition count when it exists, remembered as num_partitions().
  std::optional<int32_t> Refresh();

  // Whether `partition` may be loaded now: NotFound when the topic does not exist and may
  // not be created here; InvalidArgument outside [0, num_partitions()). Refreshes first.
  Status CheckLoadable(int32_t partition);
  // The log of `partition`: nullptr when the topic does not exist yet; Corruption when the
  // topic exists without that partition.
  Result<std::shared_ptr<PartitionLog>> Existing(int32_t partition) const;
  // The log of `partition`, creating the topic when this store may (NotFound otherwise).
  Result<std::shared_ptr<PartitionLog>> Ensure(int32_t partition);

  // Calls `visit` with every batch of `log` from its log start to its log end — not only to
  // the high watermark, as Kafka's coordinators load: on a replicated log the high
  // watermark is only as new as its last checkpoint, behind the writes this coordinator
  // answered. A batch that does not parse ends that read with a LOG(ERROR).
  Status Replay(PartitionLog& log, const std::function<void(const RecordBatchView&)>& visit) const;

  // Appends `records` (at least one) as batches built with `options`, each kept under a
  // bounded size, calling `stored` after each; the last offset written. A failed append
  // leaves the batches before it stored (and reported).
  Result<Offset> Append(PartitionLog& log, const std::vector<RecordData>& records,
                        const BatchOptions& options, const StoredCallback& stored) const;

  // Runs `done` once a write of `log` up to `last_offset` may be acknowledged: flushed (on
  // a flusher thread, or on this one without a flusher), then, with `await_replicas`, on
  // the partition's in-sync replicas. The flush's or the wait's error otherwise.
  void DurableThen(std::shared_ptr<PartitionLog> log, Offset last_offset, DoneCallback done) const;

  // After a snapshot ending at the log end: flushes `log` (only a durable snapshot may
  // replace what it supersedes), moves its log start to `new_start` and lets retention
  // remove the segments below; the count removed.
  Result<size_t> DropBefore(PartitionLog& log, Offset new_start) const;

 private:
  LogManager* const logs_;
  Flusher* const flusher_;
  const InternalTopicOptions options_;
  std::atomic<int32_t> num_partitions_;
};

}  // namespace ringlog
