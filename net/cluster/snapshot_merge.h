// The stale-news rule of a broker's cluster snapshot. Snapshots are re-read from ZooKeeper
// on every change, and a read may return a partition state older than one already seen
// (a read through a lagging server after a reconnect, or a state rewritten by a controller
// that was since replaced). Leadership never goes backwards on a broker: a partition state
// older than the one held is ignored.
#pragma once

#include "net/cluster/cluster_snapshot.h"

namespace ringlog {

// `next`, except where it is older than `previous`:
// - a partition state older than the held one (IsOlderState) is replaced by the held state
//   and its partition epoch;
// - a topic in `next.unreadable_topics` that `previous` knows is taken from `previous` (the
//   last version that could be read) and leaves the unreadable set.
// A topic whose id differs from the held one's is a new topic (deleted and re-created
// under the same name) and is taken as it is. Pure.
ClusterSnapshot MergeNewer(const ClusterSnapshot& previous, ClusterSnapshot next);

// Whether the state of partition `next` is older than that of `held`. Every write of a state
// znode bumps its version (the partition epoch), so with both versions known the lower one is
// older; else (a state not read from ZooKeeper) a lower leader_epoch, or an equal one with a
// lower controller_epoch, is.
bool IsOlderState(const ClusterPartition& next, const ClusterPartition& held);

}  // namespace ringlog
