// LeaveGroup (API key 13): members leave a consumer group so that it rebalances at once
// rather than after their session times out.
//
// ringlog codes versions 0-3, none flexible. v1 adds the response's throttle time; v2
// changes nothing on the wire. v3 changes the request's shape: instead of one member id it
// carries a list of members, each with an optional group instance id (static members leave
// by instance id), and the response answers each member with its own error code.
//
// Decoders return NotSupported for a version outside 0-3 and InvalidArgument for malformed
// or truncated input; encoders CHECK the version (the dispatcher rejects others first).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/status.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog {

inline constexpr int16_t kLeaveGroupMinVersion = 0;
inline constexpr int16_t kLeaveGroupMaxVersion = 3;
// The first version whose request lists members instead of naming one.
inline constexpr int16_t kLeaveGroupFirstBatchVersion = 3;

struct LeaveGroupRequest {
  struct Member {
    std::string member_id;
    std::optional<std::string> group_instance_id;

    bool operator==(const Member&) const = default;
  };

  std::string group_id;
  std::string member_id;        // v0-2 only
  std::vector<Member> members;  // v3+ only

  bool operator==(const LeaveGroupRequest&) const = default;
};

struct LeaveGroupResponse {
  struct Member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    int16_t error_code = 0;

    bool operator==(const Member&) const = default;
  };

  int32_t throttle_time_ms = 0;  // v1+
  int16_t error_code = 0;
  std::vector<Member> members;  // v3+

  bool operator==(const LeaveGroupResponse&) const = default;
};

Result<LeaveGroupRequest> DecodeLeaveGroupRequest(WireReader& reader, int16_t version);
void EncodeLeaveGroupRequest(WireWriter& writer, const LeaveGroupRequest& request, int16_t version);
void EncodeLeaveGroupResponse(WireWriter& writer, const LeaveGroupResponse& response,
                              int16_t version);
Result<LeaveGroupResponse> DecodeLeaveGroupResponse(WireReader& reader, int16_t version);

}  // namespace ringlog
