#include "bench/harness/loadgen/topic_admin.h"

#include <vector>

#include "bench/harness/loadgen/request_frame.h"
#include "net/codec/create_topics_codec.h"
#include "net/codec/wire_reader.h"

namespace ringlog::bench {
namespace {

constexpr int16_t kCreateTopicsVersion = 4;

}  // namespace

Status CreateTopic(KafkaConnection& connection, const std::string& topic, int32_t partitions,
                   int16_t replication_factor) {
  CreateTopicsRequest request;
  CreateTopicsRequest::Topic& t = request.topics.emplace_back();
  t.name = topic;
  t.num_partitions = partitions;
  t.replication_factor = replication_factor;
  std::string frame =
      EncodeRequestFrame(ApiKey::kCreateTopics, kCreateTopicsVersion, [&](WireWriter& writer) {
        EncodeCreateTopicsRequest(writer, request, kCreateTopicsVersion);
      });
  std::vector<uint8_t> body;
  RETURN_IF_ERROR(connection.Call(
      std::span<uint8_t>(reinterpret_cast<uint8_t*>(frame.data()), frame.size()), &body));
  WireReader reader(body);
  ASSIGN_OR_RETURN(const CreateTopicsResponse response,
                   DecodeCreateTopicsResponse(reader, kCreateTopicsVersion));
  for (const CreateTopicsResponse::TopicResult& r : response.topics) {
    if (r.error_code != 0) {
      return Status::IOError("CreateTopics " + r.name + ": error " + std::to_string(r.error_code) +
                             " " + r.error_message.value_or(""));
    }
  }
  if (response.topics.size() != 1) return Status::Corruption("CreateTopics answered no topic");
  return Status::OK();
}

}  // namespace ringlog::bench
