#include "net/codec/api_versions_fallback.h"

#include "net/codec/error_code.h"

namespace ringlog {

void EncodeApiVersionsFallbackResponse(WireWriter& writer, const ApiVersionRange& own_range) {
  ApiVersionsResponse response;
  response.error_code = ToWire(ErrorCode::kUnsupportedVersion);
  response.api_keys.push_back(own_range);
  EncodeApiVersionsResponse(writer, response, /*version=*/0);
}

Result<ApiVersionsResponse> DecodeApiVersionsReply(WireReader& reader, int16_t version) {
  // The error code leads the body in every version: peek at it on a copy of the reader.
  WireReader peek = reader;
  ASSIGN_OR_RETURN(int16_t error_code, peek.ReadInt16());
  if (error_code == ToWire(ErrorCode::kUnsupportedVersion)) version = 0;
  return DecodeApiVersionsResponse(reader, version);
}

}  // namespace ringlog
