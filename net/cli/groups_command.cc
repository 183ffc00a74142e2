#include "net/cli/groups_command.h"

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <memory>
#include <set>

#include "net/cli/cli_flags.h"
#include "net/cli/group_admin.h"
#include "net/cli/offset_reset_plan.h"
#include "net/cli/rdkafka_client.h"

DECLARE_string(bootstrap_server);
DECLARE_int32(request_timeout_ms);
DECLARE_string(topic);
DECLARE_bool(execute);
DEFINE_string(group, "", "groups, consume: the consumer group");
DEFINE_bool(to_earliest, false, "groups reset-offsets: to the log start offset");
DEFINE_bool(to_latest, false, "groups reset-offsets: to the high watermark");
DEFINE_int64(to_offset, -1,
             "groups reset-offsets: to this offset (clamped to [log start, high watermark])");
DEFINE_string(to_datetime, "",
              "groups reset-offsets: to the first offset at or after this time, "
              "YYYY-MM-DDTHH:MM:SS[.mmm][Z] (UTC) or epoch milliseconds");
DEFINE_bool(dry_run, false, "groups reset-offsets: only print the new offsets (the default)");

namespace ringlog {
namespace {

constexpr int kExitDone = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

int Fail(const std::string& what) {
  std::fprintf(stderr, "ringlog groups: %s\n", what.c_str());
  return kExitFailed;
}

int Usage(const std::string& what) {
  std::fprintf(stderr, "ringlog groups: %s (ringlog groups --help)\n", what.c_str());
  return kExitUsage;
}

std::string OrDash(const std::string& text) { return text.empty() ? "-" : text; }

class Groups {
 public:
  Groups(const GroupsOptions& options, std::unique_ptr<RdKafkaClient> client)
      : options_(options), client_(std::move(client)) {}

  int Run() {
    if (options_.action == "list") return List();
    if (options_.group.empty()) return Usage(options_.action + " needs --group");
    if (options_.action == "describe") return Describe();
    if (options_.action == "delete") return Delete();
    return ResetOffsets();
  }

 private:
  int List() {
    Result<RdKafkaEvent> event = client_->Admin([&](auto* admin_options, auto* queue) {
      rd_kafka_ListConsumerGroups(client_->handle(), admin_options, queue);
    });
    if (!event.ok()) return Fail(event.status().message());
    size_t count = 0;
    const rd_kafka_ConsumerGroupListing_t** groups = rd_kafka_ListConsumerGroups_result_valid(
        rd_kafka_event_ListConsumerGroups_result(event->get()), &count);
    std::map<std::string, std::string> states;
    for (size_t i = 0; i < count; ++i) {
      states[rd_kafka_ConsumerGroupListing_group_id(groups[i])] =
          rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupListing_state(groups[i]));
    }
    std::printf("%-40s %s\n", "GROUP", "STATE");
    for (const auto& [group, state] : states) {
      std::printf("%-40s %s\n", group.c_str(), state.c_str());
    }
    return kExitDone;
  }

  // Kafka's table: each partition the group has committed or is assigned, with its lag.
  int Describe() {
    Result<GroupDescription> description = DescribeGroup(*client_, options_.group);
    if (!description.ok()) return Fail(description.status().message());
    Result<std::map<TopicPartitionKey, int64_t>> committed =
        CommittedOffsets(*client_, options_.group);
    if (!committed.ok()) return Fail(committed.status().message());
    if (description->state == "Dead" && committed->empty()) {
      return Fail("group " + options_.group + " does not exist");
    }
    std::map<TopicPartitionKey, const GroupMember*> owner;
    for (const GroupMember& member : description->members) {
      for (const TopicPartitionKey& partition : member.assignment) owner[partition] = &member;
    }
    std::set<TopicPartitionKey> partitions;
    for (const auto& [partition, offset] : *committed) partitions.insert(partition);
    for (const auto& [partition, member] : owner) partitions.insert(partition);
    std::printf("Group: %s\tState: %s\tMembers: %zu\n\n", options_.group.c_str(),
                description->state.c_str(), description->members.size());
    std::printf("%-24s %-24s %-9s %-14s %-14s %-8s %-40s %-20s %s\n", "GROUP", "TOPIC", "PARTITION",
                "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID");
    for (const TopicPartitionKey& partition : partitions) {
      Result<Watermarks> marks = QueryWatermarks(*client_, partition);
      if (!marks.ok()) return Fail(marks.status().message());
      const auto offset = committed->find(partition);
      const bool has_offset = offset != committed->end();
      const GroupMember* member = owner.contains(partition) ? owner[partition] : nullptr;
      std::printf("%-24s %-24s %-9d %-14s %-14" PRId64 " %-8s %-40s %-20s %s\n",
                  options_.group.c_str(), partition.first.c_str(), partition.second,
                  has_offset ? std::to_string(offset->second).c_str() : "-", marks->high,
                  has_offset ? std::to_string(marks->high - offset->second).c_str() : "-",
                  OrDash(member ? member->consumer_id : "").c_str(),
                  OrDash(member ? member->host : "").c_str(),
                  OrDash(member ? member->client_id : "").c_str());
    }
    return kExitDone;
  }

