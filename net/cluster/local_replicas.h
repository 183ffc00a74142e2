// LocalReplicas: keeps a cluster broker's local storage in line with the cluster. Every
// broker holds a LogManager topic — all partitions, the cluster's topic id, the topic's
// config overrides — for every topic of the cluster, and serves only the partitions it
// leads (ClusterView::Leads). The member (net/cluster/cluster_member.h) calls Apply with
// each snapshot it reads, on the broker's admin worker, where topic changes run one at a
// time.
//
// The group coordinator lives in the leaders of `__consumer_offsets`' partitions: after
// each Apply the broker's GroupCoordinator has loaded exactly the partitions of that topic
// this broker leads, and unloaded the ones it led before and leads no more. The
// transaction coordinator likewise lives in the leaders of `__transaction_state`'s
// partitions, each loaded with its leader epoch as the coordinator epoch (reloaded when a
// new term of this broker's leadership raises it), as Kafka's does.
//
// Thread safety: thread-compatible (one Apply at a time: the admin worker).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "engine/group/group_coordinator.h"
#include "engine/log/log_manager.h"
#include "engine/status.h"
#include "engine/txn/transaction_coordinator.h"
#include "net/cluster/cluster_snapshot.h"

namespace ringlog {

class LocalReplicas {
 public:
  // `logs`, `groups` and `txns` (each may be null: no coordinator to tell) must outlive
  // this object.
  LocalReplicas(int32_t broker_id, LogManager* logs, GroupCoordinator* groups,
                TransactionCoordinator* txns = nullptr);
  LocalReplicas(const LocalReplicas&) = delete;
  LocalReplicas& operator=(const LocalReplicas&) = delete;

  // Makes the local topics those of `snapshot` (merged by MergeNewer, read from
  // ZooKeeper): creates missing ones with the cluster's id, partition count and configs;
  // grows partitions; replaces config overrides that differ; deletes local topics absent
  // from the snapshot or whose id differs (re-created in the cluster: deleted, then made
  // anew), telling the coordinator to forget their offsets. Topics named in
  // snapshot.unreadable_topics are left as they are. Then loads and unloads the
  // coordinators' partitions by leadership.
  //
  // Idempotent: a second Apply of the same snapshot changes nothing. Each change is logged
  // at INFO, each failed one at WARNING; a failure does not stop the others, the first is
  // returned (already logged), and the next Apply tries again. InvalidArgument, touching nothing,
  // for a snapshot without a cluster id (never read from ZooKeeper: applying it would delete every
  // topic).
  Status Apply(const ClusterSnapshot& snapshot);

  // Deletes the records of every local partition of `snapshot`'s topics that this broker
  // is not a replica of any more (a reassignment moved it away), on either backend: the
  // log starts empty again at offset 0, as a partition that never had data here. Call it
  // after the roles were applied (ReplicaRoles::Apply), so that no fetcher appends to such
  // a partition any more. Each deletion is logged at INFO; a failure (logged) does not
  // stop the others, the first is returned, and the next call tries again.
  Status DropUnheld(const ClusterSnapshot& snapshot);

  // Unloads every offsets partition loaded, for a broker that lost its ZooKeeper session
  // and so may lead nothing until it has read the cluster again.
  void UnloadAllGroups();
  // The same for the transaction state partitions.
  void UnloadAllTransactions();

 private:
  // Deletes local topics the snapshot does not hold (or holds under another id).
  Status DeleteStale(const ClusterSnapshot& snapshot);
  // Creates, grows and reconfigures `name` to match `topic`.
  Status Reconcile(const std::string& name, const ClusterTopic& topic);
  // Loads the offsets partitions this broker leads, unloads the others.
  Status Coordinate(const ClusterSnapshot& snapshot);
  Status LoadGroups(int32_t partition);
  void UnloadGroups(int32_t partition);
  // Loads the transaction state partitions this broker leads at their leader epochs,
  // unloads the others.
  Status CoordinateTransactions(const ClusterSnapshot& snapshot);

  const int32_t broker_id_;
  LogManager* const logs_;
  GroupCoordinator* const groups_;
  TransactionCoordinator* const txns_;
  // The offsets partitions the coordinator holds loaded.
  std::set<int32_t> loaded_;
  // The transaction state partitions loaded, with their coordinator epochs.
  std::map<int32_t, int32_t> txn_loaded_;
};

}  // namespace ringlog
