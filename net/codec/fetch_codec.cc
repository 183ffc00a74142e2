#include "net/codec/fetch_codec.h"

#include <glog/logging.h>

#include "net/codec/codec_version.h"
#include "net/codec/wire_array.h"

namespace ringlog {
namespace {

// No version in range is flexible.
constexpr bool kFlexible = false;

// Smallest encodings of the array elements (empty names, empty arrays, empty records).
constexpr size_t kTopicMinBytes = 2 + 4;
constexpr size_t kRequestPartitionMinBytes = 4 + 8 + 4;
constexpr size_t kForgottenTopicMinBytes = 2 + 4;
constexpr size_t kResponsePartitionMinBytes = 4 + 2 + 8 + 4;
constexpr size_t kAbortedTransactionBytes = 8 + 8;

Result<FetchRequest::Partition> ReadRequestPartition(WireReader& reader, int16_t version) {
  FetchRequest::Partition p;
  ASSIGN_OR_RETURN(p.partition, reader.ReadInt32());
  if (version >= 9) {
    ASSIGN_OR_RETURN(p.current_leader_epoch, reader.ReadInt32());
  }
  ASSIGN_OR_RETURN(p.fetch_offset, reader.ReadInt64());
  if (version >= 5) {
    ASSIGN_OR_RETURN(p.log_start_offset, reader.ReadInt64());
  }
  ASSIGN_OR_RETURN(p.partition_max_bytes, reader.ReadInt32());
  return p;
}

void WriteRequestPartition(WireWriter& writer, const FetchRequest::Partition& p, int16_t version) {
  writer.WriteInt32(p.partition);
  if (version >= 9) writer.WriteInt32(p.current_leader_epoch);
  writer.WriteInt64(p.fetch_offset);
  if (version >= 5) writer.WriteInt64(p.log_start_offset);
  writer.WriteInt32(p.partition_max_bytes);
}

Result<FetchRequest::Topic> ReadRequestTopic(WireReader& reader, int16_t version) {
  FetchRequest::Topic topic;
  ASSIGN_OR_RETURN(topic.topic, reader.ReadString());
  ASSIGN_OR_RETURN(topic.partitions,
                   ReadArray<FetchRequest::Partition>(
                       reader, kFlexible, kRequestPartitionMinBytes,
                       [version](WireReader& r) { return ReadRequestPartition(r, version); }));
  return topic;
}

void WriteRequestTopic(WireWriter& writer, const FetchRequest::Topic& t, int16_t version) {
  writer.WriteString(t.topic, kFlexible);
  WriteArray(writer, t.partitions, kFlexible,
             [version](WireWriter& w, const FetchRequest::Partition& p) {
               WriteRequestPartition(w, p, version);
             });
}

Result<FetchRequest::ForgottenTopic> ReadForgottenTopic(WireReader& reader) {
  FetchRequest::ForgottenTopic topic;
  ASSIGN_OR_RETURN(topic.topic, reader.ReadString());
  ASSIGN_OR_RETURN(topic.partitions, ReadInt32Array(reader, kFlexible));
  return topic;
}

void WriteForgottenTopic(WireWriter& writer, const FetchRequest::ForgottenTopic& t) {
  writer.WriteString(t.topic, kFlexible);
  WriteInt32Array(writer, t.partitions, kFlexible);
}

Result<FetchResponse::AbortedTransaction> ReadAbortedTransaction(WireReader& reader) {
  FetchResponse::AbortedTransaction t;
  ASSIGN_OR_RETURN(t.producer_id, reader.ReadInt64());
  ASSIGN_OR_RETURN(t.first_offset, reader.ReadInt64());
  return t;
}

void WriteAbortedTransaction(WireWriter& writer, const FetchResponse::AbortedTransaction& t) {
  writer.WriteInt64(t.producer_id);
  writer.WriteInt64(t.first_offset);
}

Result<FetchResponse::Partition> ReadResponsePartition(WireReader& reader, int16_t version) {
  FetchResponse::Partition p;
  ASSIGN_OR_RETURN(p.partition_index, reader.ReadInt32());
  ASSIGN_OR_RETURN(p.error_code, reader.ReadInt16());
  ASSIGN_OR_RETURN(p.high_watermark, reader.ReadInt64());
  if (version >= 4) {
    ASSIGN_OR_RETURN(p.last_stable_offset, reader.ReadInt64());
  }
  if (version >= 5) {
    ASSIGN_OR_RETURN(p.log_start_offset, reader.ReadInt64());
  }
  if (version >= 4) {
    ASSIGN_OR_RETURN(p.aborted_transactions,
                     ReadNullableArray<FetchResponse::AbortedTransaction>(
                         reader, kFlexible, kAbortedTransactionBytes, ReadAbortedTransaction));
  }
  if (version >= 11) {
    ASSIGN_OR_RETURN(p.preferred_read_replica, reader.ReadInt32());
  }
  ASSIGN_OR_RETURN(std::optional<std::span<const uint8_t>> records,
                   reader.ReadNullableBytes(kFlexible));
  if (records) {
    p.records.data = std::string(reinterpret_cast<const char*>(records->data()), records->size());
  }
  return p;
}

Result<FetchResponse::Topic> ReadResponseTopic(WireReader& reader, int16_t version) {
  FetchResponse::Topic topic;
  ASSIGN_OR_RETURN(topic.topic, reader.ReadString());
  ASSIGN_OR_RETURN(topic.partitions,
                   ReadArray<FetchResponse::Partition>(
                       reader, kFlexible, kResponsePartitionMinBytes,
                       [version](WireReader& r) { return ReadResponsePartition(r, version); }));
  return topic;
}

// Writes one partition's fields up to and including the records' length prefix; the
// records themselves go into the frame as a part of their own.
void WriteResponsePartitionHeader(WireWriter& writer, const FetchResponse::Partition& p,
                                  int16_t version) {
  writer.WriteInt32(p.partition_index);
  writer.WriteInt16(p.error_code);
  writer.WriteInt64(p.high_watermark);
  if (version >= 4) writer.WriteInt64(p.last_stable_offset);
  if (version >= 5) writer.WriteInt64(p.log_start_offset);
  if (version >= 4) {
    WriteNullableArray(writer, p.aborted_transactions, kFlexible, WriteAbortedTransaction);
  }
  if (version >= 11) writer.WriteInt32(p.preferred_read_replica);
  const uint64_t size = p.records.size_bytes();
  CHECK_LE(size, static_cast<uint64_t>(std::numeric_limits<int32_t>::max()));
  writer.WriteInt32(static_cast<int32_t>(size));
}

}  // namespace

Result<FetchRequest> DecodeFetchRequest(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckCodecVersion("Fetch", version, kFetchMaxVersion));
  FetchRequest request;
  ASSIGN_OR_RETURN(request.replica_id, reader.ReadInt32());
  ASSIGN_OR_RETURN(request.max_wait_ms, reader.ReadInt32());
  ASSIGN_OR_RETURN(request.min_bytes, reader.ReadInt32());
  if (version >= 3) {
    ASSIGN_OR_RETURN(request.max_bytes, reader.ReadInt32());
  }
  if (version >= 4) {
    ASSIGN_OR_RETURN(request.isolation_level, reader.ReadInt8());
  }
  if (version >= 7) {
    ASSIGN_OR_RETURN(request.session_id, reader.ReadInt32());
    ASSIGN_OR_RETURN(request.session_epoch, reader.ReadInt32());
  }
  ASSIGN_OR_RETURN(request.topics, ReadArray<FetchRequest::Topic>(
                                       reader, kFlexible, kTopicMinBytes, [version](WireReader& r) {
                                         return ReadRequestTopic(r, version);
                                       }));
  if (version >= 7) {
    ASSIGN_OR_RETURN(request.forgotten_topics,
                     ReadArray<FetchRequest::ForgottenTopic>(
                         reader, kFlexible, kForgottenTopicMinBytes, ReadForgottenTopic));
  }
  if (version >= 11) {
    ASSIGN_OR_RETURN(request.rack_id, reader.ReadString());
  }
  return request;
}