  int Delete() {
    rd_kafka_DeleteGroup_t* group = rd_kafka_DeleteGroup_new(options_.group.c_str());
    Result<RdKafkaEvent> event = client_->Admin([&](auto* admin_options, auto* queue) {
      rd_kafka_DeleteGroups(client_->handle(), &group, 1, admin_options, queue);
    });
    rd_kafka_DeleteGroup_destroy(group);
    if (!event.ok()) return Fail(event.status().message());
    size_t count = 0;
    const rd_kafka_group_result_t** results = rd_kafka_DeleteGroups_result_groups(
        rd_kafka_event_DeleteGroups_result(event->get()), &count);
    for (size_t i = 0; i < count; ++i) {
      if (const rd_kafka_error_t* error = rd_kafka_group_result_error(results[i])) {
        return Fail(options_.group + ": " + rd_kafka_error_string(error) + " (" +
                    rd_kafka_err2name(rd_kafka_error_code(error)) + ")");
      }
    }
    std::printf("deleted group %s\n", options_.group.c_str());
    return kExitDone;
  }

  int ResetOffsets() {
    Result<OffsetResetSpec> spec = Spec();
    if (!spec.ok()) return Usage(spec.status().message());
    if (options_.dry_run && options_.execute) return Usage("--dry_run or --execute, not both");
    Result<GroupDescription> description = DescribeGroup(*client_, options_.group);
    if (!description.ok()) return Fail(description.status().message());
    if (description->state != "Empty" && description->state != "Dead") {
      return Fail("Assignments can only be reset if the group '" + options_.group +
                  "' is inactive, but the current state is " + description->state + ".");
    }
    Result<std::vector<TopicPartitionKey>> partitions = PartitionsToReset();
    if (!partitions.ok()) return Fail(partitions.status().message());
    if (partitions->empty()) return Usage("no partitions to reset: name them with --topic");
    Result<std::map<TopicPartitionKey, int64_t>> plan =
        PlanOffsetReset(*client_, *partitions, *spec);
    if (!plan.ok()) return Fail(plan.status().message());
    std::printf("%-24s %-24s %-9s %s\n", "GROUP", "TOPIC", "PARTITION", "NEW-OFFSET");
    for (const auto& [partition, offset] : *plan) {
      std::printf("%-24s %-24s %-9d %" PRId64 "\n", options_.group.c_str(), partition.first.c_str(),
                  partition.second, offset);
    }
    if (!options_.execute) {
      std::printf("(dry run: nothing changed; --execute sets these offsets)\n");
      return kExitDone;
    }
    if (Status status = AlterOffsets(*client_, options_.group, *plan); !status.ok()) {
      return Fail(status.message());
    }
    std::printf("reset the offsets of group %s\n", options_.group.c_str());
    return kExitDone;
  }

