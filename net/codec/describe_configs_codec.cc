#include "net/codec/describe_configs_codec.h"

#include <glog/logging.h>

#include "net/codec/codec_version.h"
#include "net/codec/wire_array.h"

namespace ringlog {
namespace {

// No version in range is flexible.
constexpr bool kFlexible = false;

// Smallest encodings of the array elements (empty strings and arrays, null values).
constexpr size_t kResourceMinBytes = 1 + 2 + 4;
constexpr size_t kSynonymMinBytes = 2 + 2 + 1;
constexpr size_t kEntryMinBytes = 2 + 2 + 1 + 1 + 1;
constexpr size_t kResourceResultMinBytes = 2 + 2 + 1 + 2 + 4;

Result<DescribeConfigsRequest::Resource> ReadResource(WireReader& reader) {
  DescribeConfigsRequest::Resource r;
  ASSIGN_OR_RETURN(r.resource_type, reader.ReadInt8());
  ASSIGN_OR_RETURN(r.resource_name, reader.ReadString());
  ASSIGN_OR_RETURN(r.configuration_keys, ReadNullableStringArray(reader, kFlexible));
  return r;
}

void WriteResource(WireWriter& writer, const DescribeConfigsRequest::Resource& r) {
  writer.WriteInt8(r.resource_type);
  writer.WriteString(r.resource_name, kFlexible);
  WriteNullableStringArray(writer, r.configuration_keys, kFlexible);
}

Result<DescribeConfigsResponse::Synonym> ReadSynonym(WireReader& reader) {
  DescribeConfigsResponse::Synonym s;
  ASSIGN_OR_RETURN(s.name, reader.ReadString());
  ASSIGN_OR_RETURN(s.value, reader.ReadNullableString());
  ASSIGN_OR_RETURN(s.source, reader.ReadInt8());
  return s;
}

void WriteSynonym(WireWriter& writer, const DescribeConfigsResponse::Synonym& s) {
  writer.WriteString(s.name, kFlexible);
  writer.WriteNullableString(s.value, kFlexible);
  writer.WriteInt8(s.source);
}

Result<DescribeConfigsResponse::Entry> ReadEntry(WireReader& reader, int16_t version) {
  DescribeConfigsResponse::Entry e;
  ASSIGN_OR_RETURN(e.name, reader.ReadString());
  ASSIGN_OR_RETURN(e.value, reader.ReadNullableString());
  ASSIGN_OR_RETURN(e.read_only, reader.ReadBool());
  if (version == 0) {
    ASSIGN_OR_RETURN(e.is_default, reader.ReadBool());
  } else {
    ASSIGN_OR_RETURN(e.config_source, reader.ReadInt8());
  }
  ASSIGN_OR_RETURN(e.is_sensitive, reader.ReadBool());
  if (version >= 1) {
    ASSIGN_OR_RETURN(e.synonyms, ReadArray<DescribeConfigsResponse::Synonym>(
                                     reader, kFlexible, kSynonymMinBytes, ReadSynonym));
  }
  return e;
}

void WriteEntry(WireWriter& writer, const DescribeConfigsResponse::Entry& e, int16_t version) {
  writer.WriteString(e.name, kFlexible);
  writer.WriteNullableString(e.value, kFlexible);
  writer.WriteBool(e.read_only);
  if (version == 0) {
    writer.WriteBool(e.is_default);
  } else {
    writer.WriteInt8(e.config_source);
  }
  writer.WriteBool(e.is_sensitive);
  if (version >= 1) WriteArray(writer, e.synonyms, kFlexible, WriteSynonym);
}

Result<DescribeConfigsResponse::ResourceResult> ReadResourceResult(WireReader& reader,
                                                                   int16_t version) {
  DescribeConfigsResponse::ResourceResult r;
  ASSIGN_OR_RETURN(r.error_code, reader.ReadInt16());
  ASSIGN_OR_RETURN(r.error_message, reader.ReadNullableString());
  ASSIGN_OR_RETURN(r.resource_type, reader.ReadInt8());
  ASSIGN_OR_RETURN(r.resource_name, reader.ReadString());
  ASSIGN_OR_RETURN(r.configs, ReadArray<DescribeConfigsResponse::Entry>(
                                  reader, kFlexible, kEntryMinBytes,
                                  [version](WireReader& er) { return ReadEntry(er, version); }));
  return r;
}

void WriteResourceResult(WireWriter& writer, const DescribeConfigsResponse::ResourceResult& r,
                         int16_t version) {
  writer.WriteInt16(r.error_code);
  writer.WriteNullableString(r.error_message, kFlexible);
  writer.WriteInt8(r.resource_type);
  writer.WriteString(r.resource_name, kFlexible);
  WriteArray(writer, r.configs, kFlexible,
             [version](WireWriter& w, const DescribeConfigsResponse::Entry& e) {
               WriteEntry(w, e, version);
             });
}

}  // namespace

Result<DescribeConfigsRequest> DecodeDescribeConfigsRequest(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckCodecVersion("DescribeConfigs", version, kDescribeConfigsMaxVersion));
  DescribeConfigsRequest request;
  ASSIGN_OR_RETURN(request.resources, ReadArray<DescribeConfigsRequest::Resource>(
                                          reader, kFlexible, kResourceMinBytes, ReadResource));
  if (version >= 1) {
    ASSIGN_OR_RETURN(request.include_synonyms, reader.ReadBool());
  }
  return request;
}

void EncodeDescribeConfigsRequest(WireWriter& writer, const DescribeConfigsRequest& request,
                                  int16_t version) {
  CHECK(CheckCodecVersion("DescribeConfigs", version, kDescribeConfigsMaxVersion).ok());
  WriteArray(writer, request.resources, kFlexible, WriteResource);
  if (version >= 1) writer.WriteBool(request.include_synonyms);
}

void EncodeDescribeConfigsResponse(WireWriter& writer, const DescribeConfigsResponse& response,
                                   int16_t version) {
  CHECK(CheckCodecVersion("DescribeConfigs", version, kDescribeConfigsMaxVersion).ok());
  writer.WriteInt32(response.throttle_time_ms);
  WriteArray(writer, response.results, kFlexible,
             [version](WireWriter& w, const DescribeConfigsResponse::ResourceResult& r) {
               WriteResourceResult(w, r, version);
             });
}

Result<DescribeConfigsResponse> DecodeDescribeConfigsResponse(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckCodecVersion("DescribeConfigs", version, kDescribeConfigsMaxVersion));
  DescribeConfigsResponse response;
  ASSIGN_OR_RETURN(response.throttle_time_ms, reader.ReadInt32());
  ASSIGN_OR_RETURN(response.results,
                   ReadArray<DescribeConfigsResponse::ResourceResult>(
                       reader, kFlexible, kResourceResultMinBytes,
                       [version](WireReader& r) { return ReadResourceResult(r, version); }));
  return response;
}

}  // namespace ringlog
