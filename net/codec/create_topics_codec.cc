#include "net/codec/create_topics_codec.h"

#include <glog/logging.h>

#include "net/codec/codec_version.h"
#include "net/codec/wire_array.h"

namespace ringlog {
namespace {

// No version in range is flexible.
constexpr bool kFlexible = false;

// Smallest encodings of the array elements (empty strings and arrays, null values).
constexpr size_t kTopicMinBytes = 2 + 4 + 2 + 4 + 4;
constexpr size_t kAssignmentMinBytes = 4 + 4;
constexpr size_t kConfigMinBytes = 2 + 2;
constexpr size_t kTopicResultMinBytes = 2 + 2;

Result<CreateTopicsRequest::Assignment> ReadAssignment(WireReader& reader) {
  CreateTopicsRequest::Assignment a;
  ASSIGN_OR_RETURN(a.partition_index, reader.ReadInt32());
  ASSIGN_OR_RETURN(a.broker_ids, ReadInt32Array(reader, kFlexible));
  return a;
}

void WriteAssignment(WireWriter& writer, const CreateTopicsRequest::Assignment& a) {
  writer.WriteInt32(a.partition_index);
  WriteInt32Array(writer, a.broker_ids, kFlexible);
}

Result<CreateTopicsRequest::Config> ReadConfig(WireReader& reader) {
  CreateTopicsRequest::Config c;
  ASSIGN_OR_RETURN(c.name, reader.ReadString());
  ASSIGN_OR_RETURN(c.value, reader.ReadNullableString());
  return c;
}

void WriteConfig(WireWriter& writer, const CreateTopicsRequest::Config& c) {
  writer.WriteString(c.name, kFlexible);
  writer.WriteNullableString(c.value, kFlexible);
}

Result<CreateTopicsRequest::Topic> ReadTopic(WireReader& reader) {
  CreateTopicsRequest::Topic t;
  ASSIGN_OR_RETURN(t.name, reader.ReadString());
  ASSIGN_OR_RETURN(t.num_partitions, reader.ReadInt32());
  ASSIGN_OR_RETURN(t.replication_factor, reader.ReadInt16());
  ASSIGN_OR_RETURN(t.assignments, ReadArray<CreateTopicsRequest::Assignment>(
                                      reader, kFlexible, kAssignmentMinBytes, ReadAssignment));
  ASSIGN_OR_RETURN(t.configs, ReadArray<CreateTopicsRequest::Config>(reader, kFlexible,
                                                                     kConfigMinBytes, ReadConfig));
  return t;
}

void WriteTopic(WireWriter& writer, const CreateTopicsRequest::Topic& t) {
  writer.WriteString(t.name, kFlexible);
  writer.WriteInt32(t.num_partitions);
  writer.WriteInt16(t.replication_factor);
  WriteArray(writer, t.assignments, kFlexible, WriteAssignment);
  WriteArray(writer, t.configs, kFlexible, WriteConfig);
}

Result<CreateTopicsResponse::TopicResult> ReadTopicResult(WireReader& reader, int16_t version) {
  CreateTopicsResponse::TopicResult r;
  ASSIGN_OR_RETURN(r.name, reader.ReadString());
  ASSIGN_OR_RETURN(r.error_code, reader.ReadInt16());
  if (version >= 1) {
    ASSIGN_OR_RETURN(r.error_message, reader.ReadNullableString());
  }
  return r;
}

void WriteTopicResult(WireWriter& writer, const CreateTopicsResponse::TopicResult& r,
                      int16_t version) {
  writer.WriteString(r.name, kFlexible);
  writer.WriteInt16(r.error_code);
  if (version >= 1) writer.WriteNullableString(r.error_message, kFlexible);
}

}  // namespace

Result<CreateTopicsRequest> DecodeCreateTopicsRequest(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckCodecVersion("CreateTopics", version, kCreateTopicsMaxVersion));
  CreateTopicsRequest request;
  ASSIGN_OR_RETURN(request.topics, ReadArray<CreateTopicsRequest::Topic>(
                                       reader, kFlexible, kTopicMinBytes, ReadTopic));
  ASSIGN_OR_RETURN(request.timeout_ms, reader.ReadInt32());
  if (version >= 1) {
    ASSIGN_OR_RETURN(request.validate_only, reader.ReadBool());
  }
  return request;
}

void EncodeCreateTopicsRequest(WireWriter& writer, const CreateTopicsRequest& request,
                               int16_t version) {
  CHECK(CheckCodecVersion("CreateTopics", version, kCreateTopicsMaxVersion).ok());
  WriteArray(writer, request.topics, kFlexible, WriteTopic);
  writer.WriteInt32(request.timeout_ms);
  if (version >= 1) writer.WriteBool(request.validate_only);
}

void EncodeCreateTopicsResponse(WireWriter& writer, const CreateTopicsResponse& response,
                                int16_t version) {
  CHECK(CheckCodecVersion("CreateTopics", version, kCreateTopicsMaxVersion).ok());
  if (version >= 2) writer.WriteInt32(response.throttle_time_ms);
  WriteArray(writer, response.topics, kFlexible,
             [version](WireWriter& w, const CreateTopicsResponse::TopicResult& r) {
               WriteTopicResult(w, r, version);
             });
}

Result<CreateTopicsResponse> DecodeCreateTopicsResponse(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckCodecVersion("CreateTopics", version, kCreateTopicsMaxVersion));
  CreateTopicsResponse response;
  if (version >= 2) {
    ASSIGN_OR_RETURN(response.throttle_time_ms, reader.ReadInt32());
  }
  ASSIGN_OR_RETURN(response.topics,
                   ReadArray<CreateTopicsResponse::TopicResult>(
                       reader, kFlexible, kTopicResultMinBytes,
                       [version](WireReader& r) { return ReadTopicResult(r, version); }));
  return response;
}

}  // namespace ringlog
