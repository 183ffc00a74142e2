#include "net/codec/delete_topics_codec.h"

#include <glog/logging.h>

#include "net/codec/codec_version.h"
#include "net/codec/wire_array.h"

namespace ringlog {
namespace {

// No version in range is flexible.
constexpr bool kFlexible = false;

// An empty name and an error code.
constexpr size_t kTopicResultMinBytes = 2 + 2;

Result<DeleteTopicsResponse::TopicResult> ReadTopicResult(WireReader& reader) {
  DeleteTopicsResponse::TopicResult r;
  ASSIGN_OR_RETURN(r.name, reader.ReadString());
  ASSIGN_OR_RETURN(r.error_code, reader.ReadInt16());
  return r;
}

void WriteTopicResult(WireWriter& writer, const DeleteTopicsResponse::TopicResult& r) {
  writer.WriteString(r.name, kFlexible);
  writer.WriteInt16(r.error_code);
}

}  // namespace

Result<DeleteTopicsRequest> DecodeDeleteTopicsRequest(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckCodecVersion("DeleteTopics", version, kDeleteTopicsMaxVersion));
  DeleteTopicsRequest request;
  ASSIGN_OR_RETURN(request.topic_names, ReadStringArray(reader, kFlexible));
  ASSIGN_OR_RETURN(request.timeout_ms, reader.ReadInt32());
  return request;
}

void EncodeDeleteTopicsRequest(WireWriter& writer, const DeleteTopicsRequest& request,
                               int16_t version) {
  CHECK(CheckCodecVersion("DeleteTopics", version, kDeleteTopicsMaxVersion).ok());
  WriteStringArray(writer, request.topic_names, kFlexible);
  writer.WriteInt32(request.timeout_ms);
}

void EncodeDeleteTopicsResponse(WireWriter& writer, const DeleteTopicsResponse& response,
                                int16_t version) {
  CHECK(CheckCodecVersion("DeleteTopics", version, kDeleteTopicsMaxVersion).ok());
  if (version >= 1) writer.WriteInt32(response.throttle_time_ms);
  WriteArray(writer, response.responses, kFlexible, WriteTopicResult);
}

Result<DeleteTopicsResponse> DecodeDeleteTopicsResponse(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckCodecVersion("DeleteTopics", version, kDeleteTopicsMaxVersion));
  DeleteTopicsResponse response;
  if (version >= 1) {
    ASSIGN_OR_RETURN(response.throttle_time_ms, reader.ReadInt32());
  }
  ASSIGN_OR_RETURN(response.responses,
                   ReadArray<DeleteTopicsResponse::TopicResult>(
                       reader, kFlexible, kTopicResultMinBytes, ReadTopicResult));
  return response;
}

}  // namespace ringlog
