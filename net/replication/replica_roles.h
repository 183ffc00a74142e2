// ReplicaRoles: makes this broker's replicas take the roles the cluster snapshot gives them.
// After each snapshot is applied to the local storage (LocalReplicas::Apply, on the admin
// worker), Apply goes over every local partition of the cluster's topics:
//   this broker leads it      its fetcher lets it go, then LeaderReplicas::BecomeLeader at
//                             the snapshot's leader epoch (UpdateState when already leading
//                             at that epoch);
//   a replica led elsewhere   LeaderReplicas::StopLeading, and the fetcher of the leader
//                             broker fetches it at the leader epoch (moved from another
//                             fetcher when the leader changed);
//   neither (no leader, not a replica, the leader unknown) both stop;
//   led by it per a state written before its own registration (it restarted since, maybe
//                             with an empty disk): both stop until the controller elects anew.
// A broker whose ZooKeeper session expired stops leading at once (SessionLost), and then
// gets a snapshot without its leadership (the member strips it), which Apply follows.
//
// One ReplicaFetcher per leader broker; a fetcher left without partitions is stopped and
// dropped once its thread ended.
//
// Thread safety: Apply and Stop from one thread at a time (the admin worker, then the
// owner); Leading and SessionLost are thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "engine/log/log_manager.h"
#include "net/cluster/cluster_snapshot.h"
#include "net/replication/leader_replicas.h"
#include "net/replication/replica_fetcher.h"

namespace ringlog {

class ReplicaRoles {
 public:
  // `options.broker_id` is this broker. `logs` and `replication` must outlive this object.
  ReplicaRoles(const ReplicaFetcherOptions& options, LogManager* logs, LeaderReplicas* replication);
  // Stop().
  ~ReplicaRoles();
  ReplicaRoles(const ReplicaRoles&) = delete;
  ReplicaRoles& operator=(const ReplicaRoles&) = delete;

  // Gives every local partition of `snapshot`'s topics its role, as described above;
  // partitions followed or led before and absent from `snapshot` stop both. Errors (an
  // epoch the log refuses) are logged; the next Apply tries again.
  void Apply(const ClusterSnapshot& snapshot);

  // Whether this broker leads `partition` with its epoch assigned (LeaderReplicas::Leading).
  bool Leading(const PartitionId& partition) const;

  // The ZooKeeper session is gone: stops leading every partition `last` (the snapshot held
  // until then) names this broker the leader of, so that acks=all produces waiting there
  // are answered now. The next Apply takes the roles up again.
  void SessionLost(const ClusterSnapshot& last);

  // Stops every fetcher and waits for their threads; leads nothing any more.
  void Stop();

 private:
  // Whether `partition`'s state, which names this broker the leader, was written before this
  // broker registered (the controller replaces such a leader: controller_election.cc).
  bool MadeLeaderBefore(const ClusterSnapshot& snapshot, const ClusterPartition& partition) const;
  void Lead(const std::shared_ptr<PartitionLog>& log, const ClusterPartition& partition);
  void Follow(const std::shared_ptr<PartitionLog>& log, const ClusterPartition& partition,
              const ClusterBroker& leader);
  void StopFollowing(const PartitionId& id);
  void StopLeading(const PartitionId& id);
  // Stops the fetchers left without partitions; drops the stopped ones whose thread ended.
  void Retire();

  const ReplicaFetcherOptions options_;
  LogManager* const logs_;
  LeaderReplicas* const replication_;
  std::map<int32_t, std::unique_ptr<ReplicaFetcher>> fetchers_;  // by leader broker id
  std::vector<std::unique_ptr<ReplicaFetcher>> retired_;
  std::map<PartitionId, int32_t> following_;  // partition -> leader broker id
  // partition -> the log it leads with (a topic re-created under its name has a new one).
  std::map<PartitionId, const PartitionLog*> leading_;
};

}  // namespace ringlog
