#include "net/cli/reassign_command.h"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <thread>
#include <utility>

#include "engine/log/internal_topics.h"
#include "net/cli/broker_client.h"
#include "net/cli/cli_flags.h"
#include "net/cli/reassign_plan.h"
#include "net/codec/error_code.h"

DEFINE_string(bootstrap_server, "localhost:9092", "host:port of any broker of the cluster");
DEFINE_bool(generate, false,
            "print the current placement and a balanced one for --brokers (moving few replicas)");
DEFINE_bool(execute, false,
            "start the moves of --plan, or without --plan of the generated balanced placement");
DEFINE_bool(verify, false,
            "wait until the moves (of --plan, of --execute, or else every move in progress) are "
            "done and check the replicas");
DEFINE_string(
    plan, "",
    "a reassignment plan file in kafka-reassign-partitions' JSON "
    "({\"version\":1,\"partitions\":[{\"topic\":..,\"partition\":..,\"replicas\":[..]}]})");
DEFINE_string(brokers, "",
              "comma-separated broker ids to place the partitions on; empty: the live brokers");
DEFINE_string(topics, "",
              "comma-separated topics to place; empty: every topic that is not internal");
DEFINE_int32(request_timeout_ms, 30000, "how long one request to the cluster may take");
DEFINE_int32(verify_timeout_ms, 300000, "how long --verify waits for the moves to finish");

namespace ringlog {
namespace {

constexpr int kExitDone = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

std::string ErrorText(int16_t code, const std::optional<std::string>& message) {
  std::string name;
  switch (static_cast<ErrorCode>(code)) {
    case ErrorCode::kUnknownTopicOrPartition:
      name = "UNKNOWN_TOPIC_OR_PARTITION";
      break;
    case ErrorCode::kRequestTimedOut:
      name = "REQUEST_TIMED_OUT";
      break;
    case ErrorCode::kInvalidReplicaAssignment:
      name = "INVALID_REPLICA_ASSIGNMENT";
      break;
    case ErrorCode::kNotController:
      name = "NOT_CONTROLLER";
      break;
    case ErrorCode::kNoReassignmentInProgress:
      name = "NO_REASSIGNMENT_IN_PROGRESS";
      break;
    default:
      name = "error";
  }
  std::string text = name + " (" + std::to_string(code) + ")";
  if (message && !message->empty()) text += ": " + *message;
  return text;
}

Result<std::vector<int32_t>> ParseIds(const std::string& text) {
  std::vector<int32_t> ids;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    int32_t id = 0;
    auto [at, error] = std::from_chars(item.data(), item.data() + item.size(), id);
    if (item.empty() || error != std::errc() || at != item.data() + item.size() || id < 0) {
      return Status::InvalidArgument("--brokers: '" + item + "' is not a broker id");
    }
    ids.push_back(id);
  }
  if (ids.empty()) return Status::InvalidArgument("--brokers names no broker");
  return ids;
}

std::set<std::string> ParseNames(const std::string& text) {
  std::set<std::string> names;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) names.insert(item);
  }
  return names;
}

std::string PartitionList(const Placement& plan) {
  std::string text;
  for (const auto& [topic, partitions] : plan) {
    for (const auto& [partition, replicas] : partitions) {
      text += (text.empty() ? "" : ", ") + topic + "-" + std::to_string(partition);
    }
  }
  return text;
}

class Reassign {
 public:
  explicit Reassign(const ReassignOptions& options) : options_(options) {}

  int Run() {
    if (!options_.generate && !options_.execute && !options_.verify) {
      return Usage("name --generate, --execute or --verify (ringlog reassign --help)");
    }
    if (options_.generate && !options_.plan_file.empty()) {
      return Usage("--generate makes a plan; it takes no --plan");
    }
    std::string host;
    int32_t port = 0;
    if (Status parsed = ParseHostPort(options_.bootstrap_server, &host, &port); !parsed.ok()) {
      return Usage("--bootstrap_server: " + parsed.message());
    }
    client_.emplace(host, port, std::chrono::milliseconds(options_.request_timeout_ms));

    std::optional<Placement> plan;
    if (!options_.plan_file.empty()) {
      std::ifstream file(options_.plan_file);
      if (!file) return Usage("cannot read the plan file " + options_.plan_file);
      const std::string text((std::istreambuf_iterator<char>(file)),
                             std::istreambuf_iterator<char>());
      Result<Placement> parsed = ParsePlanJson(text);
      if (!parsed.ok()) return Usage(options_.plan_file + ": " + parsed.status().message());
      plan = std::move(*parsed);
    }
    if (options_.generate || (options_.execute && !plan)) {
      Result<Placement> generated = Generate();
      if (!generated.ok()) return Fail(generated.status());
      plan = std::move(*generated);
    }
    if (options_.execute) {
      if (int code = Execute(*plan); code != kExitDone) return code;
    }
    if (options_.verify) return Verify(plan);
    return kExitDone;
  }

