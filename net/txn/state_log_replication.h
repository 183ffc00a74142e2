// StateLogReplication: the wait of a cluster's transaction state log for its in-sync
// replicas (TxnStateStoreOptions::await_replicas), through the broker's LeaderReplicas as
// an acks=all produce waits. Without it a coordinator answered EndTxn once PrepareCommit was
// flushed on its own disk; killed before a follower fetched it, the broker that took over
// the partition replayed the transaction as Ongoing and aborted it while the old
// coordinator's markers had committed it elsewhere: a torn transaction
// (tests/integration/test_cluster_txn_kill.py).
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

class StateLogReplication {
 public:
  // `replication` must outlive the object or its Detach(); `watchers` (the followers'
  // long-polling fetches wait there) must outlive the object.
  StateLogReplication(LeaderReplicas* replication, PartitionWatchers* watchers)
      : replication_(replication), watchers_(watchers) {}

  // Runs `done` once the high watermark of `log`'s partition reaches `end`: OK, NotFound
  // when this broker stops leading it first, Unavailable-like errors (Busy) when the ISR is
  // below the partition's min.insync.replicas, the wait times out or Detach() came first.
  void Await(const std::shared_ptr<PartitionLog>& log, Offset end,
             std::function<void(Status)> done);
  // From now on every wait fails at once: the replication is about to go.
  void Detach();

 private:
  std::mutex mu_;
  LeaderReplicas* replication_;  // nullptr once detached
  PartitionWatchers* const watchers_;
};

}  // namespace ringlog
