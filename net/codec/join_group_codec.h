// JoinGroup (API key 11): a member joins (or rejoins) a consumer group, offering the
// assignment protocols it supports, each with opaque metadata (for "consumer" groups, the
// subscribed topics). The coordinator answers with the generation, the chosen protocol, the
// leader, and, to the leader only, every member's metadata.
//
// ringlog codes versions 0-5, none flexible. v1 adds the rebalance timeout, v2 the
// response's throttle time, v5 static membership (group instance ids); v3 and v4 change
// nothing on the wire (v4 only lets the broker answer MEMBER_ID_REQUIRED).
//
// Decoders return NotSupported for a version outside 0-5 and InvalidArgument for malformed
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

inline constexpr int16_t kJoinGroupMinVersion = 0;
inline constexpr int16_t kJoinGroupMaxVersion = 5;

struct JoinGroupRequest {
  struct Protocol {
    std::string name;      // "range", "roundrobin", ...
    std::string metadata;  // opaque bytes, owned by the protocol

    bool operator==(const Protocol&) const = default;
  };

  std::string group_id;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = -1;             // v1+; -1 when absent
  std::string member_id;                         // empty on a member's first join
  std::optional<std::string> group_instance_id;  // v5+; set for static members
  std::string protocol_type;                     // "consumer" for consumer groups
  std::vector<Protocol> protocols;

  bool operator==(const JoinGroupRequest&) const = default;
};

struct JoinGroupResponse {
  struct Member {
    std::string member_id;
    std::optional<std::string> group_instance_id;  // v5+
    std::string metadata;                          // the member's metadata for the chosen protocol

    bool operator==(const Member&) const = default;
  };

  int32_t throttle_time_ms = 0;  // v2+
  int16_t error_code = 0;
  int32_t generation_id = -1;
  std::string protocol_name;    // the protocol the coordinator chose
  std::string leader;           // the leader's member id
  std::string member_id;        // the id of the member this response goes to
  std::vector<Member> members;  // filled for the leader only

  bool operator==(const JoinGroupResponse&) const = default;
};

Result<JoinGroupRequest> DecodeJoinGroupRequest(WireReader& reader, int16_t version);
void EncodeJoinGroupRequest(WireWriter& writer, const JoinGroupRequest& request, int16_t version);
void EncodeJoinGroupResponse(WireWriter& writer, const JoinGroupResponse& response,
                             int16_t version);
Result<JoinGroupResponse> DecodeJoinGroupResponse(WireReader& reader, int16_t version);

}  // namespace ringlog
