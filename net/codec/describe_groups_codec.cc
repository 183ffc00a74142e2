#include "net/codec/describe_groups_codec.h"

#include <glog/logging.h>

#include <span>
#include <string>
#include <string_view>

#include "net/codec/codec_version.h"
#include "net/codec/wire_array.h"

namespace ringlog {
namespace {

// Smallest encodings in either form (flexible ones are shorter), which bound array counts
// before anything is allocated.
constexpr size_t kMinGroupBytes = 2 + 4 * 1 + 1;   // error, four strings, member array
constexpr size_t kMinMemberBytes = 3 * 1 + 2 * 1;  // three strings, two bytes fields

Status CheckVersion(int16_t version) {
  return CheckCodecVersion("DescribeGroups", version, kDescribeGroupsMaxVersion);
}

bool IsFlexible(int16_t version) { return version >= kDescribeGroupsFirstFlexibleVersion; }

Status EndStruct(WireReader& reader, bool flexible) {
  return flexible ? reader.SkipTaggedFields() : Status::OK();
}

void EndStruct(WireWriter& writer, bool flexible) {
  if (flexible) writer.WriteEmptyTaggedFields();
}

void EncodeMember(WireWriter& writer, const DescribeGroupsResponse::Member& member,
                  int16_t version) {
  const bool flexible = IsFlexible(version);
  writer.WriteString(member.member_id, flexible);
  if (version >= 4) writer.WriteNullableString(member.group_instance_id, flexible);
  writer.WriteString(member.client_id, flexible);
  writer.WriteString(member.client_host, flexible);
  writer.WriteBytes(member.member_metadata, flexible);
  writer.WriteBytes(member.member_assignment, flexible);
  EndStruct(writer, flexible);
}

Status DecodeMember(WireReader& reader, int16_t version, DescribeGroupsResponse::Member* member) {
  const bool flexible = IsFlexible(version);
  ASSIGN_OR_RETURN(member->member_id, reader.ReadString(flexible));
  if (version >= 4) {
    ASSIGN_OR_RETURN(member->group_instance_id, reader.ReadNullableString(flexible));
  }
  ASSIGN_OR_RETURN(member->client_id, reader.ReadString(flexible));
  ASSIGN_OR_RETURN(member->client_host, reader.ReadString(flexible));
  ASSIGN_OR_RETURN(member->member_metadata, reader.ReadBytesAsString(flexible));
  ASSIGN_OR_RETURN(member->member_assignment, reader.ReadBytesAsString(flexible));
  return EndStruct(reader, flexible);
}

Status DecodeGroup(WireReader& reader, int16_t version, DescribeGroupsResponse::Group* group) {
  const bool flexible = IsFlexible(version);
  ASSIGN_OR_RETURN(group->error_code, reader.ReadInt16());
  ASSIGN_OR_RETURN(group->group_id, reader.ReadString(flexible));
  ASSIGN_OR_RETURN(group->group_state, reader.ReadString(flexible));
  ASSIGN_OR_RETURN(group->protocol_type, reader.ReadString(flexible));
  ASSIGN_OR_RETURN(group->protocol_data, reader.ReadString(flexible));
  ASSIGN_OR_RETURN(int32_t count, reader.ReadArrayLength(flexible, kMinMemberBytes));
  if (count < 0) return Status::InvalidArgument("DescribeGroups: null member list");
  group->members.resize(count);
  for (DescribeGroupsResponse::Member& member : group->members) {
    RETURN_IF_ERROR(DecodeMember(reader, version, &member));
  }
  if (version >= 3) {
    ASSIGN_OR_RETURN(group->authorized_operations, reader.ReadInt32());
  }
  return EndStruct(reader, flexible);
}

}  // namespace

Result<DescribeGroupsRequest> DecodeDescribeGroupsRequest(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckVersion(version));
  const bool flexible = IsFlexible(version);
  DescribeGroupsRequest request;
  ASSIGN_OR_RETURN(request.group_ids, ReadStringArray(reader, flexible));
  if (version >= 3) {
    ASSIGN_OR_RETURN(request.include_authorized_operations, reader.ReadBool());
  }
  RETURN_IF_ERROR(EndStruct(reader, flexible));
  return request;
}

void EncodeDescribeGroupsRequest(WireWriter& writer, const DescribeGroupsRequest& request,
                                 int16_t version) {
  CHECK(CheckVersion(version).ok());
  const bool flexible = IsFlexible(version);
  WriteStringArray(writer, request.group_ids, flexible);
  if (version >= 3) writer.WriteBool(request.include_authorized_operations);
  EndStruct(writer, flexible);
}

void EncodeDescribeGroupsResponse(WireWriter& writer, const DescribeGroupsResponse& response,
                                  int16_t version) {
  CHECK(CheckVersion(version).ok());
  const bool flexible = IsFlexible(version);
  if (version >= 1) writer.WriteInt32(response.throttle_time_ms);
  writer.WriteArrayLength(static_cast<int32_t>(response.groups.size()), flexible);
  for (const DescribeGroupsResponse::Group& group : response.groups) {
    writer.WriteInt16(group.error_code);
    writer.WriteString(group.group_id, flexible);
    writer.WriteString(group.group_state, flexible);
    writer.WriteString(group.protocol_type, flexible);
    writer.WriteString(group.protocol_data, flexible);
    writer.WriteArrayLength(static_cast<int32_t>(group.members.size()), flexible);
    for (const DescribeGroupsResponse::Member& member : group.members) {
      EncodeMember(writer, member, version);
    }
    if (version >= 3) writer.WriteInt32(group.authorized_operations);
    EndStruct(writer, flexible);
  }
  EndStruct(writer, flexible);
}

Result<DescribeGroupsResponse> DecodeDescribeGroupsResponse(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckVersion(version));
  const bool flexible = IsFlexible(version);
  DescribeGroupsResponse response;
  if (version >= 1) {
    ASSIGN_OR_RETURN(response.throttle_time_ms, reader.ReadInt32());
  }
  ASSIGN_OR_RETURN(int32_t count, reader.ReadArrayLength(flexible, kMinGroupBytes));
  if (count < 0) return Status::InvalidArgument("DescribeGroups: null group list");
  response.groups.resize(count);
  for (DescribeGroupsResponse::Group& group : response.groups) {
    RETURN_IF_ERROR(DecodeGroup(reader, version, &group));
  }
  RETURN_IF_ERROR(EndStruct(reader, flexible));
  return response;
}

}  // namespace ringlog
