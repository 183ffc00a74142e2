// Reads what a broker needs to know of the cluster from ZooKeeper's tree (the layout of
// net/cluster/znodes.h) into a ClusterSnapshot, optionally arming a watch on every node
// read so that any later change fires the ZkClient's listener.
//
// Nodes change while they are read: a child listed may be gone when it is read (it is
// skipped), a parent may not exist yet (its list is empty), and a node may hold content
// that does not decode (it is skipped with a LOG(WARNING) naming the path; a topic whose
// assignment or config is undecodable is named in ClusterSnapshot::unreadable_topics).
// A topic's partition states are those of the assignment read beside them: the read is
// repeated while the assignment changes under it, and a topic that never holds still is
// named unreadable too. Only the loss of the connection or the session fails the read.
#pragma once

#include "engine/status.h"
#include "net/cluster/cluster_snapshot.h"
#include "net/cluster/zk_client.h"

namespace ringlog {

// Reads /cluster/id, /controller and /controller_epoch, the children of /brokers/ids and
// each registration, the children of /brokers/topics and each assignment and partition
// state, the children of /config/topics and each config. With `watch`, arms a children
// watch on the three lists and a data watch on every other node read (an existence watch
// where a node is absent, so that its creation fires too). Busy when the connection or
// the session is lost meanwhile; IOError for another failure of ZooKeeper.
//
// Thread safety: as ZkClient (thread-safe); reads only.
Result<ClusterSnapshot> ReadClusterSnapshot(ZkClient& zk, bool watch);

}  // namespace ringlog
