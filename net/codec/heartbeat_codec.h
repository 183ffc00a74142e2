// Heartbeat (API key 12): a group member tells the coordinator it is alive; the error code
// tells the member whether it must rejoin (REBALANCE_IN_PROGRESS, UNKNOWN_MEMBER_ID, ...).
//
// ringlog codes versions 0-3, none flexible. v1 adds the response's throttle time, v3 static
// membership (the group instance id); v2 changes nothing on the wire.
//
// Decoders return NotSupported for a version outside 0-3 and InvalidArgument for malformed
// or truncated input; encoders CHECK the version (the dispatcher rejects others first).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/status.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog {

inline constexpr int16_t kHeartbeatMinVersion = 0;
inline constexpr int16_t kHeartbeatMaxVersion = 3;

struct HeartbeatRequest {
  std::string group_id;
  int32_t generation_id = 0;
  std::string member_id;
  std::optional<std::string> group_instance_id;  // v3+

  bool operator==(const HeartbeatRequest&) const = default;
};

struct HeartbeatResponse {
  int32_t throttle_time_ms = 0;  // v1+
  int16_t error_code = 0;

  bool operator==(const HeartbeatResponse&) const = default;
};

Result<HeartbeatRequest> DecodeHeartbeatRequest(WireReader& reader, int16_t version);
void EncodeHeartbeatRequest(WireWriter& writer, const HeartbeatRequest& request, int16_t version);
void EncodeHeartbeatResponse(WireWriter& writer, const HeartbeatResponse& response,
                             int16_t version);
Result<HeartbeatResponse> DecodeHeartbeatResponse(WireReader& reader, int16_t version);

}  // namespace ringlog
