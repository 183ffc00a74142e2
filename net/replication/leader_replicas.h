// LeaderReplicas: the leader's side of replication, for every partition this broker leads.
//
// Per partition it tracks each follower's log end offset (the fetch offset of its last
// Fetch) and when it last caught up with the leader's log end; from them the high
// watermark, the minimum log end over the ISR, which it moves in the PartitionLog
// (AdvanceHighWatermark, never back) and announces to long-polling fetches. It answers
// acks=all produces once the high watermark passes their batch, and refuses them with
// NOT_ENOUGH_REPLICAS when the ISR is below min.insync.replicas.
//
// The ISR: a follower that has not caught up for replica.lag.time.max.ms leaves it; one
// whose log end reaches the high watermark and the start of the current leader epoch joins
// it. Each change goes to the controller as an AlterPartition naming the partition epoch
// the leader holds; until the controller confirms, the high watermark counts the larger of
// the old and the proposed ISR (Kafka's "maximal ISR"). Every change is logged.
//
// Roles come from the cluster snapshot (net/replication/replica_roles.h calls BecomeLeader,
// UpdateState and StopLeading); the data path (Fetch, Produce) calls the rest.
//
// Thread safety: thread-safe; the data-path calls are cheap (a per-partition lock).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "engine/clock.h"
#include "engine/log/partition_log.h"
#include "engine/status.h"
#include "engine/types.h"
#include "net/codec/error_code.h"

namespace ringlog {

// What the controller last wrote for a partition that this broker leads.
struct LeaderAssignment {
  int32_t leader_epoch = 0;
  std::vector<int32_t> replicas;  // assignment order
  std::vector<int32_t> isr;
  int32_t partition_epoch = -1;  // the state znode's version
};

class LeaderReplicas {
 public:
  virtual ~LeaderReplicas() = default;

  // This broker leads `log`'s partition from now on at `assignment.leader_epoch`: assigns the
  // epoch to the log (PartitionLog::AssignLeaderEpoch) and starts tracking its followers
  // (their log ends unknown until they fetch). Leading it already at that epoch: the same as
  // UpdateState. The log's error when the epoch cannot be stored.
  virtual Status BecomeLeader(std::shared_ptr<PartitionLog> log,
                              const LeaderAssignment& assignment) = 0;
  // A newer state of a partition it leads, at the same leader epoch (the controller changed
  // the ISR or the replicas): taken when its partition epoch is newer than the one held.
  virtual void UpdateState(const PartitionId& partition, const LeaderAssignment& assignment) = 0;
  // Stops leading: acks=all produces still waiting get NOT_LEADER_OR_FOLLOWER.
  virtual void StopLeading(const PartitionId& partition) = 0;
  // Whether it leads `partition` now (BecomeLeader done, StopLeading not since).
  virtual bool Leading(const PartitionId& partition) const = 0;
  // The epoch it leads `partition` at; nullopt when it does not lead it.
  virtual std::optional<int32_t> LeaderEpoch(const PartitionId& partition) const = 0;

  // --- The data path ---

  // A Fetch from follower `replica` at `fetch_offset` (its log end): records its progress,
  // which may move the high watermark (waking long-polling fetches and acks=all produces)
  // and propose the follower back into the ISR. NOT_LEADER_OR_FOLLOWER when this broker
  // does not lead the partition or `replica` is not one of its replicas.
  virtual ErrorCode OnFollowerFetch(const PartitionId& partition, int32_t replica,
                                    Offset fetch_offset) = 0;
  // The leader's own log end moved (a write completed): the high watermark may follow (at
  // once when the ISR is the leader alone).
  virtual void OnLeaderWrite(const PartitionId& partition) = 0;
  // Before an acks=all append: NOT_LEADER_OR_FOLLOWER when not leading, NOT_ENOUGH_REPLICAS
  // when the ISR has fewer than `min_insync` members, else kNone.
  virtual ErrorCode CheckInsync(const PartitionId& partition, int32_t min_insync) const = 0;
  // After an acks=all append ending at `end`: runs `done` once, from any thread, with kNone
  // when the high watermark reaches `end`; NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR
  // shrinks below `min_insync` first; NOT_LEADER_OR_FOLLOWER when leadership goes first;
  // REQUEST_TIMED_OUT after `timeout`. Never runs `done` inside the call.
  virtual void AwaitHighWatermark(const PartitionId& partition, Offset end, int32_t min_insync,
                                  std::chrono::milliseconds timeout,
                                  std::function<void(ErrorCode)> done) = 0;
};

struct LeaderReplicasOptions {
  int32_t broker_id = -1;
  // replica.lag.time.max.ms.
  int64_t replica_lag_time_max_ms = 30000;
  // How long one AlterPartition exchange with the controller may take.
  std::chrono::milliseconds alter_partition_timeout{5000};
};

class AlterPartitionClient;
class ClusterView;
class PartitionWatchers;

// The broker's LeaderReplicas. ISR changes go to the controller `cluster` names; a moved
// high watermark wakes `watchers` (may be null). `clock`, `cluster` and `watchers` must
// outlive it. Runs two threads of its own: one checks the followers' lag every
// replica.lag.time.max.ms / 2 and times out acks=all waiters, one sends the AlterPartition
// requests. Destroying it answers the acks=all waiters left with NOT_LEADER_OR_FOLLOWER.
std::unique_ptr<LeaderReplicas> MakeLeaderReplicas(const LeaderReplicasOptions& options,
                                                   const Clock* clock, ClusterView* cluster,
                                                   PartitionWatchers* watchers);
// The same with the ISR changes sent through `client` (tests).
std::unique_ptr<LeaderReplicas> MakeLeaderReplicas(const LeaderReplicasOptions& options,
                                                   const Clock* clock,
                                                   std::unique_ptr<AlterPartitionClient> client,
                                                   PartitionWatchers* watchers);

}  // namespace ringlog
