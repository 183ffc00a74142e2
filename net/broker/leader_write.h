// AnnounceLeaderWrite: what every append to a partition this broker leads must tell the
// rest of the broker (a produce, a transaction marker, a transaction state record).
#pragma once

#include "engine/types.h"
#include "net/broker/partition_watchers.h"
#include "net/replication/leader_replicas.h"

namespace ringlog {

// The log of `partition` grew: the replication (nullptr on a single broker) may move its
// high watermark, and the fetches long-polling it wake — the followers' only on a
// `replicated` log, whose high watermark moves later with them, else the consumers' too.
// `watchers` may be nullptr.
void AnnounceLeaderWrite(LeaderReplicas* replication, PartitionWatchers* watchers,
                         const PartitionId& partition, bool replicated);

}  // namespace ringlog
