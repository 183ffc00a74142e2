// `ringlog cluster`: the brokers of a cluster, its id and controller, and its under-
// replicated (ISR smaller than the replicas) and offline (no leader) partitions, from one
// Metadata request (v12, through BrokerClient: librdkafka 2.0's metadata does not carry
// the controller). Exit codes: 0 done (even with under-replicated partitions: they are
// reported, not an error of the command); 1 the cluster could not be reached; 2 bad usage.
#pragma once

#include <gflags/gflags.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ringlog {

struct ClusterOptions {
  std::string bootstrap_server = "localhost:9092";
  int32_t request_timeout_ms = 30000;
};

ClusterOptions ClusterOptionsFromFlags();
std::vector<gflags::CommandLineFlagInfo> ClusterFlags();
std::string ClusterUsage();

int RunCluster(const ClusterOptions& options);

}  // namespace ringlog
