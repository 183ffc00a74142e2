// Kafka request headers (v1, and v2 for flexible API versions) and response headers (v0,
// and v1 for flexible versions, except ApiVersions which always answers with v0).
//
// Whether a header is flexible depends on the API's version, which is only known after
// the first fields are read, so decoding takes two steps.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/status.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog {

struct RequestHeader {
  int16_t api_key = 0;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
  std::optional<std::string> client_id;
};

// Reads api_key, api_version and correlation_id. InvalidArgument when the frame is shorter.
Result<RequestHeader> DecodeRequestHeaderPrefix(WireReader& reader);
// Whether the request header of API `api_key` at `api_version` goes on after the
// correlation id: every one does but ControlledShutdown v0's (request header v0, which
// has no client id).
bool RequestHeaderHasRest(int16_t api_key, int16_t api_version);
// Reads the rest: client_id (always a classic nullable string, even in v2) and, when
// `flexible`, the header's tagged fields. Leaves `reader` at the start of the body.
Status DecodeRequestHeaderRest(WireReader& reader, bool flexible, RequestHeader* header);

// Writes the response header: correlation_id, then an empty tag section when `flexible`.
void EncodeResponseHeader(WireWriter& writer, int32_t correlation_id, bool flexible);

// The request header as a client writes it (for tests and the load generator).
void EncodeRequestHeader(WireWriter& writer, const RequestHeader& header, bool flexible);

}  // namespace ringlog
