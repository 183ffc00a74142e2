#include "net/codec/produce_codec.h"

#include <glog/logging.h>

#include "net/codec/codec_version.h"
#include "net/codec/wire_array.h"

namespace ringlog {
namespace {

// No version in range is flexible.
constexpr bool kFlexible = false;

// Smallest encodings of the array elements (empty name, empty arrays, empty records).
constexpr size_t kTopicDataMinBytes = 2 + 4;
constexpr size_t kPartitionDataMinBytes = 4 + 4;
constexpr size_t kTopicResponseMinBytes = 2 + 4;
constexpr size_t kPartitionResponseMinBytes = 4 + 2 + 8;

Result<ProduceRequest::Partition> ReadPartitionData(WireReader& reader) {
  ProduceRequest::Partition p;
  ASSIGN_OR_RETURN(p.index, reader.ReadInt32());
  ASSIGN_OR_RETURN(p.records, reader.ReadNullableBytes(kFlexible));
  if (p.records) p.records_position = reader.position() - p.records->size();
  return p;
}

void WritePartitionData(WireWriter& writer, const ProduceRequest::Partition& p) {
  writer.WriteInt32(p.index);
  writer.WriteNullableBytes(p.records, kFlexible);
}

Result<ProduceRequest::Topic> ReadTopicData(WireReader& reader) {
  ProduceRequest::Topic topic;
  ASSIGN_OR_RETURN(topic.name, reader.ReadString());
  ASSIGN_OR_RETURN(topic.partitions,
                   ReadArray<ProduceRequest::Partition>(reader, kFlexible, kPartitionDataMinBytes,
                                                        ReadPartitionData));
  return topic;
}

void WriteTopicData(WireWriter& writer, const ProduceRequest::Topic& topic) {
  writer.WriteString(topic.name, kFlexible);
  WriteArray(writer, topic.partitions, kFlexible, WritePartitionData);
}

Result<ProduceResponse::Partition> ReadPartitionResponse(WireReader& reader, int16_t version) {
  ProduceResponse::Partition p;
  ASSIGN_OR_RETURN(p.index, reader.ReadInt32());
  ASSIGN_OR_RETURN(p.error_code, reader.ReadInt16());
  ASSIGN_OR_RETURN(p.base_offset, reader.ReadInt64());
  if (version >= 2) {
    ASSIGN_OR_RETURN(p.log_append_time_ms, reader.ReadInt64());
  }
  if (version >= 5) {
    ASSIGN_OR_RETURN(p.log_start_offset, reader.ReadInt64());
  }
  return p;
}

void WritePartitionResponse(WireWriter& writer, const ProduceResponse::Partition& p,
                            int16_t version) {
  writer.WriteInt32(p.index);
  writer.WriteInt16(p.error_code);
  writer.WriteInt64(p.base_offset);
  if (version >= 2) writer.WriteInt64(p.log_append_time_ms);
  if (version >= 5) writer.WriteInt64(p.log_start_offset);
}

Result<ProduceResponse::Topic> ReadTopicResponse(WireReader& reader, int16_t version) {
  ProduceResponse::Topic topic;
  ASSIGN_OR_RETURN(topic.name, reader.ReadString());
  ASSIGN_OR_RETURN(topic.partitions,
                   ReadArray<ProduceResponse::Partition>(
                       reader, kFlexible, kPartitionResponseMinBytes,
                       [version](WireReader& r) { return ReadPartitionResponse(r, version); }));
  return topic;
}

void WriteTopicResponse(WireWriter& writer, const ProduceResponse::Topic& topic, int16_t version) {
  writer.WriteString(topic.name, kFlexible);
  WriteArray(writer, topic.partitions, kFlexible,
             [version](WireWriter& w, const ProduceResponse::Partition& p) {
               WritePartitionResponse(w, p, version);
             });
}

}  // namespace

Result<ProduceRequest> DecodeProduceRequest(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckCodecVersion("Produce", version, kProduceMaxVersion));
  ProduceRequest request;
  if (version >= 3) {
    ASSIGN_OR_RETURN(request.transactional_id, reader.ReadNullableString());
  }
  ASSIGN_OR_RETURN(request.acks, reader.ReadInt16());
  ASSIGN_OR_RETURN(request.timeout_ms, reader.ReadInt32());
  ASSIGN_OR_RETURN(request.topics, ReadArray<ProduceRequest::Topic>(
                                       reader, kFlexible, kTopicDataMinBytes, ReadTopicData));
  return request;
}

void EncodeProduceRequest(WireWriter& writer, const ProduceRequest& request, int16_t version) {
  CHECK(CheckCodecVersion("Produce", version, kProduceMaxVersion).ok());
  if (version >= 3) writer.WriteNullableString(request.transactional_id, kFlexible);
  writer.WriteInt16(request.acks);
  writer.WriteInt32(request.timeout_ms);
  WriteArray(writer, request.topics, kFlexible, WriteTopicData);
}

void EncodeProduceResponse(WireWriter& writer, const ProduceResponse& response, int16_t version) {
  CHECK(CheckCodecVersion("Produce", version, kProduceMaxVersion).ok());
  WriteArray(writer, response.topics, kFlexible,
             [version](WireWriter& w, const ProduceResponse::Topic& t) {
               WriteTopicResponse(w, t, version);
             });
  if (version >= 1) writer.WriteInt32(response.throttle_time_ms);
}

Result<ProduceResponse> DecodeProduceResponse(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckCodecVersion("Produce", version, kProduceMaxVersion));
  ProduceResponse response;
  ASSIGN_OR_RETURN(response.topics,
                   ReadArray<ProduceResponse::Topic>(
                       reader, kFlexible, kTopicResponseMinBytes,
                       [version](WireReader& r) { return ReadTopicResponse(r, version); }));
  if (version >= 1) {
    ASSIGN_OR_RETURN(response.throttle_time_ms, reader.ReadInt32());
  }
  return response;
}

}  // namespace ringlog