 private:
  int Usage(const std::string& message) {
    std::fprintf(stderr, "ringlog reassign: %s\n", message.c_str());
    return kExitUsage;
  }

  int Fail(const Status& status) {
    std::fprintf(stderr, "ringlog reassign: %s\n", status.message().c_str());
    return status.IsInvalidArgument() ? kExitUsage : kExitFailed;
  }

  Result<MetadataResponse> Metadata() {
    Result<MetadataResponse> metadata = client_->Metadata();
    if (!metadata.ok()) {
      return Status::IOError("Metadata from " + options_.bootstrap_server + ": " +
                             metadata.status().ToString());
    }
    return metadata;
  }

  // The cluster's placement of the topics --topics names (all but the internal ones).
  Result<Placement> Current(const MetadataResponse& metadata) {
    const std::set<std::string> wanted = ParseNames(options_.topics);
    Placement current;
    std::set<std::string> seen;
    for (const MetadataResponse::Topic& topic : metadata.topics) {
      if (!topic.name || topic.error_code != 0) continue;
      const std::string& name = *topic.name;
      seen.insert(name);
      if (wanted.empty() ? IsInternalTopic(name) : !wanted.contains(name)) continue;
      for (const MetadataResponse::Partition& partition : topic.partitions) {
        current[name][partition.partition_index] = partition.replica_nodes;
      }
    }
    for (const std::string& name : wanted) {
      if (!seen.contains(name)) {
        return Status::InvalidArgument("--topics: the cluster has no topic '" + name + "'");
      }
    }
    return current;
  }

  Result<Placement> Generate() {
    ASSIGN_OR_RETURN(MetadataResponse metadata, Metadata());
    std::vector<int32_t> brokers;
    if (!options_.brokers.empty()) {
      ASSIGN_OR_RETURN(brokers, ParseIds(options_.brokers));
    } else {
      for (const MetadataResponse::Broker& broker : metadata.brokers) {
        brokers.push_back(broker.node_id);
      }
    }
    ASSIGN_OR_RETURN(Placement current, Current(metadata));
    ASSIGN_OR_RETURN(Placement balanced, BalancedPlacement(current, brokers));
    const Placement changes = Changes(current, balanced);
    std::printf("Current partition replica assignment\n%s\n\n", PlanJson(current).c_str());
    std::printf("Proposed partition reassignment configuration (%zu partitions move)\n%s\n",
                Count(changes), PlanJson(changes).c_str());
    std::fflush(stdout);
    return changes;
  }

  static size_t Count(const Placement& plan) {
    size_t count = 0;
    for (const auto& [topic, partitions] : plan) count += partitions.size();
    return count;
  }

  int Execute(const Placement& plan) {
    if (Count(plan) == 0) {
      std::printf("Nothing to move: the partitions are placed as planned already\n");
      return kExitDone;
    }
    AlterPartitionReassignmentsRequest request;
    request.timeout_ms = options_.request_timeout_ms;
    for (const auto& [topic, partitions] : plan) {
      AlterPartitionReassignmentsRequest::Topic& entry = request.topics.emplace_back();
      entry.name = topic;
      for (const auto& [partition, replicas] : partitions) {
        entry.partitions.push_back({partition, replicas});
      }
    }
    Result<AlterPartitionReassignmentsResponse> response =
        client_->AlterPartitionReassignments(request);
    if (!response.ok()) {
      return Fail(Status::IOError("AlterPartitionReassignments to " + options_.bootstrap_server +
                                  ": " + response.status().ToString()));
    }
    if (response->error_code != 0) {
      std::fprintf(stderr, "ringlog reassign: the cluster refused the plan: %s\n",
                   ErrorText(response->error_code, response->error_message).c_str());
      return kExitFailed;
    }
    Placement started;
    int refused = 0;
    for (const AlterPartitionReassignmentsResponse::TopicResult& topic : response->responses) {
      for (const AlterPartitionReassignmentsResponse::PartitionResult& p : topic.partitions) {
        if (p.error_code == 0) {
          started[topic.name][p.partition_index] = plan.at(topic.name).at(p.partition_index);
          continue;
        }
        ++refused;
        std::fprintf(stderr, "ringlog reassign: partition %s-%d: %s\n", topic.name.c_str(),
                     p.partition_index, ErrorText(p.error_code, p.error_message).c_str());
      }
    }
    if (!started.empty()) {
      std::printf("Successfully started partition reassignments for %s\n",
                  PartitionList(started).c_str());
      std::fflush(stdout);
    }
    return refused == 0 ? kExitDone : kExitFailed;
  }

