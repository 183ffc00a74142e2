// DescribeGroups (API key 15): an admin client asks for the state, protocol and members of
// groups, including each member's metadata and current assignment.
//
// ringlog codes versions 0-5; v5 is flexible (compact strings and arrays, tagged fields
// after every struct). Fields by version:
//   v1  the response's throttle time (v2 changes nothing on the wire)
//   v3  the request asks for, and each group reports, the caller's authorized operations
//   v4  each member's group instance id (static membership)
//
// Decoders return NotSupported for a version outside 0-5 and InvalidArgument for malformed
// or truncated input; encoders CHECK the version (the dispatcher rejects others first).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "engine/status.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog {

inline constexpr int16_t kDescribeGroupsMinVersion = 0;
inline constexpr int16_t kDescribeGroupsMaxVersion = 5;
inline constexpr int16_t kDescribeGroupsFirstFlexibleVersion = 5;
// "Authorized operations not requested or not known" in a DescribeGroups response.
inline constexpr int32_t kAuthorizedOperationsUnknown = std::numeric_limits<int32_t>::min();

struct DescribeGroupsRequest {
  std::vector<std::string> group_ids;
  bool include_authorized_operations = false;  // v3+

  bool operator==(const DescribeGroupsRequest&) const = default;
};

struct DescribeGroupsResponse {
  struct Member {
    std::string member_id;
    std::optional<std::string> group_instance_id;  // v4+
    std::string client_id;
    std::string client_host;
    std::string member_metadata;    // opaque bytes for the group's current protocol
    std::string member_assignment;  // opaque bytes from the leader's last SyncGroup

    bool operator==(const Member&) const = default;
  };
  struct Group {
    int16_t error_code = 0;
    std::string group_id;
    std::string group_state;    // "Stable", "Empty", "Dead", ...
    std::string protocol_type;  // "consumer", or empty
    std::string protocol_data;  // the chosen protocol's name while stable, else empty
    std::vector<Member> members;
    int32_t authorized_operations = kAuthorizedOperationsUnknown;  // v3+: a bit set

    bool operator==(const Group&) const = default;
  };

  int32_t throttle_time_ms = 0;  // v1+
  std::vector<Group> groups;

  bool operator==(const DescribeGroupsResponse&) const = default;
};

Result<DescribeGroupsRequest> DecodeDescribeGroupsRequest(WireReader& reader, int16_t version);
void EncodeDescribeGroupsRequest(WireWriter& writer, const DescribeGroupsRequest& request,
                                 int16_t version);
void EncodeDescribeGroupsResponse(WireWriter& writer, const DescribeGroupsResponse& response,
                                  int16_t version);
Result<DescribeGroupsResponse> DecodeDescribeGroupsResponse(WireReader& reader, int16_t version);

}  // namespace ringlog
