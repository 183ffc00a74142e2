#include "bench/harness/loadgen/metadata_query.h"

#include <algorithm>

#include "bench/harness/loadgen/request_frame.h"
#include "net/codec/metadata_codec.h"
#include "net/codec/wire_reader.h"

namespace ringlog::bench {
namespace {

// The newest version whose request header is not flexible that names the controller and
// takes allow_auto_topic_creation.
constexpr int16_t kMetadataVersion = 5;

}  // namespace

Result<MetadataAnswer> QueryMetadata(KafkaConnection& connection,
                                     const std::vector<std::string>& topics) {
  MetadataRequest request;
  request.topics.emplace();
  for (const std::string& name : topics) request.topics->push_back({.name = name});
  request.allow_auto_topic_creation = false;
  std::string frame = EncodeRequestFrame(
      ApiKey::kMetadata, kMetadataVersion,
      [&](WireWriter& writer) { EncodeMetadataRequest(writer, request, kMetadataVersion); });
  std::vector<uint8_t> body;
  RETURN_IF_ERROR(connection.Call(
      std::span<uint8_t>(reinterpret_cast<uint8_t*>(frame.data()), frame.size()), &body));
  WireReader reader(body);
  ASSIGN_OR_RETURN(const MetadataResponse response,
                   DecodeMetadataResponse(reader, kMetadataVersion));
  MetadataAnswer answer;
  answer.controller_id = response.controller_id;
  for (const MetadataResponse::Broker& b : response.brokers) {
    answer.brokers.push_back({b.node_id, b.host, b.port});
  }
  std::ranges::sort(answer.brokers, {}, &BrokerMetadata::node_id);
  for (const MetadataResponse::Topic& t : response.topics) {
    TopicMetadata& topic = answer.topics.emplace_back();
    topic.name = t.name.value_or("");
    topic.error_code = t.error_code;
    for (const MetadataResponse::Partition& p : t.partitions) {
      topic.partitions.push_back(
          {p.partition_index, p.error_code, p.leader_id, p.replica_nodes, p.isr_nodes});
    }
    std::ranges::sort(topic.partitions, {}, &PartitionMetadata::partition);
  }
  return answer;
}

}  // namespace ringlog::bench
