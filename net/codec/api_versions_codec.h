// ApiVersions (key 18), versions 0-3: the client asks which versions of every API the
// broker serves. Version 3 is flexible (compact strings and arrays, tagged fields), but
// its response still travels under a v0 response header (see request_header.h).
//
// A broker that cannot read the requested ApiVersions version answers in the version 0
// body layout with UNSUPPORTED_VERSION and its own ApiVersions range, so that the client
// can retry with a version both sides know (KIP-511). EncodeApiVersionsFallbackResponse
// writes that reply, and DecodeApiVersionsResponse recognises it at any version.
//
// The functions are pure: they read or write the body only (headers are separate).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/status.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog {

inline constexpr int16_t kApiVersionsMinVersion = 0;
inline constexpr int16_t kApiVersionsMaxVersion = 3;
inline constexpr int16_t kApiVersionsFirstFlexibleVersion = 3;

// The versions served for one API key.
struct ApiVersionRange {
  int16_t api_key = 0;
  int16_t min_version = 0;
  int16_t max_version = 0;

  bool operator==(const ApiVersionRange&) const = default;
};

struct ApiVersionsRequest {
  // v3+: who the client is ("librdkafka", "2.0.2"). Empty below v3.
  std::string client_software_name;
  std::string client_software_version;

  bool operator==(const ApiVersionsRequest&) const = default;
};

struct ApiVersionsResponse {
  int16_t error_code = 0;
  std::vector<ApiVersionRange> api_keys;
  int32_t throttle_time_ms = 0;  // v1+

  bool operator==(const ApiVersionsResponse&) const = default;
};

// Decoders return NotSupported for a version outside 0..kApiVersionsMaxVersion and
// InvalidArgument for malformed or truncated input. They leave `reader` after the body;
// spans and strings they return do not point into the buffer.
Result<ApiVersionsRequest> DecodeApiVersionsRequest(WireReader& reader, int16_t version);
// REQUIRES (encoders): 0 <= version <= kApiVersionsMaxVersion.
void EncodeApiVersionsRequest(WireWriter& writer, const ApiVersionsRequest& request,
                              int16_t version);

void EncodeApiVersionsResponse(WireWriter& writer, const ApiVersionsResponse& response,
                               int16_t version);
// A body with UNSUPPORTED_VERSION at `version` is read in the version 0 layout, which is
// how brokers answer versions they do not know; its throttle time is then 0.
Result<ApiVersionsResponse> DecodeApiVersionsResponse(WireReader& reader, int16_t version);

// The reply to an ApiVersions request whose version the broker cannot read: the version 0
// body with UNSUPPORTED_VERSION and one entry, the broker's own ApiVersions range.
void EncodeApiVersionsFallbackResponse(WireWriter& writer, const ApiVersionRange& own_range);

}  // namespace ringlog
