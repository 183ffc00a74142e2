#include "net/codec/create_partitions_codec.h"

#include <glog/logging.h>

#include "net/codec/codec_version.h"
#include "net/codec/wire_array.h"

namespace ringlog {
namespace {

// No version in range is flexible.
constexpr bool kFlexible = false;

// Smallest encodings of the array elements (empty names and arrays, null assignments).
constexpr size_t kTopicMinBytes = 2 + 4 + 4;
constexpr size_t kAssignmentMinBytes = 4;
constexpr size_t kTopicResultMinBytes = 2 + 2 + 2;

Result<CreatePartitionsRequest::Topic> ReadTopic(WireReader& reader) {
  CreatePartitionsRequest::Topic t;
  ASSIGN_OR_RETURN(t.name, reader.ReadString());
  ASSIGN_OR_RETURN(t.count, reader.ReadInt32());
  ASSIGN_OR_RETURN(t.assignments, ReadNullableArray<std::vector<int32_t>>(
                                      reader, kFlexible, kAssignmentMinBytes,
                                      [](WireReader& r) { return ReadInt32Array(r, kFlexible); }));
  return t;
}

void WriteTopic(WireWriter& writer, const CreatePartitionsRequest::Topic& t) {
  writer.WriteString(t.name, kFlexible);
  writer.WriteInt32(t.count);
  WriteNullableArray(writer, t.assignments, kFlexible,
                     [](WireWriter& w, const std::vector<int32_t>& broker_ids) {
                       WriteInt32Array(w, broker_ids, kFlexible);
                     });
}

Result<CreatePartitionsResponse::TopicResult> ReadTopicResult(WireReader& reader) {
  CreatePartitionsResponse::TopicResult r;
  ASSIGN_OR_RETURN(r.name, reader.ReadString());
  ASSIGN_OR_RETURN(r.error_code, reader.ReadInt16());
  ASSIGN_OR_RETURN(r.error_message, reader.ReadNullableString());
  return r;
}

void WriteTopicResult(WireWriter& writer, const CreatePartitionsResponse::TopicResult& r) {
  writer.WriteString(r.name, kFlexible);
  writer.WriteInt16(r.error_code);
  writer.WriteNullableString(r.error_message, kFlexible);
}

}  // namespace

Result<CreatePartitionsRequest> DecodeCreatePartitionsRequest(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckCodecVersion("CreatePartitions", version, kCreatePartitionsMaxVersion));
  CreatePartitionsRequest request;
  ASSIGN_OR_RETURN(request.topics, ReadArray<CreatePartitionsRequest::Topic>(
                                       reader, kFlexible, kTopicMinBytes, ReadTopic));
  ASSIGN_OR_RETURN(request.timeout_ms, reader.ReadInt32());
  ASSIGN_OR_RETURN(request.validate_only, reader.ReadBool());
  return request;
}

void EncodeCreatePartitionsRequest(WireWriter& writer, const CreatePartitionsRequest& request,
                                   int16_t version) {
  CHECK(CheckCodecVersion("CreatePartitions", version, kCreatePartitionsMaxVersion).ok());
  WriteArray(writer, request.topics, kFlexible, WriteTopic);
  writer.WriteInt32(request.timeout_ms);
  writer.WriteBool(request.validate_only);
}

void EncodeCreatePartitionsResponse(WireWriter& writer, const CreatePartitionsResponse& response,
                                    int16_t version) {
  CHECK(CheckCodecVersion("CreatePartitions", version, kCreatePartitionsMaxVersion).ok());
  writer.WriteInt32(response.throttle_time_ms);
  WriteArray(writer, response.results, kFlexible, WriteTopicResult);
}

Result<CreatePartitionsResponse> DecodeCreatePartitionsResponse(WireReader& reader,
                                                                int16_t version) {
  RETURN_IF_ERROR(CheckCodecVersion("CreatePartitions", version, kCreatePartitionsMaxVersion));
  CreatePartitionsResponse response;
  ASSIGN_OR_RETURN(response.throttle_time_ms, reader.ReadInt32());
  ASSIGN_OR_RETURN(response.results, ReadArray<CreatePartitionsResponse::TopicResult>(
                                         reader, kFlexible, kTopicResultMinBytes, ReadTopicResult));
  return response;
}

}  // namespace ringlog
