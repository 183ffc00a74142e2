#include "net/codec/alter_configs_codec.h"

#include <glog/logging.h>

#include "net/codec/codec_version.h"
#include "net/codec/wire_array.h"

namespace ringlog {
namespace {

// No version in range is flexible.
constexpr bool kFlexible = false;

// Smallest encodings of the array elements (empty strings and arrays, null values).
constexpr size_t kConfigMinBytes = 2 + 2;
constexpr size_t kResourceMinBytes = 1 + 2 + 4;
constexpr size_t kResourceResultMinBytes = 2 + 2 + 1 + 2;

Result<AlterConfigsRequest::Config> ReadConfig(WireReader& reader) {
  AlterConfigsRequest::Config c;
  ASSIGN_OR_RETURN(c.name, reader.ReadString());
  ASSIGN_OR_RETURN(c.value, reader.ReadNullableString());
  return c;
}

void WriteConfig(WireWriter& writer, const AlterConfigsRequest::Config& c) {
  writer.WriteString(c.name, kFlexible);
  writer.WriteNullableString(c.value, kFlexible);
}

Result<AlterConfigsRequest::Resource> ReadResource(WireReader& reader) {
  AlterConfigsRequest::Resource r;
  ASSIGN_OR_RETURN(r.resource_type, reader.ReadInt8());
  ASSIGN_OR_RETURN(r.resource_name, reader.ReadString());
  ASSIGN_OR_RETURN(r.configs, ReadArray<AlterConfigsRequest::Config>(reader, kFlexible,
                                                                     kConfigMinBytes, ReadConfig));
  return r;
}

void WriteResource(WireWriter& writer, const AlterConfigsRequest::Resource& r) {
  writer.WriteInt8(r.resource_type);
  writer.WriteString(r.resource_name, kFlexible);
  WriteArray(writer, r.configs, kFlexible, WriteConfig);
}

Result<AlterConfigsResponse::ResourceResult> ReadResourceResult(WireReader& reader) {
  AlterConfigsResponse::ResourceResult r;
  ASSIGN_OR_RETURN(r.error_code, reader.ReadInt16());
  ASSIGN_OR_RETURN(r.error_message, reader.ReadNullableString());
  ASSIGN_OR_RETURN(r.resource_type, reader.ReadInt8());
  ASSIGN_OR_RETURN(r.resource_name, reader.ReadString());
  return r;
}

void WriteResourceResult(WireWriter& writer, const AlterConfigsResponse::ResourceResult& r) {
  writer.WriteInt16(r.error_code);
  writer.WriteNullableString(r.error_message, kFlexible);
  writer.WriteInt8(r.resource_type);
  writer.WriteString(r.resource_name, kFlexible);
}

}  // namespace

Result<AlterConfigsRequest> DecodeAlterConfigsRequest(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckCodecVersion("AlterConfigs", version, kAlterConfigsMaxVersion));
  AlterConfigsRequest request;
  ASSIGN_OR_RETURN(request.resources, ReadArray<AlterConfigsRequest::Resource>(
                                          reader, kFlexible, kResourceMinBytes, ReadResource));
  ASSIGN_OR_RETURN(request.validate_only, reader.ReadBool());
  return request;
}

void EncodeAlterConfigsRequest(WireWriter& writer, const AlterConfigsRequest& request,
                               int16_t version) {
  CHECK(CheckCodecVersion("AlterConfigs", version, kAlterConfigsMaxVersion).ok());
  WriteArray(writer, request.resources, kFlexible, WriteResource);
  writer.WriteBool(request.validate_only);
}

void EncodeAlterConfigsResponse(WireWriter& writer, const AlterConfigsResponse& response,
                                int16_t version) {
  CHECK(CheckCodecVersion("AlterConfigs", version, kAlterConfigsMaxVersion).ok());
  writer.WriteInt32(response.throttle_time_ms);
  WriteArray(writer, response.responses, kFlexible, WriteResourceResult);
}

Result<AlterConfigsResponse> DecodeAlterConfigsResponse(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckCodecVersion("AlterConfigs", version, kAlterConfigsMaxVersion));
  AlterConfigsResponse response;
  ASSIGN_OR_RETURN(response.throttle_time_ms, reader.ReadInt32());
  ASSIGN_OR_RETURN(response.responses,
                   ReadArray<AlterConfigsResponse::ResourceResult>(
                       reader, kFlexible, kResourceResultMinBytes, ReadResourceResult));
  return response;
}

}  // namespace ringlog
