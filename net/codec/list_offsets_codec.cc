#include "net/codec/list_offsets_codec.h"

#include <glog/logging.h>

#include "net/codec/codec_version.h"
#include "net/codec/wire_array.h"

namespace ringlog {
namespace {

// No version in range is flexible.
constexpr bool kFlexible = false;

// Smallest encodings of the array elements (empty names and arrays, fields of v1+).
constexpr size_t kTopicMinBytes = 2 + 4;
constexpr size_t kRequestPartitionMinBytes = 4 + 8;
constexpr size_t kResponsePartitionMinBytes = 4 + 2 + 4;

Result<ListOffsetsRequest::Partition> ReadRequestPartition(WireReader& reader, int16_t version) {
  ListOffsetsRequest::Partition p;
  ASSIGN_OR_RETURN(p.partition_index, reader.ReadInt32());
  ASSIGN_OR_RETURN(p.timestamp, reader.ReadInt64());
  if (version == 0) {
    ASSIGN_OR_RETURN(p.max_num_offsets, reader.ReadInt32());
  }
  return p;
}

void WriteRequestPartition(WireWriter& writer, const ListOffsetsRequest::Partition& p,
                           int16_t version) {
  writer.WriteInt32(p.partition_index);
  writer.WriteInt64(p.timestamp);
  if (version == 0) writer.WriteInt32(p.max_num_offsets);
}

Result<ListOffsetsRequest::Topic> ReadRequestTopic(WireReader& reader, int16_t version) {
  ListOffsetsRequest::Topic topic;
  ASSIGN_OR_RETURN(topic.name, reader.ReadString());
  ASSIGN_OR_RETURN(topic.partitions,
                   ReadArray<ListOffsetsRequest::Partition>(
                       reader, kFlexible, kRequestPartitionMinBytes,
                       [version](WireReader& r) { return ReadRequestPartition(r, version); }));
  return topic;
}

void WriteRequestTopic(WireWriter& writer, const ListOffsetsRequest::Topic& t, int16_t version) {
  writer.WriteString(t.name, kFlexible);
  WriteArray(writer, t.partitions, kFlexible,
             [version](WireWriter& w, const ListOffsetsRequest::Partition& p) {
               WriteRequestPartition(w, p, version);
             });
}

Result<ListOffsetsResponse::Partition> ReadResponsePartition(WireReader& reader, int16_t version) {
  ListOffsetsResponse::Partition p;
  ASSIGN_OR_RETURN(p.partition_index, reader.ReadInt32());
  ASSIGN_OR_RETURN(p.error_code, reader.ReadInt16());
  if (version == 0) {
    ASSIGN_OR_RETURN(p.old_style_offsets,
                     ReadArray<int64_t>(reader, kFlexible, sizeof(int64_t),
                                        [](WireReader& r) { return r.ReadInt64(); }));
  } else {
    ASSIGN_OR_RETURN(p.timestamp, reader.ReadInt64());
    ASSIGN_OR_RETURN(p.offset, reader.ReadInt64());
  }
  return p;
}

void WriteResponsePartition(WireWriter& writer, const ListOffsetsResponse::Partition& p,
                            int16_t version) {
  writer.WriteInt32(p.partition_index);
  writer.WriteInt16(p.error_code);
  if (version == 0) {
    WriteArray(writer, p.old_style_offsets, kFlexible,
               [](WireWriter& w, int64_t offset) { w.WriteInt64(offset); });
  } else {
    writer.WriteInt64(p.timestamp);
    writer.WriteInt64(p.offset);
  }
}

Result<ListOffsetsResponse::Topic> ReadResponseTopic(WireReader& reader, int16_t version) {
  ListOffsetsResponse::Topic topic;
  ASSIGN_OR_RETURN(topic.name, reader.ReadString());
  ASSIGN_OR_RETURN(topic.partitions,
                   ReadArray<ListOffsetsResponse::Partition>(
                       reader, kFlexible, kResponsePartitionMinBytes,
                       [version](WireReader& r) { return ReadResponsePartition(r, version); }));
  return topic;
}

void WriteResponseTopic(WireWriter& writer, const ListOffsetsResponse::Topic& t, int16_t version) {
  writer.WriteString(t.name, kFlexible);
  WriteArray(writer, t.partitions, kFlexible,
             [version](WireWriter& w, const ListOffsetsResponse::Partition& p) {
               WriteResponsePartition(w, p, version);
             });
}

}  // namespace

Result<ListOffsetsRequest> DecodeListOffsetsRequest(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckCodecVersion("ListOffsets", version, kListOffsetsMaxVersion));
  ListOffsetsRequest request;
  ASSIGN_OR_RETURN(request.replica_id, reader.ReadInt32());
  if (version >= 2) {
    ASSIGN_OR_RETURN(request.isolation_level, reader.ReadInt8());
  }
  ASSIGN_OR_RETURN(request.topics, ReadArray<ListOffsetsRequest::Topic>(
                                       reader, kFlexible, kTopicMinBytes, [version](WireReader& r) {
                                         return ReadRequestTopic(r, version);
                                       }));
  return request;
}

void EncodeListOffsetsRequest(WireWriter& writer, const ListOffsetsRequest& request,
                              int16_t version) {
  CHECK(CheckCodecVersion("ListOffsets", version, kListOffsetsMaxVersion).ok());
  writer.WriteInt32(request.replica_id);
  if (version >= 2) writer.WriteInt8(request.isolation_level);
  WriteArray(writer, request.topics, kFlexible,
             [version](WireWriter& w, const ListOffsetsRequest::Topic& t) {
               WriteRequestTopic(w, t, version);
             });
}

void EncodeListOffsetsResponse(WireWriter& writer, const ListOffsetsResponse& response,
                               int16_t version) {
  CHECK(CheckCodecVersion("ListOffsets", version, kListOffsetsMaxVersion).ok());
  if (version >= 2) writer.WriteInt32(response.throttle_time_ms);
  WriteArray(writer, response.topics, kFlexible,
             [version](WireWriter& w, const ListOffsetsResponse::Topic& t) {
               WriteResponseTopic(w, t, version);
             });
}

Result<ListOffsetsResponse> DecodeListOffsetsResponse(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckCodecVersion("ListOffsets", version, kListOffsetsMaxVersion));
  ListOffsetsResponse response;
  if (version >= 2) {
    ASSIGN_OR_RETURN(response.throttle_time_ms, reader.ReadInt32());
  }
  ASSIGN_OR_RETURN(response.topics,
                   ReadArray<ListOffsetsResponse::Topic>(
                       reader, kFlexible, kTopicMinBytes,
                       [version](WireReader& r) { return ReadResponseTopic(r, version); }));
  return response;
}

}  // namespace ringlog
