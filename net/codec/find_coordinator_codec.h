// FindCoordinator (API key 10): a client asks which broker coordinates a consumer group (key
// type 0) or a transactional id (key type 1). ringlog codes versions 0-2, none of them
// flexible. v1 adds the key type to the request and the throttle time and error message to
// the response; v2 changes nothing on the wire.
//
// Decoders return NotSupported for a version outside 0-2 and InvalidArgument for malformed
// or truncated input; encoders CHECK the version (the dispatcher rejects others first).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/status.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog {

inline constexpr int16_t kFindCoordinatorMinVersion = 0;
inline constexpr int16_t kFindCoordinatorMaxVersion = 2;

// FindCoordinator's key types.
inline constexpr int8_t kCoordinatorKeyGroup = 0;
inline constexpr int8_t kCoordinatorKeyTransaction = 1;

struct FindCoordinatorRequest {
  std::string key;                         // the group id or transactional id
  int8_t key_type = kCoordinatorKeyGroup;  // v1+; v0 always means a group

  bool operator==(const FindCoordinatorRequest&) const = default;
};

struct FindCoordinatorResponse {
  int32_t throttle_time_ms = 0;  // v1+
  int16_t error_code = 0;
  std::optional<std::string> error_message;  // v1+
  int32_t node_id = 0;
  std::string host;
  int32_t port = 0;

  bool operator==(const FindCoordinatorResponse&) const = default;
};

Result<FindCoordinatorRequest> DecodeFindCoordinatorRequest(WireReader& reader, int16_t version);
void EncodeFindCoordinatorRequest(WireWriter& writer, const FindCoordinatorRequest& request,
                                  int16_t version);
void EncodeFindCoordinatorResponse(WireWriter& writer, const FindCoordinatorResponse& response,
                                   int16_t version);
Result<FindCoordinatorResponse> DecodeFindCoordinatorResponse(WireReader& reader, int16_t version);

}  // namespace ringlog
