#include "net/broker/leader_write.h"

namespace ringlog {

void AnnounceLeaderWrite(LeaderReplicas* replication, PartitionWatchers* watchers,
                         const PartitionId& partition, bool replicated) {
  if (replication != nullptr) replication->OnLeaderWrite(partition);
  if (watchers != nullptr) {
    watchers->Notify(
        partition, replicated ? PartitionWatchers::Ends::kLogEnd : PartitionWatchers::Ends::kBoth);
  }
}

}  // namespace ringlog
