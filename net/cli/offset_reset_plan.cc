#include "net/cli/offset_reset_plan.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <ctime>

namespace ringlog {

Result<int64_t> ParseDatetime(const std::string& text) {
  int64_t epoch_ms = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), epoch_ms);
  if (error == std::errc() && end == text.data() + text.size()) return epoch_ms;
  std::tm time{};
  const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &time);
  int millis = 0;
  if (rest != nullptr && *rest == '.' && std::strlen(rest) >= 4) {
    auto [millis_end, millis_error] = std::from_chars(rest + 1, rest + 4, millis);
    rest = millis_error == std::errc() && millis_end == rest + 4 ? millis_end : nullptr;
  }
  if (rest != nullptr && *rest == 'Z') ++rest;
  if (rest == nullptr || *rest != '\0') {
    return Status::InvalidArgument("'" + text +
                                   "' is not YYYY-MM-DDTHH:MM:SS[.mmm][Z] nor epoch milliseconds");
  }
  return static_cast<int64_t>(timegm(&time)) * 1000 + millis;
}

Result<std::map<TopicPartitionKey, int64_t>> PlanOffsetReset(
    RdKafkaClient& client, const std::vector<TopicPartitionKey>& partitions,
    const OffsetResetSpec& spec) {
  std::map<TopicPartitionKey, int64_t> plan;
  std::map<TopicPartitionKey, Watermarks> marks;
  for (const TopicPartitionKey& partition : partitions) {
    ASSIGN_OR_RETURN(marks[partition], QueryWatermarks(client, partition));
  }
  if (spec.kind == OffsetResetSpec::Kind::kDatetime) {
    rd_kafka_topic_partition_list_t* list =
        rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size()));
    for (const TopicPartitionKey& partition : partitions) {
      rd_kafka_topic_partition_list_add(list, partition.first.c_str(), partition.second)->offset =
          spec.timestamp_ms;
    }
    const rd_kafka_resp_err_t error = rd_kafka_offsets_for_times(
        client.handle(), list, static_cast<int>(client.timeout().count()));
    Status status =
        error == RD_KAFKA_RESP_ERR_NO_ERROR
            ? Status::OK()
            : Status::IOError(std::string("offsets for times: ") + rd_kafka_err2str(error));
    for (int i = 0; status.ok() && i < list->cnt; ++i) {
      const rd_kafka_topic_partition_t& p = list->elems[i];
      if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        status = Status::IOError(std::string(p.topic) + "-" + std::to_string(p.partition) + ": " +
                                 rd_kafka_err2str(p.err));
      } else {
        const TopicPartitionKey key{p.topic, p.partition};
        plan[key] = p.offset >= 0 ? p.offset : marks[key].high;
      }
    }
    rd_kafka_topic_partition_list_destroy(list);
    if (!status.ok()) return status;
    return plan;
  }
  for (const auto& [partition, mark] : marks) {
    switch (spec.kind) {
      case OffsetResetSpec::Kind::kEarliest:
        plan[partition] = mark.low;
        break;
      case OffsetResetSpec::Kind::kLatest:
        plan[partition] = mark.high;
        break;
      default:
        plan[partition] = std::clamp(spec.offset, mark.low, mark.high);
    }
  }
  return plan;
}

}  // namespace ringlog
