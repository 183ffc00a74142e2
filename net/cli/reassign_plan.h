// The plans of `ringlog reassign`: a balanced placement of partitions on a set of brokers,
// and the JSON that kafka-reassign-partitions reads and writes for it:
//   {"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2,3],
//                                "log_dirs":["any","any","any"]},...]}
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"

namespace ringlog {

// Replica lists, preferred leader first, by topic and partition.
using Placement = std::map<std::string, std::map<int32_t, std::vector<int32_t>>>;

// A placement of `current`'s partitions (same replication factors) on `brokers` that
// spreads, within each topic, the replicas and the preferred leaders evenly (per broker
// counts differ by at most one where the topic allows it), while moving as few replicas
// as it can: a replica stays where it is unless its broker is not in `brokers` or holds
// more than its share; a preferred leader changes by reordering a partition's replicas,
// which moves no data. Ties go to the broker with the fewest replicas over all topics
// placed so far, then the lowest id. InvalidArgument when `brokers` is empty, names a
// broker twice, or has fewer brokers than a partition has replicas.
Result<Placement> BalancedPlacement(const Placement& current, const std::vector<int32_t>& brokers);

// The partitions whose replica list differs between `from` and `to` (with `to`'s list).
Placement Changes(const Placement& from, const Placement& to);

// `plan` as kafka-reassign-partitions writes it (version 1, log_dirs all "any").
std::string PlanJson(const Placement& plan);

// A plan in that JSON. InvalidArgument (saying where) for anything else: not an object, a
// version other than 1, a partition without topic, partition or replicas, a negative
// partition, a partition listed twice, log_dirs other than "any".
Result<Placement> ParsePlanJson(std::string_view json);

}  // namespace ringlog
