// ListGroups (API key 16): an admin client lists the groups this broker coordinates.
//
// ringlog codes versions 0-4; v3 and v4 are flexible (compact strings and arrays, tagged
// fields after every struct). v1 adds the response's throttle time; v2 changes nothing on
// the wire; v4 adds a filter on group states to the request and each group's state to the
// response.
//
// Decoders return NotSupported for a version outside 0-4 and InvalidArgument for malformed
// or truncated input; encoders CHECK the version (the dispatcher rejects others first).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/status.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog {

inline constexpr int16_t kListGroupsMinVersion = 0;
inline constexpr int16_t kListGroupsMaxVersion = 4;
inline constexpr int16_t kListGroupsFirstFlexibleVersion = 3;

struct ListGroupsRequest {
  std::vector<std::string> states_filter;  // v4+; empty = groups in any state

  bool operator==(const ListGroupsRequest&) const = default;
};

struct ListGroupsResponse {
  struct Group {
    std::string group_id;
    std::string protocol_type;  // "consumer", or empty for a group with no members yet
    std::string group_state;    // v4+: "Stable", "Empty", ...

    bool operator==(const Group&) const = default;
  };

  int32_t throttle_time_ms = 0;  // v1+
  int16_t error_code = 0;
  std::vector<Group> groups;

  bool operator==(const ListGroupsResponse&) const = default;
};

Result<ListGroupsRequest> DecodeListGroupsRequest(WireReader& reader, int16_t version);
void EncodeListGroupsRequest(WireWriter& writer, const ListGroupsRequest& request, int16_t version);
void EncodeListGroupsResponse(WireWriter& writer, const ListGroupsResponse& response,
                              int16_t version);
Result<ListGroupsResponse> DecodeListGroupsResponse(WireReader& reader, int16_t version);

}  // namespace ringlog
