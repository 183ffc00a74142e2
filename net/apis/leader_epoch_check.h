// Leader epochs on the data path (Fetch, ListOffsets, OffsetForLeaderEpoch): the epoch this
// broker serves a partition at, the check of the epoch a request says it knows (KIP-320:
// a client or follower with older metadata is fenced, one with newer metadata retries),
// and the leader a response names for a client to refresh to.
#pragma once

#include <cstdint>
#include <optional>

#include "engine/log/partition_log.h"
#include "engine/types.h"
#include "net/broker/broker_services.h"
#include "net/cluster/cluster_view.h"
#include "net/codec/error_code.h"

namespace ringlog {

// The epoch this broker leads `log`'s partition at: in a cluster the replication's
// (nullopt when it does not lead it; the snapshot's epoch while no replication is
// wired), on the single broker the log's own. Thread-safe.
std::optional<int32_t> ServedLeaderEpoch(const BrokerServices& services, const PartitionLog& log);

// A request's current_leader_epoch against the epoch served: kNone for -1 (no check) or
// the same epoch; FENCED_LEADER_EPOCH when older; UNKNOWN_LEADER_EPOCH when newer;
// NOT_LEADER_OR_FOLLOWER when nothing is served.
ErrorCode CheckLeaderEpoch(int32_t requested, std::optional<int32_t> served);

// The leader and leader epoch the cluster snapshot names for `partition`; {-1, -1} without
// a cluster or such a partition.
struct LeaderAndEpoch {
  int32_t leader = -1;
  int32_t epoch = -1;
};
LeaderAndEpoch SnapshotLeader(const ClusterView* cluster, const PartitionId& partition);

}  // namespace ringlog
