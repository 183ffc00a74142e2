// The part of ApiVersions that is meaning, not layout (KIP-511): a broker that cannot read
// the requested ApiVersions version answers in the version 0 body layout with
// UNSUPPORTED_VERSION and its own ApiVersions range, so that the client can retry with a
// version both sides know; and a reader of a reply must recognise that answer at any
// version.
#pragma once

#include <cstdint>

#include "engine/status.h"
#include "net/codec/api_versions_codec.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog {

using ApiVersionRange = ApiVersionsResponse::ApiVersionRange;

// The reply to an ApiVersions request whose version the broker cannot read: the version 0
// body with UNSUPPORTED_VERSION and one entry, the broker's own ApiVersions range.
void EncodeApiVersionsFallbackResponse(WireWriter& writer, const ApiVersionRange& own_range);

// Decodes a reply to an ApiVersions request sent at `version`: a body with
// UNSUPPORTED_VERSION is read in the version 0 layout (its throttle time is then 0).
Result<ApiVersionsResponse> DecodeApiVersionsReply(WireReader& reader, int16_t version);

}  // namespace ringlog
