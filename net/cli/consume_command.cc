#include "net/cli/consume_command.h"

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <string_view>

#include "net/cli/cli_flags.h"
#include "net/cli/rdkafka_client.h"

DECLARE_string(bootstrap_server);
DECLARE_int32(request_timeout_ms);
DECLARE_string(topic);
DECLARE_string(group);
DECLARE_int32(partition);
DEFINE_bool(from_beginning, false, "consume: from the log start (default: only new records)");
DEFINE_int64(n, -1, "consume: stop after this many records (-1: no limit)");
DEFINE_int32(timeout_ms, -1, "consume: stop after this long without a record (-1: never)");

namespace ringlog {
namespace {

void PrintBytes(const void* data, size_t size) {
  if (data == nullptr) {
    std::fputs("null", stdout);
  } else {
    std::fwrite(data, 1, size, stdout);
  }
}

void PrintRecord(const rd_kafka_message_t& message) {
  rd_kafka_timestamp_type_t type;
  const int64_t timestamp = rd_kafka_message_timestamp(&message, &type);
  std::printf("Partition: %d\tOffset: %" PRId64 "\t%s: %" PRId64 "\tKey: ", message.partition,
              message.offset,
              type == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? "LogAppendTime" : "CreateTime",
              timestamp);
  PrintBytes(message.key, message.key_len);
  std::fputs("\tHeaders: ", stdout);
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(&message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name = nullptr;
    const void* value = nullptr;
    size_t size = 0;
    for (size_t i = 0;
         rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i) {
      std::printf("%s%s=", i > 0 ? "," : "", name);
      PrintBytes(value, size);
    }
  }
  std::fputs("\tValue: ", stdout);
  PrintBytes(message.payload, message.len);
  std::fputs("\n", stdout);
}

bool HasAssignment(rd_kafka_t* rk) {
  rd_kafka_topic_partition_list_t* assigned = nullptr;
  if (rd_kafka_assignment(rk, &assigned) != RD_KAFKA_RESP_ERR_NO_ERROR) return false;
  const bool any = assigned->cnt > 0;
  rd_kafka_topic_partition_list_destroy(assigned);
  return any;
}

// Assigns every partition of the topic (or --partition) at the start or the end.
Status AssignPartitions(RdKafkaClient& client, const ConsumeOptions& options) {
  ASSIGN_OR_RETURN(RdKafkaMetadata metadata, client.Metadata());
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& topic = metadata->topics[i];
    if (options.topic != topic.topic) continue;
    for (int j = 0; j < topic.partition_cnt; ++j) {
      if (options.partition >= 0 && topic.partitions[j].id != options.partition) continue;
      rd_kafka_topic_partition_list_add(list, topic.topic, topic.partitions[j].id)->offset =
          options.from_beginning ? RD_KAFKA_OFFSET_BEGINNING : RD_KAFKA_OFFSET_END;
    }
  }
  const int count = list->cnt;
  const rd_kafka_resp_err_t error =
      count == 0 ? RD_KAFKA_RESP_ERR_NO_ERROR : rd_kafka_assign(client.handle(), list);
  rd_kafka_topic_partition_list_destroy(list);
  if (count == 0) return Status::NotFound(options.topic + ": no such topic or partition");
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) return Status::IOError(rd_kafka_err2str(error));
  return Status::OK();
}

}  // namespace

ConsumeOptions ConsumeOptionsFromFlags() {
  return ConsumeOptions{.bootstrap_server = FLAGS_bootstrap_server,
                        .topic = FLAGS_topic,
                        .group = FLAGS_group,
                        .partition = FLAGS_partition,
                        .from_beginning = FLAGS_from_beginning,
                        .max_records = FLAGS_n,
                        .timeout_ms = FLAGS_timeout_ms,
                        .request_timeout_ms = FLAGS_request_timeout_ms};
}

std::vector<gflags::CommandLineFlagInfo> ConsumeFlags() {
  return FlagsOfCommand(__FILE__,
                        {"bootstrap_server", "request_timeout_ms", "topic", "group", "partition"});
}

