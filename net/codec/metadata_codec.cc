#include "net/codec/metadata_codec.h"

#include <glog/logging.h>

#include "net/codec/codec_version.h"
#include "net/codec/wire_array.h"

namespace ringlog {
namespace {

// No version in range is flexible.
constexpr bool kFlexible = false;

// Smallest encodings of the array elements (every string empty, every array empty).
constexpr size_t kBrokerMinBytes = 4 + 2 + 4;
constexpr size_t kTopicMinBytes = 2 + 2 + 4;
constexpr size_t kPartitionMinBytes = 2 + 4 + 4 + 4 + 4;

Result<MetadataResponse::Broker> ReadBroker(WireReader& reader, int16_t version) {
  MetadataResponse::Broker broker;
  ASSIGN_OR_RETURN(broker.node_id, reader.ReadInt32());
  ASSIGN_OR_RETURN(broker.host, reader.ReadString());
  ASSIGN_OR_RETURN(broker.port, reader.ReadInt32());
  if (version >= 1) {
    ASSIGN_OR_RETURN(broker.rack, reader.ReadNullableString());
  }
  return broker;
}

void WriteBroker(WireWriter& writer, const MetadataResponse::Broker& broker, int16_t version) {
  writer.WriteInt32(broker.node_id);
  writer.WriteString(broker.host, kFlexible);
  writer.WriteInt32(broker.port);
  if (version >= 1) writer.WriteNullableString(broker.rack, kFlexible);
}

Result<MetadataResponse::Partition> ReadPartition(WireReader& reader, int16_t version) {
  MetadataResponse::Partition p;
  ASSIGN_OR_RETURN(p.error_code, reader.ReadInt16());
  ASSIGN_OR_RETURN(p.partition_index, reader.ReadInt32());
  ASSIGN_OR_RETURN(p.leader_id, reader.ReadInt32());
  if (version >= 7) {
    ASSIGN_OR_RETURN(p.leader_epoch, reader.ReadInt32());
  }
  ASSIGN_OR_RETURN(p.replica_nodes, ReadInt32Array(reader, kFlexible));
  ASSIGN_OR_RETURN(p.isr_nodes, ReadInt32Array(reader, kFlexible));
  if (version >= 5) {
    ASSIGN_OR_RETURN(p.offline_replicas, ReadInt32Array(reader, kFlexible));
  }
  return p;
}

void WritePartition(WireWriter& writer, const MetadataResponse::Partition& p, int16_t version) {
  writer.WriteInt16(p.error_code);
  writer.WriteInt32(p.partition_index);
  writer.WriteInt32(p.leader_id);
  if (version >= 7) writer.WriteInt32(p.leader_epoch);
  WriteInt32Array(writer, p.replica_nodes, kFlexible);
  WriteInt32Array(writer, p.isr_nodes, kFlexible);
  if (version >= 5) WriteInt32Array(writer, p.offline_replicas, kFlexible);
}

Result<MetadataResponse::Topic> ReadTopic(WireReader& reader, int16_t version) {
  MetadataResponse::Topic topic;
  ASSIGN_OR_RETURN(topic.error_code, reader.ReadInt16());
  ASSIGN_OR_RETURN(topic.name, reader.ReadString());
  if (version >= 1) {
    ASSIGN_OR_RETURN(topic.is_internal, reader.ReadBool());
  }
  ASSIGN_OR_RETURN(topic.partitions,
                   ReadArray<MetadataResponse::Partition>(
                       reader, kFlexible, kPartitionMinBytes,
                       [version](WireReader& r) { return ReadPartition(r, version); }));
  if (version >= 8) {
    ASSIGN_OR_RETURN(topic.topic_authorized_operations, reader.ReadInt32());
  }
  return topic;
}

void WriteTopic(WireWriter& writer, const MetadataResponse::Topic& topic, int16_t version) {
  writer.WriteInt16(topic.error_code);
  writer.WriteString(topic.name, kFlexible);
  if (version >= 1) writer.WriteBool(topic.is_internal);
  WriteArray(writer, topic.partitions, kFlexible,
             [version](WireWriter& w, const MetadataResponse::Partition& p) {
               WritePartition(w, p, version);
             });
  if (version >= 8) writer.WriteInt32(topic.topic_authorized_operations);
}

}  // namespace

Result<MetadataRequest> DecodeMetadataRequest(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckCodecVersion("Metadata", version, kMetadataMaxVersion));
  MetadataRequest request;
  // A null list at v0 is out of spec; it is read as "every topic", as an empty one is.
  ASSIGN_OR_RETURN(request.topics, ReadNullableStringArray(reader, kFlexible));
  if (version == 0 && request.topics && request.topics->empty()) request.topics.reset();
  if (version >= 4) {
    ASSIGN_OR_RETURN(request.allow_auto_topic_creation, reader.ReadBool());
  }
  if (version >= 8) {
    ASSIGN_OR_RETURN(request.include_cluster_authorized_operations, reader.ReadBool());
    ASSIGN_OR_RETURN(request.include_topic_authorized_operations, reader.ReadBool());
  }
  return request;
}

