// DeleteGroups (API key 42): an admin client deletes groups that have no members left,
// together with their committed offsets; each group gets its own error code.
//
// ringlog codes versions 0-2; v2 is flexible (compact strings and arrays, tagged fields
// after every struct). v1 changes nothing on the wire.
//
// Decoders return NotSupported for a version outside 0-2 and InvalidArgument for malformed
// or truncated input; encoders CHECK the version (the dispatcher rejects others first).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/status.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog {

inline constexpr int16_t kDeleteGroupsMinVersion = 0;
inline constexpr int16_t kDeleteGroupsMaxVersion = 2;
inline constexpr int16_t kDeleteGroupsFirstFlexibleVersion = 2;

struct DeleteGroupsRequest {
  std::vector<std::string> group_ids;

  bool operator==(const DeleteGroupsRequest&) const = default;
};

struct DeleteGroupsResponse {
  struct GroupResult {
    std::string group_id;
    int16_t error_code = 0;  // NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND, ...

    bool operator==(const GroupResult&) const = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<GroupResult> results;

  bool operator==(const DeleteGroupsResponse&) const = default;
};

Result<DeleteGroupsRequest> DecodeDeleteGroupsRequest(WireReader& reader, int16_t version);
void EncodeDeleteGroupsRequest(WireWriter& writer, const DeleteGroupsRequest& request,
                               int16_t version);
void EncodeDeleteGroupsResponse(WireWriter& writer, const DeleteGroupsResponse& response,
                                int16_t version);
Result<DeleteGroupsResponse> DecodeDeleteGroupsResponse(WireReader& reader, int16_t version);

}  // namespace ringlog
