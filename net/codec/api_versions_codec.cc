#include "net/codec/api_versions_codec.h"

#include <glog/logging.h>

#include "net/codec/codec_version.h"
#include "net/codec/error_code.h"
#include "net/codec/wire_array.h"

namespace ringlog {
namespace {

bool IsFlexible(int16_t version) { return version >= kApiVersionsFirstFlexibleVersion; }

Result<ApiVersionRange> ReadRange(WireReader& reader, bool flexible) {
  ApiVersionRange range;
  ASSIGN_OR_RETURN(range.api_key, reader.ReadInt16());
  ASSIGN_OR_RETURN(range.min_version, reader.ReadInt16());
  ASSIGN_OR_RETURN(range.max_version, reader.ReadInt16());
  if (flexible) RETURN_IF_ERROR(reader.SkipTaggedFields());
  return range;
}

void WriteRange(WireWriter& writer, const ApiVersionRange& range, bool flexible) {
  writer.WriteInt16(range.api_key);
  writer.WriteInt16(range.min_version);
  writer.WriteInt16(range.max_version);
  if (flexible) writer.WriteEmptyTaggedFields();
}

// Three int16, plus the element's tag section when flexible.
size_t RangeMinBytes(bool flexible) { return flexible ? 7 : 6; }

}  // namespace

Result<ApiVersionsRequest> DecodeApiVersionsRequest(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckCodecVersion("ApiVersions", version, kApiVersionsMaxVersion));
  ApiVersionsRequest request;
  if (IsFlexible(version)) {
    ASSIGN_OR_RETURN(request.client_software_name, reader.ReadCompactString());
    ASSIGN_OR_RETURN(request.client_software_version, reader.ReadCompactString());
    RETURN_IF_ERROR(reader.SkipTaggedFields());
  }
  return request;
}

void EncodeApiVersionsRequest(WireWriter& writer, const ApiVersionsRequest& request,
                              int16_t version) {
  CHECK(CheckCodecVersion("ApiVersions", version, kApiVersionsMaxVersion).ok());
  if (IsFlexible(version)) {
    writer.WriteString(request.client_software_name, /*flexible=*/true);
    writer.WriteString(request.client_software_version, /*flexible=*/true);
    writer.WriteEmptyTaggedFields();
  }
}

void EncodeApiVersionsResponse(WireWriter& writer, const ApiVersionsResponse& response,
                               int16_t version) {
  CHECK(CheckCodecVersion("ApiVersions", version, kApiVersionsMaxVersion).ok());
  const bool flexible = IsFlexible(version);
  writer.WriteInt16(response.error_code);
  WriteArray(writer, response.api_keys, flexible,
             [flexible](WireWriter& w, const ApiVersionRange& r) { WriteRange(w, r, flexible); });
  if (version >= 1) writer.WriteInt32(response.throttle_time_ms);
  if (flexible) writer.WriteEmptyTaggedFields();
}

Result<ApiVersionsResponse> DecodeApiVersionsResponse(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckCodecVersion("ApiVersions", version, kApiVersionsMaxVersion));
  ApiVersionsResponse response;
  ASSIGN_OR_RETURN(response.error_code, reader.ReadInt16());
  if (response.error_code == ToWire(ErrorCode::kUnsupportedVersion)) version = 0;
  const bool flexible = IsFlexible(version);
  ASSIGN_OR_RETURN(
      response.api_keys,
      ReadArray<ApiVersionRange>(reader, flexible, RangeMinBytes(flexible),
                                 [flexible](WireReader& r) { return ReadRange(r, flexible); }));
  if (version >= 1) {
    ASSIGN_OR_RETURN(response.throttle_time_ms, reader.ReadInt32());
  }
  if (flexible) RETURN_IF_ERROR(reader.SkipTaggedFields());
  return response;
}

void EncodeApiVersionsFallbackResponse(WireWriter& writer, const ApiVersionRange& own_range) {
  ApiVersionsResponse response;
  response.error_code = ToWire(ErrorCode::kUnsupportedVersion);
  response.api_keys.push_back(own_range);
  EncodeApiVersionsResponse(writer, response, /*version=*/0);
}

}  // namespace ringlog
