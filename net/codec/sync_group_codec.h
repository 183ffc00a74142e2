// SyncGroup (API key 14): after a JoinGroup round, the leader sends every member's
// assignment and the others send none; each member gets back its own assignment as opaque
// bytes (for "consumer" groups, its topic partitions).
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
#include <vector>

#include "engine/status.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog {

inline constexpr int16_t kSyncGroupMinVersion = 0;
inline constexpr int16_t kSyncGroupMaxVersion = 3;

struct SyncGroupRequest {
  struct Assignment {
    std::string member_id;
    std::string assignment;  // opaque bytes, owned by the group's protocol

    bool operator==(const Assignment&) const = default;
  };

  std::string group_id;
  int32_t generation_id = 0;
  std::string member_id;
  std::optional<std::string> group_instance_id;  // v3+
  std::vector<Assignment> assignments;           // the leader's; empty from followers

  bool operator==(const SyncGroupRequest&) const = default;
};

struct SyncGroupResponse {
  int32_t throttle_time_ms = 0;  // v1+
  int16_t error_code = 0;
  std::string assignment;  // this member's assignment bytes

  bool operator==(const SyncGroupResponse&) const = default;
};

Result<SyncGroupRequest> DecodeSyncGroupRequest(WireReader& reader, int16_t version);
void EncodeSyncGroupRequest(WireWriter& writer, const SyncGroupRequest& request, int16_t version);
void EncodeSyncGroupResponse(WireWriter& writer, const SyncGroupResponse& response,
                             int16_t version);
Result<SyncGroupResponse> DecodeSyncGroupResponse(WireReader& reader, int16_t version);

}  // namespace ringlog
