// InternalLogReplication: the wait of a cluster's internal topics (__consumer_offsets and
// __transaction_state, through their stores' await_replicas) for their in-sync replicas,
// through the broker's LeaderReplicas as an acks=all produce waits. Without it a
// coordinator answered once a write was flushed on its own disk; killed before a follower
// fetched it, the broker that took over the partition replayed an older state: a
// transaction answered as committed was aborted there, torn
// (tests/integration/test_cluster_txn_kill.py), and a commit answered to a consumer group
// was gone (tests/integration/test_cluster_offsets_isr.py).
//
// The stores open before the replication exists, so the object starts detached and is
// attached once it does; it must outlive both stores.
//
// Thread safety: thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <mutex>

#include "engine/log/partition_log.h"
#include "engine/status.h"
#include "net/broker/partition_watchers.h"
#include "net/replication/leader_replicas.h"

namespace ringlog {

class InternalLogReplication {
 public:
  // From now on waits go through `replication`, which must stay until Detach();
  // `watchers` (the followers' long-polling fetches wait there) likewise.
  void Attach(LeaderReplicas* replication, PartitionWatchers* watchers);
  // From now on every wait fails at once: the replication is about to go.
  void Detach();

  // Runs `done` once the high watermark of `log`'s partition reaches `end`: OK, NotFound
  // when this broker stops leading it first, Unavailable-like errors (Busy) when the ISR is
  // below the partition's min.insync.replicas, the wait times out, or the object is not
  // attached.
  void Await(const std::shared_ptr<PartitionLog>& log, Offset end,
             std::function<void(Status)> done);

 private:
  std::mutex mu_;
  LeaderReplicas* replication_ = nullptr;  // nullptr while detached
  PartitionWatchers* watchers_ = nullptr;
};

}  // namespace ringlog
