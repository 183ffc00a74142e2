#include "net/codec/offset_fetch_codec.h"

#include <glog/logging.h>

#include <string>

#include "net/codec/codec_version.h"
#include "net/codec/wire_array.h"

namespace ringlog {
namespace {

// Smallest encodings in either form (flexible ones are shorter), which bound array counts
// before anything is allocated.
constexpr size_t kMinTopicBytes = 1 + 1 + 1;                  // name, array, tags
constexpr size_t kMinResponsePartitionBytes = 4 + 8 + 1 + 2;  // index, offset, metadata, error

Status CheckVersion(int16_t version) {
  return CheckCodecVersion("OffsetFetch", version, kOffsetFetchMaxVersion);
}

bool IsFlexible(int16_t version) { return version >= kOffsetFetchFirstFlexibleVersion; }

Status EndStruct(WireReader& reader, bool flexible) {
  return flexible ? reader.SkipTaggedFields() : Status::OK();
}

void EndStruct(WireWriter& writer, bool flexible) {
  if (flexible) writer.WriteEmptyTaggedFields();
}

Result<OffsetFetchRequest::Topic> DecodeRequestTopic(WireReader& reader, bool flexible) {
  OffsetFetchRequest::Topic topic;
  ASSIGN_OR_RETURN(topic.name, reader.ReadString(flexible));
  ASSIGN_OR_RETURN(topic.partition_indexes, ReadInt32Array(reader, flexible));
  RETURN_IF_ERROR(EndStruct(reader, flexible));
  return topic;
}

Result<OffsetFetchResponse::Partition> DecodeResponsePartition(WireReader& reader,
                                                               int16_t version) {
  const bool flexible = IsFlexible(version);
  OffsetFetchResponse::Partition partition;
  ASSIGN_OR_RETURN(partition.partition_index, reader.ReadInt32());
  ASSIGN_OR_RETURN(partition.committed_offset, reader.ReadInt64());
  if (version >= 5) {
    ASSIGN_OR_RETURN(partition.committed_leader_epoch, reader.ReadInt32());
  }
  ASSIGN_OR_RETURN(partition.metadata, reader.ReadNullableString(flexible));
  ASSIGN_OR_RETURN(partition.error_code, reader.ReadInt16());
  RETURN_IF_ERROR(EndStruct(reader, flexible));
  return partition;
}

}  // namespace

Result<OffsetFetchRequest> DecodeOffsetFetchRequest(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckVersion(version));
  const bool flexible = IsFlexible(version);
  OffsetFetchRequest request;
  ASSIGN_OR_RETURN(request.group_id, reader.ReadString(flexible));
  ASSIGN_OR_RETURN(request.topics, ReadNullableArray<OffsetFetchRequest::Topic>(
                                       reader, flexible, kMinTopicBytes, [flexible](WireReader& r) {
                                         return DecodeRequestTopic(r, flexible);
                                       }));
  if (!request.topics && version < kOffsetFetchFirstAllTopicsVersion) {
    return Status::InvalidArgument("OffsetFetch: null topic list before v2");
  }
  if (version >= 7) {
    ASSIGN_OR_RETURN(request.require_stable, reader.ReadBool());
  }
  RETURN_IF_ERROR(EndStruct(reader, flexible));
  return request;
}

void EncodeOffsetFetchRequest(WireWriter& writer, const OffsetFetchRequest& request,
                              int16_t version) {
  CHECK(CheckVersion(version).ok());
  CHECK(request.topics || version >= kOffsetFetchFirstAllTopicsVersion)
      << "null topic list at OffsetFetch v" << version;
  const bool flexible = IsFlexible(version);
  writer.WriteString(request.group_id, flexible);
  WriteNullableArray(writer, request.topics, flexible,
                     [flexible](WireWriter& w, const OffsetFetchRequest::Topic& topic) {
                       w.WriteString(topic.name, flexible);
                       WriteInt32Array(w, topic.partition_indexes, flexible);
                       EndStruct(w, flexible);
                     });
  if (version >= 7) writer.WriteBool(request.require_stable);
  EndStruct(writer, flexible);
}

void EncodeOffsetFetchResponse(WireWriter& writer, const OffsetFetchResponse& response,
                               int16_t version) {
  CHECK(CheckVersion(version).ok());
  const bool flexible = IsFlexible(version);
  if (version >= 3) writer.WriteInt32(response.throttle_time_ms);
  writer.WriteArrayLength(static_cast<int32_t>(response.topics.size()), flexible);
  for (const OffsetFetchResponse::Topic& topic : response.topics) {
    writer.WriteString(topic.name, flexible);
    writer.WriteArrayLength(static_cast<int32_t>(topic.partitions.size()), flexible);
    for (const OffsetFetchResponse::Partition& partition : topic.partitions) {
      writer.WriteInt32(partition.partition_index);
      writer.WriteInt64(partition.committed_offset);
      if (version >= 5) writer.WriteInt32(partition.committed_leader_epoch);
      writer.WriteNullableString(partition.metadata, flexible);
      writer.WriteInt16(partition.error_code);
      EndStruct(writer, flexible);
    }
    EndStruct(writer, flexible);
  }
  if (version >= 2) writer.WriteInt16(response.error_code);
  EndStruct(writer, flexible);
}

Result<OffsetFetchResponse> DecodeOffsetFetchResponse(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckVersion(version));
  const bool flexible = IsFlexible(version);
  OffsetFetchResponse response;
  if (version >= 3) {
    ASSIGN_OR_RETURN(response.throttle_time_ms, reader.ReadInt32());
  }
  ASSIGN_OR_RETURN(int32_t topic_count, reader.ReadArrayLength(flexible, kMinTopicBytes));
  if (topic_count < 0) return Status::InvalidArgument("OffsetFetch: null topic list");
  response.topics.resize(topic_count);
  for (OffsetFetchResponse::Topic& topic : response.topics) {
    ASSIGN_OR_RETURN(topic.name, reader.ReadString(flexible));
    ASSIGN_OR_RETURN(topic.partitions,
                     ReadArray<OffsetFetchResponse::Partition>(
                         reader, flexible, kMinResponsePartitionBytes,
                         [version](WireReader& r) { return DecodeResponsePartition(r, version); }));
    RETURN_IF_ERROR(EndStruct(reader, flexible));
  }
  if (version >= 2) {
    ASSIGN_OR_RETURN(response.error_code, reader.ReadInt16());
  }
  RETURN_IF_ERROR(EndStruct(reader, flexible));
  return response;
}

}  // namespace ringlog
