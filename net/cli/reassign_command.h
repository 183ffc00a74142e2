// `ringlog reassign`: moves partitions between the brokers of a running cluster over the
// Kafka protocol (AlterPartitionReassignments, ListPartitionReassignments, Metadata), as
// kafka-reassign-partitions does:
//   --generate   prints the current placement and a balanced one for the live brokers (or
//                --brokers), moving few replicas (net/cli/reassign_plan.h);
//   --execute    submits --plan (a plan file), or without one the generated plan: after a
//                broker joins, `ringlog reassign --execute` spreads the partitions and
//                their leaders over every broker;
//   --verify     waits until the moves (of --plan or the one just executed; without
//                either, every move in progress) are done, and checks the replicas.
// Exit codes: 0 done; 1 the cluster refused or failed part of it (said on stderr);
// 2 bad usage or a bad plan file.
#pragma once

#include <gflags/gflags.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ringlog {

struct ReassignOptions {
  std::string bootstrap_server = "localhost:9092";  // host:port of any broker
  bool generate = false;
  bool execute = false;
  bool verify = false;
  std::string plan_file;  // a plan in kafka-reassign-partitions' JSON; empty: generate one
  std::string brokers;    // "1,2,3,4"; empty: the live brokers
  std::string topics;     // "a,b"; empty: every topic that is not internal
  int32_t request_timeout_ms = 30000;
  int32_t verify_timeout_ms = 300000;
};

ReassignOptions ReassignOptionsFromFlags();
// The flags of `ringlog reassign`, for its --help.
std::vector<gflags::CommandLineFlagInfo> ReassignFlags();
std::string ReassignUsage();

// Runs the command; returns its exit code. Writes results to stdout, errors to stderr.
int RunReassign(const ReassignOptions& options);

}  // namespace ringlog
