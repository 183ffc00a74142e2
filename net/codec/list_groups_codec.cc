#include "net/codec/list_groups_codec.h"

#include <glog/logging.h>

#include <string>

#include "net/codec/codec_version.h"
#include "net/codec/wire_array.h"

namespace ringlog {
namespace {

// Smallest encodings in either form (flexible ones are shorter), which bound array counts
// before anything is allocated.
constexpr size_t kMinGroupBytes = 1 + 1 + 1;  // two strings and a tag section

Status CheckVersion(int16_t version) {
  return CheckCodecVersion("ListGroups", version, kListGroupsMaxVersion);
}

bool IsFlexible(int16_t version) { return version >= kListGroupsFirstFlexibleVersion; }

Status EndStruct(WireReader& reader, bool flexible) {
  return flexible ? reader.SkipTaggedFields() : Status::OK();
}

void EndStruct(WireWriter& writer, bool flexible) {
  if (flexible) writer.WriteEmptyTaggedFields();
}

}  // namespace

Result<ListGroupsRequest> DecodeListGroupsRequest(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckVersion(version));
  const bool flexible = IsFlexible(version);
  ListGroupsRequest request;
  if (version >= 4) {
    ASSIGN_OR_RETURN(request.states_filter, ReadStringArray(reader, flexible));
  }
  RETURN_IF_ERROR(EndStruct(reader, flexible));
  return request;
}

void EncodeListGroupsRequest(WireWriter& writer, const ListGroupsRequest& request,
                             int16_t version) {
  CHECK(CheckVersion(version).ok());
  const bool flexible = IsFlexible(version);
  if (version >= 4) {
    WriteStringArray(writer, request.states_filter, flexible);
  }
  EndStruct(writer, flexible);
}

void EncodeListGroupsResponse(WireWriter& writer, const ListGroupsResponse& response,
                              int16_t version) {
  CHECK(CheckVersion(version).ok());
  const bool flexible = IsFlexible(version);
  if (version >= 1) writer.WriteInt32(response.throttle_time_ms);
  writer.WriteInt16(response.error_code);
  writer.WriteArrayLength(static_cast<int32_t>(response.groups.size()), flexible);
  for (const ListGroupsResponse::Group& group : response.groups) {
    writer.WriteString(group.group_id, flexible);
    writer.WriteString(group.protocol_type, flexible);
    if (version >= 4) writer.WriteString(group.group_state, flexible);
    EndStruct(writer, flexible);
  }
  EndStruct(writer, flexible);
}

Result<ListGroupsResponse> DecodeListGroupsResponse(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckVersion(version));
  const bool flexible = IsFlexible(version);
  ListGroupsResponse response;
  if (version >= 1) {
    ASSIGN_OR_RETURN(response.throttle_time_ms, reader.ReadInt32());
  }
  ASSIGN_OR_RETURN(response.error_code, reader.ReadInt16());
  ASSIGN_OR_RETURN(int32_t count, reader.ReadArrayLength(flexible, kMinGroupBytes));
  if (count < 0) return Status::InvalidArgument("ListGroups: null group list");
  response.groups.resize(count);
  for (ListGroupsResponse::Group& group : response.groups) {
    ASSIGN_OR_RETURN(group.group_id, reader.ReadString(flexible));
    ASSIGN_OR_RETURN(group.protocol_type, reader.ReadString(flexible));
    if (version >= 4) {
      ASSIGN_OR_RETURN(group.group_state, reader.ReadString(flexible));
    }
    RETURN_IF_ERROR(EndStruct(reader, flexible));
  }
  RETURN_IF_ERROR(EndStruct(reader, flexible));
  return response;
}

}  // namespace ringlog