void EncodeFetchRequest(WireWriter& writer, const FetchRequest& request, int16_t version) {
  CHECK(CheckCodecVersion("Fetch", version, kFetchMaxVersion).ok());
  writer.WriteInt32(request.replica_id);
  writer.WriteInt32(request.max_wait_ms);
  writer.WriteInt32(request.min_bytes);
  if (version >= 3) writer.WriteInt32(request.max_bytes);
  if (version >= 4) writer.WriteInt8(request.isolation_level);
  if (version >= 7) {
    writer.WriteInt32(request.session_id);
    writer.WriteInt32(request.session_epoch);
  }
  WriteArray(
      writer, request.topics, kFlexible,
      [version](WireWriter& w, const FetchRequest::Topic& t) { WriteRequestTopic(w, t, version); });
  if (version >= 7) WriteArray(writer, request.forgotten_topics, kFlexible, WriteForgottenTopic);
  if (version >= 11) writer.WriteString(request.rack_id, kFlexible);
}

void EncodeFetchResponse(OutboundFrame& frame, const FetchResponse& response, int16_t version) {
  CHECK(CheckCodecVersion("Fetch", version, kFetchMaxVersion).ok());
  {
    WireWriter writer(frame.bytes());
    if (version >= 1) writer.WriteInt32(response.throttle_time_ms);
    if (version >= 7) {
      writer.WriteInt16(response.error_code);
      writer.WriteInt32(response.session_id);
    }
    writer.WriteArrayLength(static_cast<int32_t>(response.topics.size()), kFlexible);
  }
  for (const FetchResponse::Topic& topic : response.topics) {
    {
      WireWriter writer(frame.bytes());
      writer.WriteString(topic.topic, kFlexible);
      writer.WriteArrayLength(static_cast<int32_t>(topic.partitions.size()), kFlexible);
    }
    for (const FetchResponse::Partition& p : topic.partitions) {
      // bytes() is re-fetched after every AppendRecords, which may start a new part.
      WireWriter writer(frame.bytes());
      WriteResponsePartitionHeader(writer, p, version);
      frame.AppendRecords(p.records);
    }
  }
}

Result<FetchResponse> DecodeFetchResponse(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckCodecVersion("Fetch", version, kFetchMaxVersion));
  FetchResponse response;
  if (version >= 1) {
    ASSIGN_OR_RETURN(response.throttle_time_ms, reader.ReadInt32());
  }
  if (version >= 7) {
    ASSIGN_OR_RETURN(response.error_code, reader.ReadInt16());
    ASSIGN_OR_RETURN(response.session_id, reader.ReadInt32());
  }
  ASSIGN_OR_RETURN(
      response.topics,
      ReadArray<FetchResponse::Topic>(reader, kFlexible, kTopicMinBytes, [version](WireReader& r) {
        return ReadResponseTopic(r, version);
      }));
  return response;
}

}  // namespace ringlog
