#include "net/cli/cluster_command.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "net/cli/broker_client.h"
#include "net/cli/cli_flags.h"

DECLARE_string(bootstrap_server);
DECLARE_int32(request_timeout_ms);

namespace ringlog {
namespace {

std::string Ids(const std::vector<int32_t>& ids) {
  std::string text;
  for (int32_t id : ids) {
    if (!text.empty()) text += ',';
    text += std::to_string(id);
  }
  return text;
}

}  // namespace

ClusterOptions ClusterOptionsFromFlags() {
  return ClusterOptions{.bootstrap_server = FLAGS_bootstrap_server,
                        .request_timeout_ms = FLAGS_request_timeout_ms};
}

std::vector<gflags::CommandLineFlagInfo> ClusterFlags() {
  return FlagsOfCommand(__FILE__, {"bootstrap_server", "request_timeout_ms"});
}

std::string ClusterUsage() {
  return "usage: ringlog cluster [--bootstrap_server=HOST:PORT]\n"
         "\n"
         "prints the cluster id, the brokers (the controller marked), and the under-replicated\n"
         "and offline partitions. Exit codes: 0 done, 1 the cluster could not be reached,\n"
         "2 bad usage.\n";
}

int RunCluster(const ClusterOptions& options) {
  std::string host;
  int32_t port = 0;
  if (Status parsed = ParseHostPort(options.bootstrap_server, &host, &port); !parsed.ok()) {
    std::fprintf(stderr, "ringlog cluster: --bootstrap_server: %s\n", parsed.message().c_str());
    return 2;
  }
  BrokerClient client(host, port, std::chrono::milliseconds(options.request_timeout_ms));
  Result<MetadataResponse> metadata = client.Metadata();
  if (!metadata.ok()) {
    std::fprintf(stderr, "ringlog cluster: %s: %s\n", options.bootstrap_server.c_str(),
                 metadata.status().ToString().c_str());
    return 1;
  }
  std::printf("Cluster: %s\tController: %d\tBrokers: %zu\n\n",
              metadata->cluster_id.value_or("-").c_str(), metadata->controller_id,
              metadata->brokers.size());
  std::vector<MetadataResponse::Broker> brokers = metadata->brokers;
  std::sort(brokers.begin(), brokers.end(),
            [](const auto& a, const auto& b) { return a.node_id < b.node_id; });
  std::printf("%-6s %-30s %-6s %-12s %s\n", "ID", "HOST", "PORT", "RACK", "ROLE");
  for (const MetadataResponse::Broker& broker : brokers) {
    std::printf("%-6d %-30s %-6d %-12s %s\n", broker.node_id, broker.host.c_str(), broker.port,
                broker.rack.value_or("-").c_str(),
                broker.node_id == metadata->controller_id ? "controller" : "-");
  }
  std::vector<std::string> under_replicated;
  std::vector<std::string> offline;
  for (const MetadataResponse::Topic& topic : metadata->topics) {
    for (const MetadataResponse::Partition& p : topic.partitions) {
      const std::string line = topic.name.value_or("?") + "\t" + std::to_string(p.partition_index) +
                               "\tLeader: " + std::to_string(p.leader_id) +
                               "\tReplicas: " + Ids(p.replica_nodes) + "\tIsr: " + Ids(p.isr_nodes);
      if (p.leader_id < 0) offline.push_back(line);
      if (p.isr_nodes.size() < p.replica_nodes.size()) under_replicated.push_back(line);
    }
  }
  std::sort(under_replicated.begin(), under_replicated.end());
  std::sort(offline.begin(), offline.end());
  std::printf("\nUnder-replicated partitions: %zu\n", under_replicated.size());
  for (const std::string& line : under_replicated) std::printf("\t%s\n", line.c_str());
  std::printf("Offline partitions: %zu\n", offline.size());
  for (const std::string& line : offline) std::printf("\t%s\n", line.c_str());
  return 0;
}

}  // namespace ringlog