  Result<OffsetResetSpec> Spec() const {
    const int given = options_.to_earliest + options_.to_latest + (options_.to_offset >= 0) +
                      !options_.to_datetime.empty();
    if (given != 1) {
      return Status::InvalidArgument(
          "reset-offsets needs one of --to_earliest, --to_latest, --to_offset, --to_datetime");
    }
    if (options_.to_earliest) return OffsetResetSpec{.kind = OffsetResetSpec::Kind::kEarliest};
    if (options_.to_latest) return OffsetResetSpec{.kind = OffsetResetSpec::Kind::kLatest};
    if (options_.to_offset >= 0) {
      return OffsetResetSpec{.kind = OffsetResetSpec::Kind::kOffset, .offset = options_.to_offset};
    }
    ASSIGN_OR_RETURN(int64_t timestamp_ms, ParseDatetime(options_.to_datetime));
    return OffsetResetSpec{.kind = OffsetResetSpec::Kind::kDatetime, .timestamp_ms = timestamp_ms};
  }

  // Every partition of --topic, or without it every partition the group has committed.
  Result<std::vector<TopicPartitionKey>> PartitionsToReset() {
    std::vector<TopicPartitionKey> partitions;
    if (options_.topic.empty()) {
      ASSIGN_OR_RETURN(auto committed, CommittedOffsets(*client_, options_.group));
      for (const auto& [partition, offset] : committed) partitions.push_back(partition);
      return partitions;
    }
    ASSIGN_OR_RETURN(RdKafkaMetadata metadata, client_->Metadata());
    for (int i = 0; i < metadata->topic_cnt; ++i) {
      const rd_kafka_metadata_topic_t& topic = metadata->topics[i];
      if (options_.topic != topic.topic) continue;
      for (int j = 0; j < topic.partition_cnt; ++j) {
        partitions.emplace_back(topic.topic, topic.partitions[j].id);
      }
      return partitions;
    }
    return Status::NotFound(options_.topic + ": no such topic");
  }

  const GroupsOptions& options_;
  std::unique_ptr<RdKafkaClient> client_;
};

}  // namespace

GroupsOptions GroupsOptionsFromFlags(std::string action) {
  return GroupsOptions{.action = std::move(action),
                       .bootstrap_server = FLAGS_bootstrap_server,
                       .group = FLAGS_group,
                       .topic = FLAGS_topic,
                       .to_earliest = FLAGS_to_earliest,
                       .to_latest = FLAGS_to_latest,
                       .to_offset = FLAGS_to_offset,
                       .to_datetime = FLAGS_to_datetime,
                       .dry_run = FLAGS_dry_run,
                       .execute = FLAGS_execute,
                       .request_timeout_ms = FLAGS_request_timeout_ms};
}

std::vector<gflags::CommandLineFlagInfo> GroupsFlags() {
  return FlagsOfCommand(__FILE__, {"bootstrap_server", "request_timeout_ms", "topic", "execute"});
}

std::string GroupsUsage() {
  return "usage: ringlog groups list|describe|delete|reset-offsets [--flags]\n"
         "\n"
         "  list                     the groups and their states\n"
         "  describe --group=G       each partition's committed offset, high watermark, lag\n"
         "                           (high watermark - committed) and owner\n"
         "  delete --group=G         a group without active members\n"
         "  reset-offsets --group=G [--topic=T] --to_earliest|--to_latest|--to_offset=N|\n"
         "                --to_datetime=T [--dry_run|--execute]\n"
         "                           prints the new offsets; --execute commits them. The group\n"
         "                           must be inactive. Without --topic: the partitions the\n"
         "                           group has committed offsets for.\n"
         "\n"
         "Exit codes: 0 done, 1 the cluster refused, could not be reached or the group is\n"
         "active, 2 bad usage.\n";
}

int RunGroups(const GroupsOptions& options) {
  static const std::vector<std::string> kActions = {"list", "describe", "delete", "reset-offsets"};
  if (std::find(kActions.begin(), kActions.end(), options.action) == kActions.end()) {
    return Usage(options.action.empty() ? "name an action: list, describe, delete, reset-offsets"
                                        : "unknown action '" + options.action + "'");
  }
  Result<std::unique_ptr<RdKafkaClient>> client =
      RdKafkaClient::Create(RD_KAFKA_CONSUMER, options.bootstrap_server, {},
                            std::chrono::milliseconds(options.request_timeout_ms));
  if (!client.ok()) return Usage(client.status().message());
  return Groups(options, std::move(*client)).Run();
}

}  // namespace ringlog
