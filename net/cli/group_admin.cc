#include "net/cli/group_admin.h"

namespace ringlog {
namespace {

struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    rd_kafka_topic_partition_list_destroy(list);
  }
};
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;

// The error of a group result, or of its first failed partition.
Status GroupResultStatus(const rd_kafka_group_result_t* result) {
  if (const rd_kafka_error_t* error = rd_kafka_group_result_error(result)) {
    return Status::IOError(rd_kafka_error_string(error));
  }
  const rd_kafka_topic_partition_list_t* partitions = rd_kafka_group_result_partitions(result);
  for (int i = 0; partitions != nullptr && i < partitions->cnt; ++i) {
    const rd_kafka_topic_partition_t& p = partitions->elems[i];
    if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::IOError(std::string(p.topic) + "-" + std::to_string(p.partition) + ": " +
                             rd_kafka_err2str(p.err) + " (" + rd_kafka_err2name(p.err) + ")");
    }
  }
  return Status::OK();
}

}  // namespace

Result<GroupDescription> DescribeGroup(RdKafkaClient& client, const std::string& group) {
  const char* groups[] = {group.c_str()};
  ASSIGN_OR_RETURN(RdKafkaEvent event, client.Admin([&](auto* options, auto* queue) {
    rd_kafka_DescribeConsumerGroups(client.handle(), groups, 1, options, queue);
  }));
  size_t count = 0;
  const rd_kafka_ConsumerGroupDescription_t** results =
      rd_kafka_DescribeConsumerGroups_result_groups(
          rd_kafka_event_DescribeConsumerGroups_result(event.get()), &count);
  if (count != 1) return Status::IOError("no description of group " + group);
  if (const rd_kafka_error_t* error = rd_kafka_ConsumerGroupDescription_error(results[0])) {
    return Status::IOError(group + ": " + rd_kafka_error_string(error));
  }
  GroupDescription description;
  description.state =
      rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupDescription_state(results[0]));
  const size_t members = rd_kafka_ConsumerGroupDescription_member_count(results[0]);
  for (size_t i = 0; i < members; ++i) {
    const rd_kafka_MemberDescription_t* member =
        rd_kafka_ConsumerGroupDescription_member(results[0], i);
    GroupMember out{.consumer_id = rd_kafka_MemberDescription_consumer_id(member),
                    .host = rd_kafka_MemberDescription_host(member),
                    .client_id = rd_kafka_MemberDescription_client_id(member)};
    const rd_kafka_topic_partition_list_t* assigned =
        rd_kafka_MemberAssignment_partitions(rd_kafka_MemberDescription_assignment(member));
    for (int j = 0; assigned != nullptr && j < assigned->cnt; ++j) {
      out.assignment.emplace_back(assigned->elems[j].topic, assigned->elems[j].partition);
    }
    description.members.push_back(std::move(out));
  }
  return description;
}

Result<std::map<TopicPartitionKey, int64_t>> CommittedOffsets(RdKafkaClient& client,
                                                              const std::string& group) {
  rd_kafka_ListConsumerGroupOffsets_t* request =
      rd_kafka_ListConsumerGroupOffsets_new(group.c_str(), nullptr);
  Result<RdKafkaEvent> event = client.Admin([&](auto* options, auto* queue) {
    rd_kafka_ListConsumerGroupOffsets(client.handle(), &request, 1, options, queue);
  });
  rd_kafka_ListConsumerGroupOffsets_destroy(request);
  if (!event.ok()) return event.status();
  size_t count = 0;
  const rd_kafka_group_result_t** results = rd_kafka_ListConsumerGroupOffsets_result_groups(
      rd_kafka_event_ListConsumerGroupOffsets_result(event->get()), &count);
  std::map<TopicPartitionKey, int64_t> offsets;
  for (size_t i = 0; i < count; ++i) {
    RETURN_IF_ERROR(GroupResultStatus(results[i]));
    const rd_kafka_topic_partition_list_t* partitions =
        rd_kafka_group_result_partitions(results[i]);
    for (int j = 0; partitions != nullptr && j < partitions->cnt; ++j) {
      const rd_kafka_topic_partition_t& p = partitions->elems[j];
      if (p.offset >= 0) offsets[{p.topic, p.partition}] = p.offset;
    }
  }
  return offsets;
}

Status AlterOffsets(RdKafkaClient& client, const std::string& group,
                    const std::map<TopicPartitionKey, int64_t>& offsets) {
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
  for (const auto& [partition, offset] : offsets) {
    rd_kafka_topic_partition_list_add(list.get(), partition.first.c_str(), partition.second)
        ->offset = offset;
  }
  rd_kafka_AlterConsumerGroupOffsets_t* request =
      rd_kafka_AlterConsumerGroupOffsets_new(group.c_str(), list.get());
  Result<RdKafkaEvent> event = client.Admin([&](auto* options, auto* queue) {
    rd_kafka_AlterConsumerGroupOffsets(client.handle(), &request, 1, options, queue);
  });
  rd_kafka_AlterConsumerGroupOffsets_destroy(request);
  if (!event.ok()) return event.status();
  size_t count = 0;
  const rd_kafka_group_result_t** results = rd_kafka_AlterConsumerGroupOffsets_result_groups(
      rd_kafka_event_AlterConsumerGroupOffsets_result(event->get()), &count);
  for (size_t i = 0; i < count; ++i) RETURN_IF_ERROR(GroupResultStatus(results[i]));
  return Status::OK();
}

Result<Watermarks> QueryWatermarks(RdKafkaClient& client, const TopicPartitionKey& partition) {
  Watermarks marks;
  const rd_kafka_resp_err_t error = rd_kafka_query_watermark_offsets(
      client.handle(), partition.first.c_str(), partition.second, &marks.low, &marks.high,
      static_cast<int>(client.timeout().count()));
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError(partition.first + "-" + std::to_string(partition.second) + ": " +
                           rd_kafka_err2str(error));
  }
  return marks;
}

}  // namespace ringlog
