#include "net/codec/offset_commit_codec.h"

#include <glog/logging.h>

#include <string>

#include "net/codec/codec_version.h"

namespace ringlog {
namespace {

constexpr bool kFlexible = false;  // no version in 0-7 is flexible

// Smallest encodings, which bound array counts before anything is allocated.
constexpr size_t kMinTopicBytes = 2 + 4;                 // name, partition count
constexpr size_t kMinRequestPartitionBytes = 4 + 8 + 2;  // index, offset, metadata
constexpr size_t kMinResponsePartitionBytes = 4 + 2;     // index, error code

Status CheckVersion(int16_t version) {
  return CheckCodecVersion("OffsetCommit", version, kOffsetCommitMaxVersion);
}

Result<int32_t> ReadCount(WireReader& reader, size_t min_element_bytes) {
  ASSIGN_OR_RETURN(int32_t count, reader.ReadArrayLength(kFlexible, min_element_bytes));
  if (count < 0) return Status::InvalidArgument("OffsetCommit: null array");
  return count;
}

Status DecodeRequestPartition(WireReader& reader, int16_t version,
                              OffsetCommitRequest::Partition* partition) {
  ASSIGN_OR_RETURN(partition->partition_index, reader.ReadInt32());
  ASSIGN_OR_RETURN(partition->committed_offset, reader.ReadInt64());
  if (version >= 6) {
    ASSIGN_OR_RETURN(partition->committed_leader_epoch, reader.ReadInt32());
  }
  if (version == 1) {
    ASSIGN_OR_RETURN(partition->commit_timestamp_ms, reader.ReadInt64());
  }
  ASSIGN_OR_RETURN(partition->committed_metadata, reader.ReadNullableString(kFlexible));
  return Status::OK();
}

}  // namespace

Result<OffsetCommitRequest> DecodeOffsetCommitRequest(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckVersion(version));
  OffsetCommitRequest request;
  ASSIGN_OR_RETURN(request.group_id, reader.ReadString(kFlexible));
  if (version >= 1) {
    ASSIGN_OR_RETURN(request.generation_id, reader.ReadInt32());
    ASSIGN_OR_RETURN(request.member_id, reader.ReadString(kFlexible));
  }
  if (version >= 7) {
    ASSIGN_OR_RETURN(request.group_instance_id, reader.ReadNullableString(kFlexible));
  }
  if (version >= 2 && version <= 4) {
    ASSIGN_OR_RETURN(request.retention_time_ms, reader.ReadInt64());
  }
  ASSIGN_OR_RETURN(int32_t topic_count, ReadCount(reader, kMinTopicBytes));
  request.topics.resize(topic_count);
  for (OffsetCommitRequest::Topic& topic : request.topics) {
    ASSIGN_OR_RETURN(topic.name, reader.ReadString(kFlexible));
    ASSIGN_OR_RETURN(int32_t partition_count, ReadCount(reader, kMinRequestPartitionBytes));
    topic.partitions.resize(partition_count);
    for (OffsetCommitRequest::Partition& partition : topic.partitions) {
      RETURN_IF_ERROR(DecodeRequestPartition(reader, version, &partition));
    }
  }
  return request;
}

void EncodeOffsetCommitRequest(WireWriter& writer, const OffsetCommitRequest& request,
                               int16_t version) {
  CHECK(CheckVersion(version).ok());
  writer.WriteString(request.group_id, kFlexible);
  if (version >= 1) {
    writer.WriteInt32(request.generation_id);
    writer.WriteString(request.member_id, kFlexible);
  }
  if (version >= 7) writer.WriteNullableString(request.group_instance_id, kFlexible);
  if (version >= 2 && version <= 4) writer.WriteInt64(request.retention_time_ms);
  writer.WriteArrayLength(static_cast<int32_t>(request.topics.size()), kFlexible);
  for (const OffsetCommitRequest::Topic& topic : request.topics) {
    writer.WriteString(topic.name, kFlexible);
    writer.WriteArrayLength(static_cast<int32_t>(topic.partitions.size()), kFlexible);
    for (const OffsetCommitRequest::Partition& partition : topic.partitions) {
      writer.WriteInt32(partition.partition_index);
      writer.WriteInt64(partition.committed_offset);
      if (version >= 6) writer.WriteInt32(partition.committed_leader_epoch);
      if (version == 1) writer.WriteInt64(partition.commit_timestamp_ms);
      writer.WriteNullableString(partition.committed_metadata, kFlexible);
    }
  }
}

void EncodeOffsetCommitResponse(WireWriter& writer, const OffsetCommitResponse& response,
                                int16_t version) {
  CHECK(CheckVersion(version).ok());
  if (version >= 3) writer.WriteInt32(response.throttle_time_ms);
  writer.WriteArrayLength(static_cast<int32_t>(response.topics.size()), kFlexible);
  for (const OffsetCommitResponse::Topic& topic : response.topics) {
    writer.WriteString(topic.name, kFlexible);
    writer.WriteArrayLength(static_cast<int32_t>(topic.partitions.size()), kFlexible);
    for (const OffsetCommitResponse::Partition& partition : topic.partitions) {
      writer.WriteInt32(partition.partition_index);
      writer.WriteInt16(partition.error_code);
    }
  }
}

Result<OffsetCommitResponse> DecodeOffsetCommitResponse(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckVersion(version));
  OffsetCommitResponse response;
  if (version >= 3) {
    ASSIGN_OR_RETURN(response.throttle_time_ms, reader.ReadInt32());
  }
  ASSIGN_OR_RETURN(int32_t topic_count, ReadCount(reader, kMinTopicBytes));
  response.topics.resize(topic_count);
  for (OffsetCommitResponse::Topic& topic : response.topics) {
    ASSIGN_OR_RETURN(topic.name, reader.ReadString(kFlexible));
    ASSIGN_OR_RETURN(int32_t partition_count, ReadCount(reader, kMinResponsePartitionBytes));
    topic.partitions.resize(partition_count);
    for (OffsetCommitResponse::Partition& partition : topic.partitions) {
      ASSIGN_OR_RETURN(partition.partition_index, reader.ReadInt32());
      ASSIGN_OR_RETURN(partition.error_code, reader.ReadInt16());
    }
  }
  return response;
}

}  // namespace ringlog
