#include "net/cli/topics_command.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>

#include "net/cli/cli_flags.h"
#include "net/cli/rdkafka_client.h"

DECLARE_string(bootstrap_server);
DECLARE_int32(request_timeout_ms);
DEFINE_string(topic, "", "topics, groups, produce, consume: the topic");
DEFINE_int32(partitions, -1,
             "topics create: the partition count (-1: the broker's num.partitions); topics "
             "alter: the new, larger count");
DEFINE_int32(replication_factor, -1,
             "topics create: the replication factor (-1: the broker's default)");
DEFINE_string(configs, "", "topics create|alter: topic configs to set, key=value,key=value");
DEFINE_string(delete_configs, "",
              "topics alter: topic configs to reset to their defaults, key,key");

namespace ringlog {
namespace {

constexpr int kExitDone = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

int Fail(const std::string& what) {
  std::fprintf(stderr, "ringlog topics: %s\n", what.c_str());
  return kExitFailed;
}

int Usage(const std::string& what) {
  std::fprintf(stderr, "ringlog topics: %s (ringlog topics --help)\n", what.c_str());
  return kExitUsage;
}

// The error of each topic in a CreateTopics/DeleteTopics/CreatePartitions result, said on
// stderr; whether every topic succeeded.
bool ReportTopicResults(const rd_kafka_topic_result_t** results, size_t count, const char* done) {
  bool ok = true;
  for (size_t i = 0; i < count; ++i) {
    const char* name = rd_kafka_topic_result_name(results[i]);
    if (rd_kafka_topic_result_error(results[i]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::fprintf(stderr, "ringlog topics: %s: %s (%s)\n", name,
                   rd_kafka_topic_result_error_string(results[i]),
                   rd_kafka_err2name(rd_kafka_topic_result_error(results[i])));
      ok = false;
    } else {
      std::printf("%s topic %s\n", done, name);
    }
  }
  return ok;
}

class Topics {
 public:
  Topics(const TopicsOptions& options, std::unique_ptr<RdKafkaClient> client)
      : options_(options), client_(std::move(client)) {}

  int Run() {
    const std::string& action = options_.action;
    if (action == "list") return List();
    if (options_.topic.empty()) return Usage(action + " needs --topic");
    if (action == "describe") return Describe();
    if (action == "create") return Create();
    if (action == "delete") return Delete();
    return Alter();
  }

 private:
  int List() {
    Result<RdKafkaMetadata> metadata = client_->Metadata();
    if (!metadata.ok()) return Fail(metadata.status().message());
    std::vector<std::string> names;
    for (int i = 0; i < (*metadata)->topic_cnt; ++i) names.push_back((*metadata)->topics[i].topic);
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) std::printf("%s\n", name.c_str());
    return kExitDone;
  }

  // Kafka's layout: a line for the topic (its non-default configs), one per partition.
  int Describe() {
    Result<RdKafkaMetadata> metadata = client_->Metadata();
    if (!metadata.ok()) return Fail(metadata.status().message());
    const rd_kafka_metadata_topic_t* found = nullptr;
    for (int i = 0; i < (*metadata)->topic_cnt; ++i) {
      if (options_.topic == (*metadata)->topics[i].topic) found = &(*metadata)->topics[i];
    }
    if (found == nullptr) return Fail(options_.topic + ": no such topic");
    const rd_kafka_metadata_topic_t& topic = *found;
    if (topic.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Fail(options_.topic + ": " + rd_kafka_err2str(topic.err));
    }
    Result<std::map<std::string, std::string>> configs = TopicConfigs(/*non_default=*/true);
    if (!configs.ok()) return Fail(configs.status().message());
    std::string config_text;
    for (const auto& [name, value] : *configs) {
      if (!config_text.empty()) config_text += ',';
      config_text.append(name).append("=").append(value);
    }
    std::printf("Topic: %s\tPartitionCount: %d\tReplicationFactor: %d\tConfigs: %s\n", topic.topic,
                topic.partition_cnt, topic.partition_cnt > 0 ? topic.partitions[0].replica_cnt : 0,
                config_text.c_str());
    std::vector<const rd_kafka_metadata_partition_t*> partitions;
    for (int i = 0; i < topic.partition_cnt; ++i) partitions.push_back(&topic.partitions[i]);
    std::sort(partitions.begin(), partitions.end(),
              [](const auto* a, const auto* b) { return a->id < b->id; });
    for (const rd_kafka_metadata_partition_t* p : partitions) {
      std::printf("\tTopic: %s\tPartition: %d\tLeader: %d\tReplicas: %s\tIsr: %s\n", topic.topic,
                  p->id, p->leader, Ids(p->replicas, p->replica_cnt).c_str(),
                  Ids(p->isrs, p->isr_cnt).c_str());
    }
    return kExitDone;
  }

  int Create() {
    char error[512];
    rd_kafka_NewTopic_t* topic =
        rd_kafka_NewTopic_new(options_.topic.c_str(), options_.partitions,
                              options_.replication_factor, error, sizeof error);
    if (topic == nullptr) return Usage(error);
    Result<std::vector<std::pair<std::string, std::string>>> configs =
        ParseKeyValues(options_.configs);
    if (!configs.ok()) {
      rd_kafka_NewTopic_destroy(topic);
      return Usage("--configs: " + configs.status().message());
    }
    for (const auto& [name, value] : *configs) {
      rd_kafka_NewTopic_set_config(topic, name.c_str(), value.c_str());
    }
    Result<RdKafkaEvent> event = client_->Admin([&](auto* admin_options, auto* queue) {
      rd_kafka_CreateTopics(client_->handle(), &topic, 1, admin_options, queue);
    });
    rd_kafka_NewTopic_destroy(topic);
    if (!event.ok()) return Fail(event.status().message());
    size_t count = 0;
    const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(
        rd_kafka_event_CreateTopics_result(event->get()), &count);
    return ReportTopicResults(results, count, "created") ? kExitDone : kExitFailed;
  }

  int Delete() {
    rd_kafka_DeleteTopic_t* topic = rd_kafka_DeleteTopic_new(options_.topic.c_str());
    Result<RdKafkaEvent> event = client_->Admin([&](auto* admin_options, auto* queue) {
      rd_kafka_DeleteTopics(client_->handle(), &topic, 1, admin_options, queue);
    });
    rd_kafka_DeleteTopic_destroy(topic);
    if (!event.ok()) return Fail(event.status().message());
    size_t count = 0;
    const rd_kafka_topic_result_t** results = rd_kafka_DeleteTopics_result_topics(
        rd_kafka_event_DeleteTopics_result(event->get()), &count);
    return ReportTopicResults(results, count, "deleted") ? kExitDone : kExitFailed;
  }

  // More partitions (CreatePartitions) and/or configs. AlterConfigs replaces a topic's
  // whole set of dynamic configs (IncrementalAlterConfigs is not in librdkafka 2.0), so the
  // current ones are read first and the change applied to them.
  int Alter() {
    if (options_.partitions < 0 && options_.configs.empty() && options_.delete_configs.empty()) {
      return Usage("alter needs --partitions, --configs or --delete_configs");
    }
    Result<std::vector<std::pair<std::string, std::string>>> changes =
        ParseKeyValues(options_.configs);
    if (!changes.ok()) return Usage("--configs: " + changes.status().message());
    if (options_.partitions >= 0) {
      if (const int code = AddPartitions(); code != kExitDone) return code;
    }
    if (changes->empty() && options_.delete_configs.empty()) return kExitDone;
    Result<std::map<std::string, std::string>> configs = TopicConfigs(/*non_default=*/true);
    if (!configs.ok()) return Fail(configs.status().message());
    for (const auto& [name, value] : *changes) (*configs)[name] = value;
    for (const std::string& name : SplitList(options_.delete_configs)) configs->erase(name);
    rd_kafka_ConfigResource_t* resource =
        rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, options_.topic.c_str());
    for (const auto& [name, value] : *configs) {
      rd_kafka_ConfigResource_set_config(resource, name.c_str(), value.c_str());
    }
    Result<RdKafkaEvent> event = client_->Admin([&](auto* admin_options, auto* queue) {
      rd_kafka_AlterConfigs(client_->handle(), &resource, 1, admin_options, queue);
    });
    rd_kafka_ConfigResource_destroy(resource);
    if (!event.ok()) return Fail(event.status().message());
    size_t count = 0;
    const rd_kafka_ConfigResource_t** results = rd_kafka_AlterConfigs_result_resources(
        rd_kafka_event_AlterConfigs_result(event->get()), &count);
    for (size_t i = 0; i < count; ++i) {
      if (rd_kafka_ConfigResource_error(results[i]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return Fail(options_.topic + ": " + rd_kafka_ConfigResource_error_string(results[i]) +
                    " (" + rd_kafka_err2name(rd_kafka_ConfigResource_error(results[i])) + ")");
      }
    }
    std::printf("altered the configs of topic %s\n", options_.topic.c_str());
    return kExitDone;
  }

  int AddPartitions() {
    char error[512];
    rd_kafka_NewPartitions_t* partitions = rd_kafka_NewPartitions_new(
        options_.topic.c_str(), static_cast<size_t>(options_.partitions), error, sizeof error);
    if (partitions == nullptr) return Usage(error);
    Result<RdKafkaEvent> event = client_->Admin([&](auto* admin_options, auto* queue) {
      rd_kafka_CreatePartitions(client_->handle(), &partitions, 1, admin_options, queue);
    });
    rd_kafka_NewPartitions_destroy(partitions);
    if (!event.ok()) return Fail(event.status().message());
    size_t count = 0;
    const rd_kafka_topic_result_t** results = rd_kafka_CreatePartitions_result_topics(
        rd_kafka_event_CreatePartitions_result(event->get()), &count);
    return ReportTopicResults(results, count, "added partitions to") ? kExitDone : kExitFailed;
  }

  // The topic's configs (DescribeConfigs); with `non_default` only those set on the topic.
  Result<std::map<std::string, std::string>> TopicConfigs(bool non_default) {
    rd_kafka_ConfigResource_t* resource =
        rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, options_.topic.c_str());
    Result<RdKafkaEvent> event = client_->Admin([&](auto* admin_options, auto* queue) {
      rd_kafka_DescribeConfigs(client_->handle(), &resource, 1, admin_options, queue);
    });
    rd_kafka_ConfigResource_destroy(resource);
    if (!event.ok()) return event.status();
    size_t count = 0;
    const rd_kafka_ConfigResource_t** results = rd_kafka_DescribeConfigs_result_resources(
        rd_kafka_event_DescribeConfigs_result(event->get()), &count);
    std::map<std::string, std::string> configs;
    for (size_t i = 0; i < count; ++i) {
      if (rd_kafka_ConfigResource_error(results[i]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return Status::IOError(options_.topic + ": " +
                               rd_kafka_ConfigResource_error_string(results[i]));
      }
      size_t entries = 0;
      const rd_kafka_ConfigEntry_t** entry = rd_kafka_ConfigResource_configs(results[i], &entries);
      for (size_t j = 0; j < entries; ++j) {
        if (non_default &&
            rd_kafka_ConfigEntry_source(entry[j]) != RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG) {
          continue;
        }
        const char* value = rd_kafka_ConfigEntry_value(entry[j]);
        configs[rd_kafka_ConfigEntry_name(entry[j])] = value == nullptr ? "" : value;
      }
    }
    return configs;
  }

  static std::string Ids(const int32_t* ids, int count) {
    std::string text;
    for (int i = 0; i < count; ++i) {
      if (i > 0) text += ',';
      text += std::to_string(ids[i]);
    }
    return text;
  }

  const TopicsOptions& options_;
  std::unique_ptr<RdKafkaClient> client_;
};

}  // namespace

TopicsOptions TopicsOptionsFromFlags(std::string action) {
  return TopicsOptions{.action = std::move(action),
                       .bootstrap_server = FLAGS_bootstrap_server,
                       .topic = FLAGS_topic,
                       .partitions = FLAGS_partitions,
                       .replication_factor = FLAGS_replication_factor,
                       .configs = FLAGS_configs,
                       .delete_configs = FLAGS_delete_configs,
                       .request_timeout_ms = FLAGS_request_timeout_ms};
}

std::vector<gflags::CommandLineFlagInfo> TopicsFlags() {
  return FlagsOfCommand(__FILE__, {"bootstrap_server", "request_timeout_ms"});
}

std::string TopicsUsage() {
  return "usage: ringlog topics list|describe|create|delete|alter [--flags]\n"
         "\n"
         "  list                                  the topics' names\n"
         "  describe --topic=T                    partitions, leaders, replicas, ISR, configs\n"
         "  create --topic=T [--partitions=N] [--replication_factor=R] [--configs=k=v,..]\n"
         "  delete --topic=T\n"
         "  alter --topic=T [--partitions=N] [--configs=k=v,..] [--delete_configs=k,..]\n"
         "\n"
         "Exit codes: 0 done, 1 the cluster refused or could not be reached, 2 bad usage.\n";
}

int RunTopics(const TopicsOptions& options) {
  static const std::vector<std::string> kActions = {"list", "describe", "create", "delete",
                                                    "alter"};
  if (std::find(kActions.begin(), kActions.end(), options.action) == kActions.end()) {
    return Usage(options.action.empty() ? "name an action: list, describe, create, delete, alter"
                                        : "unknown action '" + options.action + "'");
  }
  Result<std::unique_ptr<RdKafkaClient>> client =
      RdKafkaClient::Create(RD_KAFKA_PRODUCER, options.bootstrap_server, {},
                            std::chrono::milliseconds(options.request_timeout_ms));
  if (!client.ok()) return Usage(client.status().message());
  return Topics(options, std::move(*client)).Run();
}

}  // namespace ringlog
