// The load generator's side of a partition reassignment, on the wire as
// kafka-reassign-partitions does it: AlterPartitionReassignments (API 45, version 0, a
// flexible request) names the new replica list of one partition; the broker forwards it to
// the controller, which moves the data and answers once the move has started.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench/harness/loadgen/kafka_connection.h"
#include "engine/status.h"
#include "net/codec/api_key.h"

namespace ringlog::bench {

// The versions of `api_key` the connection's broker serves, from its ApiVersions (v0)
// answer; nullopt when it does not serve the API. `connection` must have nothing in flight.
struct VersionRange {
  int16_t min_version = 0;
  int16_t max_version = 0;
};
Result<std::optional<VersionRange>> ServedVersions(KafkaConnection& connection, int16_t api_key);

inline constexpr int16_t kAlterPartitionReassignmentsKey =
    static_cast<int16_t>(ApiKey::kAlterPartitionReassignments);

// The cluster's answer to a reassignment: error code 0 when it accepted it (the move runs
// on), else the Kafka error code and message of the request or of the partition.
struct ReassignmentAnswer {
  int16_t error_code = 0;
  std::string error;  // "<code> <message>", "" when accepted
};

// Asks to give partition `partition` of `topic` the replicas `replicas` (the first is the
// preferred leader). NotSupported when the broker does not serve API 45 v0 (nothing is
// sent then: it would close the connection); IOError when the connection fails; the
// decoder's error for bad bytes.
Result<ReassignmentAnswer> RequestReassignment(KafkaConnection& connection,
                                               const std::string& topic, int32_t partition,
                                               const std::vector<int32_t>& replicas);

}  // namespace ringlog::bench