  // The moves in progress of `plan`'s partitions (all when nullopt), or the error.
  Result<size_t> Ongoing(const std::optional<Placement>& plan, std::string* names) {
    ListPartitionReassignmentsRequest request;
    request.timeout_ms = options_.request_timeout_ms;
    if (plan) {
      request.topics.emplace();
      for (const auto& [topic, partitions] : *plan) {
        ListPartitionReassignmentsRequest::Topic& entry = request.topics->emplace_back();
        entry.name = topic;
        for (const auto& [partition, replicas] : partitions) {
          entry.partition_indexes.push_back(partition);
        }
      }
    }
    Result<ListPartitionReassignmentsResponse> response =
        client_->ListPartitionReassignments(request);
    if (!response.ok()) return response.status();
    if (response->error_code != 0) {
      return Status::Busy(ErrorText(response->error_code, response->error_message));
    }
    size_t count = 0;
    names->clear();
    for (const ListPartitionReassignmentsResponse::Topic& topic : response->topics) {
      for (const ListPartitionReassignmentsResponse::Partition& p : topic.partitions) {
        ++count;
        *names +=
            (names->empty() ? "" : ", ") + topic.name + "-" + std::to_string(p.partition_index);
      }
    }
    return count;
  }

  int Verify(const std::optional<Placement>& plan) {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.verify_timeout_ms);
    std::string names;
    std::string last_error;
    while (true) {
      Result<size_t> ongoing = Ongoing(plan, &names);
      if (ongoing.ok() && *ongoing == 0) break;
      last_error = ongoing.ok() ? "still moving: " + names : ongoing.status().ToString();
      if (std::chrono::steady_clock::now() >= deadline) {
        std::fprintf(stderr, "ringlog reassign: the moves did not finish within %d ms (%s)\n",
                     options_.verify_timeout_ms, last_error.c_str());
        return kExitFailed;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    if (!plan) {
      std::printf("No partition reassignment is in progress\n");
      return kExitDone;
    }
    Result<MetadataResponse> metadata = Metadata();
    if (!metadata.ok()) return Fail(metadata.status());
    int wrong = 0;
    for (const auto& [topic, partitions] : *plan) {
      for (const auto& [partition, replicas] : partitions) {
        const std::vector<int32_t>* now = nullptr;
        for (const MetadataResponse::Topic& t : metadata->topics) {
          if (!t.name || *t.name != topic) continue;
          for (const MetadataResponse::Partition& p : t.partitions) {
            if (p.partition_index == partition) now = &p.replica_nodes;
          }
        }
        const std::string name = topic + "-" + std::to_string(partition);
        if (now != nullptr && *now == replicas) {
          std::printf("Reassignment of partition %s is completed.\n", name.c_str());
          continue;
        }
        ++wrong;
        std::fprintf(stderr, "ringlog reassign: partition %s is not on the planned replicas\n",
                     name.c_str());
      }
    }
    return wrong == 0 ? kExitDone : kExitFailed;
  }

  const ReassignOptions options_;
  std::optional<BrokerClient> client_;
};

}  // namespace

ReassignOptions ReassignOptionsFromFlags() {
  ReassignOptions options;
  options.bootstrap_server = FLAGS_bootstrap_server;
  options.generate = FLAGS_generate;
  options.execute = FLAGS_execute;
  options.verify = FLAGS_verify;
  options.plan_file = FLAGS_plan;
  options.brokers = FLAGS_brokers;
  options.topics = FLAGS_topics;
  options.request_timeout_ms = FLAGS_request_timeout_ms;
  options.verify_timeout_ms = FLAGS_verify_timeout_ms;
  return options;
}

std::vector<gflags::CommandLineFlagInfo> ReassignFlags() { return FlagsOfCommand(__FILE__, {}); }

std::string ReassignUsage() {
  return "usage: ringlog reassign --generate|--execute|--verify [--flags]\n"
         "\n"
         "moves partitions between the brokers of a running cluster, as kafka-reassign-partitions\n"
         "does. After adding a broker, `ringlog reassign --execute --verify` spreads the\n"
         "partitions and their leaders over every live broker and waits until that is done.\n"
         "--generate prints the plan only; --execute --plan=FILE runs a plan of your own.\n"
         "Exit codes: 0 done, 1 the cluster refused or failed part of it, 2 bad usage or plan.\n";
}

int RunReassign(const ReassignOptions& options) { return Reassign(options).Run(); }

}  // namespace ringlog