void EncodeMetadataRequest(WireWriter& writer, const MetadataRequest& request, int16_t version) {
  CHECK(CheckCodecVersion("Metadata", version, kMetadataMaxVersion).ok());
  if (version == 0) {
    WriteStringArray(writer, request.topics.value_or(std::vector<std::string>()), kFlexible);
  } else {
    WriteNullableStringArray(writer, request.topics, kFlexible);
  }
  if (version >= 4) writer.WriteBool(request.allow_auto_topic_creation);
  if (version >= 8) {
    writer.WriteBool(request.include_cluster_authorized_operations);
    writer.WriteBool(request.include_topic_authorized_operations);
  }
}

void EncodeMetadataResponse(WireWriter& writer, const MetadataResponse& response, int16_t version) {
  CHECK(CheckCodecVersion("Metadata", version, kMetadataMaxVersion).ok());
  if (version >= 3) writer.WriteInt32(response.throttle_time_ms);
  WriteArray(
      writer, response.brokers, kFlexible,
      [version](WireWriter& w, const MetadataResponse::Broker& b) { WriteBroker(w, b, version); });
  if (version >= 2) writer.WriteNullableString(response.cluster_id, kFlexible);
  if (version >= 1) writer.WriteInt32(response.controller_id);
  WriteArray(
      writer, response.topics, kFlexible,
      [version](WireWriter& w, const MetadataResponse::Topic& t) { WriteTopic(w, t, version); });
  if (version >= 8) writer.WriteInt32(response.cluster_authorized_operations);
}

Result<MetadataResponse> DecodeMetadataResponse(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckCodecVersion("Metadata", version, kMetadataMaxVersion));
  MetadataResponse response;
  if (version >= 3) {
    ASSIGN_OR_RETURN(response.throttle_time_ms, reader.ReadInt32());
  }
  ASSIGN_OR_RETURN(response.brokers,
                   ReadArray<MetadataResponse::Broker>(
                       reader, kFlexible, kBrokerMinBytes,
                       [version](WireReader& r) { return ReadBroker(r, version); }));
  if (version >= 2) {
    ASSIGN_OR_RETURN(response.cluster_id, reader.ReadNullableString());
  }
  if (version >= 1) {
    ASSIGN_OR_RETURN(response.controller_id, reader.ReadInt32());
  }
  ASSIGN_OR_RETURN(response.topics,
                   ReadArray<MetadataResponse::Topic>(
                       reader, kFlexible, kTopicMinBytes,
                       [version](WireReader& r) { return ReadTopic(r, version); }));
  if (version >= 8) {
    ASSIGN_OR_RETURN(response.cluster_authorized_operations, reader.ReadInt32());
  }
  return response;
}

}  // namespace ringlog
