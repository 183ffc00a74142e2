// Whether this broker serves a partition on the data path (Produce, Fetch, ListOffsets,
// DeleteRecords, DescribeProducers). In a cluster only the partition's leader serves it;
// the single broker serves every partition it has.
#pragma once

#include "engine/types.h"
#include "net/cluster/cluster_view.h"
#include "net/codec/error_code.h"

namespace ringlog {

// kNone when this broker may serve `partition` now. Without a cluster (null) always
// kNone: the handler's own lookup decides, as on the single broker. In a cluster:
// UNKNOWN_TOPIC_OR_PARTITION when the snapshot has no such topic or partition,
// NOT_LEADER_OR_FOLLOWER when this broker does not lead it now (another broker does, none
// does, or the ZooKeeper session is lost), so that the client refreshes its metadata.
ErrorCode RoutePartition(const ClusterView* cluster, const PartitionId& partition);

}  // namespace ringlog