std::string ConsumeUsage() {
  return "usage: ringlog consume --topic=T [--group=G] [--from_beginning] [-n N] "
         "[--timeout_ms=MS]\n"
         "\n"
         "prints records, one line each: partition, offset, timestamp, key, headers, value.\n"
         "Exit codes: 0 done, 1 the cluster failed, 2 bad usage.\n";
}

int RunConsume(const ConsumeOptions& options) {
  if (options.topic.empty()) {
    std::fprintf(stderr, "ringlog consume: needs --topic (ringlog consume --help)\n");
    return 2;
  }
  if (!options.group.empty() && options.partition >= 0) {
    std::fprintf(stderr, "ringlog consume: --partition reads without a group, not with --group\n");
    return 2;
  }
  std::vector<std::pair<std::string, std::string>> settings = {
      {"enable.partition.eof", "false"},
      {"auto.offset.reset", options.from_beginning ? "earliest" : "latest"}};
  if (!options.group.empty()) {
    settings.emplace_back("group.id", options.group);
    // Commit what was printed, no more: offsets are stored after printing.
    settings.emplace_back("enable.auto.offset.store", "false");
  } else {
    // librdkafka's consumer wants a group id even to assign partitions itself; this one never
    // joins a group and commits nothing.
    settings.emplace_back("group.id", "ringlog-consume");
    settings.emplace_back("enable.auto.commit", "false");
  }
  Result<std::unique_ptr<RdKafkaClient>> client =
      RdKafkaClient::Create(RD_KAFKA_CONSUMER, options.bootstrap_server, settings,
                            std::chrono::milliseconds(options.request_timeout_ms));
  if (!client.ok()) {
    std::fprintf(stderr, "ringlog consume: %s\n", client.status().message().c_str());
    return 2;
  }
  rd_kafka_t* rk = (*client)->handle();
  rd_kafka_poll_set_consumer(rk);
  Status started = Status::OK();
  if (options.group.empty()) {
    started = AssignPartitions(**client, options);
  } else {
    rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, options.topic.c_str(), RD_KAFKA_PARTITION_UA);
    const rd_kafka_resp_err_t error = rd_kafka_subscribe(rk, topics);
    rd_kafka_topic_partition_list_destroy(topics);
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) started = Status::IOError(rd_kafka_err2str(error));
  }
  if (!started.ok()) {
    std::fprintf(stderr, "ringlog consume: %s\n", started.message().c_str());
    rd_kafka_consumer_close(rk);
    return 1;
  }
  int exit_code = 0;
  int64_t printed = 0;
  auto last_record = std::chrono::steady_clock::now();
  while (options.max_records < 0 || printed < options.max_records) {
    rd_kafka_message_t* message = rd_kafka_consumer_poll(rk, 100);
    if (message == nullptr) {
      // Time spent joining the group is not idle time.
      if (!HasAssignment(rk)) last_record = std::chrono::steady_clock::now();
      if (options.timeout_ms >= 0 && std::chrono::steady_clock::now() - last_record >
                                         std::chrono::milliseconds(options.timeout_ms)) {
        break;
      }
      continue;
    }
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::fprintf(stderr, "ringlog consume: %s\n", rd_kafka_message_errstr(message));
      const bool fatal = message->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
                         message->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC;
      rd_kafka_message_destroy(message);
      if (fatal) {
        exit_code = 1;
        break;
      }
      continue;
    }
    PrintRecord(*message);
    if (!options.group.empty()) {
      rd_kafka_offset_store(message->rkt, message->partition, message->offset);  // commits +1
    }
    rd_kafka_message_destroy(message);
    ++printed;
    last_record = std::chrono::steady_clock::now();
  }
  std::fflush(stdout);
  rd_kafka_consumer_close(rk);  // commits the stored offsets of a group
  std::fprintf(stderr, "ringlog consume: %lld records\n", static_cast<long long>(printed));
  return exit_code;
}

}  // namespace ringlog
