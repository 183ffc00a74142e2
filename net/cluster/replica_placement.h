// Where a topic's replicas go: the controller's pure decisions, with no ZooKeeper in them
// (which replica leads is partition_election.h).
//
// Placement is Kafka's rack-unaware round robin. Brokers are taken in id order; partition
// p's first replica (its preferred leader) is broker (start_index + p) mod n, so leaders
// spread evenly; the other replicas follow the first at a distance that shifts by one each
// time the partitions have gone once round the brokers, so that the followers of one broker's
// partitions spread too. Kafka draws start_index and the shift at random; callers pass them
// (the controller from its injectable random source) so that tests are deterministic.
//
// Example, brokers {1,2,3}, replication factor 2, start_index 0, replica_shift 0:
//   p0 [1,2]  p1 [2,3]  p2 [3,1]   (shift 0: each follower is the next broker)
//   p3 [1,3]  p4 [2,1]  p5 [3,2]   (shift 1: each follower is two brokers on)
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <vector>

#include "engine/status.h"
#include "net/cluster/znodes.h"

namespace ringlog {

// Partition number -> replica list, preferred leader first.
using ReplicaAssignment = std::map<int32_t, std::vector<int32_t>>;

struct PlacementStart {
  int32_t start_index = 0;    // the broker index partition 0's first replica would have
  int32_t replica_shift = 0;  // the followers' distance at partition 0, minus one
};

// InvalidArgument saying why `replication_factor` replicas cannot be placed on
// `live_brokers` brokers (below 1, or more than there are brokers).
Status ValidateReplicationFactor(int32_t replication_factor, size_t live_brokers);

// Places partitions [first_partition, first_partition + count).
// REQUIRES: `brokers` sorted and distinct, ValidateReplicationFactor ok, count >= 0,
// first_partition >= 0.
ReplicaAssignment PlaceReplicas(std::span<const int32_t> brokers, int32_t first_partition,
                                int32_t count, int32_t replication_factor, PlacementStart start);

// InvalidArgument saying what is wrong with a placement given by a client for partitions
// [first_partition, first_partition + assignment.size()): a partition outside that range,
// an empty replica list, a broker listed twice for one partition, a broker that is not in
// `live_brokers`, or replica lists of different lengths (or, when
// `replication_factor` >= 1, not of that length).
Status ValidateManualAssignment(const ReplicaAssignment& assignment, int32_t first_partition,
                                const std::set<int32_t>& live_brokers, int32_t replication_factor);

}  // namespace ringlog
