#include "net/codec/delete_records_codec.h"

#include <glog/logging.h>

#include "net/codec/codec_version.h"
#include "net/codec/wire_array.h"

namespace ringlog {
namespace {

// No version in range is flexible.
constexpr bool kFlexible = false;

// Smallest encodings of the array elements (empty names and arrays).
constexpr size_t kTopicMinBytes = 2 + 4;
constexpr size_t kRequestPartitionBytes = 4 + 8;
constexpr size_t kResponsePartitionBytes = 4 + 8 + 2;

Result<DeleteRecordsRequest::Partition> ReadRequestPartition(WireReader& reader) {
  DeleteRecordsRequest::Partition p;
  ASSIGN_OR_RETURN(p.partition_index, reader.ReadInt32());
  ASSIGN_OR_RETURN(p.offset, reader.ReadInt64());
  return p;
}

void WriteRequestPartition(WireWriter& writer, const DeleteRecordsRequest::Partition& p) {
  writer.WriteInt32(p.partition_index);
  writer.WriteInt64(p.offset);
}

Result<DeleteRecordsRequest::Topic> ReadRequestTopic(WireReader& reader) {
  DeleteRecordsRequest::Topic t;
  ASSIGN_OR_RETURN(t.name, reader.ReadString());
  ASSIGN_OR_RETURN(t.partitions,
                   ReadArray<DeleteRecordsRequest::Partition>(
                       reader, kFlexible, kRequestPartitionBytes, ReadRequestPartition));
  return t;
}

void WriteRequestTopic(WireWriter& writer, const DeleteRecordsRequest::Topic& t) {
  writer.WriteString(t.name, kFlexible);
  WriteArray(writer, t.partitions, kFlexible, WriteRequestPartition);
}

Result<DeleteRecordsResponse::Partition> ReadResponsePartition(WireReader& reader) {
  DeleteRecordsResponse::Partition p;
  ASSIGN_OR_RETURN(p.partition_index, reader.ReadInt32());
  ASSIGN_OR_RETURN(p.low_watermark, reader.ReadInt64());
  ASSIGN_OR_RETURN(p.error_code, reader.ReadInt16());
  return p;
}

void WriteResponsePartition(WireWriter& writer, const DeleteRecordsResponse::Partition& p) {
  writer.WriteInt32(p.partition_index);
  writer.WriteInt64(p.low_watermark);
  writer.WriteInt16(p.error_code);
}

Result<DeleteRecordsResponse::Topic> ReadResponseTopic(WireReader& reader) {
  DeleteRecordsResponse::Topic t;
  ASSIGN_OR_RETURN(t.name, reader.ReadString());
  ASSIGN_OR_RETURN(t.partitions,
                   ReadArray<DeleteRecordsResponse::Partition>(
                       reader, kFlexible, kResponsePartitionBytes, ReadResponsePartition));
  return t;
}

void WriteResponseTopic(WireWriter& writer, const DeleteRecordsResponse::Topic& t) {
  writer.WriteString(t.name, kFlexible);
  WriteArray(writer, t.partitions, kFlexible, WriteResponsePartition);
}

}  // namespace

Result<DeleteRecordsRequest> DecodeDeleteRecordsRequest(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckCodecVersion("DeleteRecords", version, kDeleteRecordsMaxVersion));
  DeleteRecordsRequest request;
  ASSIGN_OR_RETURN(request.topics, ReadArray<DeleteRecordsRequest::Topic>(
                                       reader, kFlexible, kTopicMinBytes, ReadRequestTopic));
  ASSIGN_OR_RETURN(request.timeout_ms, reader.ReadInt32());
  return request;
}

void EncodeDeleteRecordsRequest(WireWriter& writer, const DeleteRecordsRequest& request,
                                int16_t version) {
  CHECK(CheckCodecVersion("DeleteRecords", version, kDeleteRecordsMaxVersion).ok());
  WriteArray(writer, request.topics, kFlexible, WriteRequestTopic);
  writer.WriteInt32(request.timeout_ms);
}

void EncodeDeleteRecordsResponse(WireWriter& writer, const DeleteRecordsResponse& response,
                                 int16_t version) {
  CHECK(CheckCodecVersion("DeleteRecords", version, kDeleteRecordsMaxVersion).ok());
  writer.WriteInt32(response.throttle_time_ms);
  WriteArray(writer, response.topics, kFlexible, WriteResponseTopic);
}

Result<DeleteRecordsResponse> DecodeDeleteRecordsResponse(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckCodecVersion("DeleteRecords", version, kDeleteRecordsMaxVersion));
  DeleteRecordsResponse response;
  ASSIGN_OR_RETURN(response.throttle_time_ms, reader.ReadInt32());
  ASSIGN_OR_RETURN(response.topics, ReadArray<DeleteRecordsResponse::Topic>(
                                        reader, kFlexible, kTopicMinBytes, ReadResponseTopic));
  return response;
}

}  // namespace ringlog
