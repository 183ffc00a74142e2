#include "net/codec/leave_group_codec.h"

#include <glog/logging.h>

#include <string>

#include "net/codec/codec_version.h"

namespace ringlog {
namespace {

constexpr bool kFlexible = false;  // no version in 0-3 is flexible

// Smallest member encodings (two strings; plus an error code in responses), which bound
// array counts before anything is allocated.
constexpr size_t kMinRequestMemberBytes = 2 + 2;
constexpr size_t kMinResponseMemberBytes = 2 + 2 + 2;

Status CheckVersion(int16_t version) {
  return CheckCodecVersion("LeaveGroup", version, kLeaveGroupMaxVersion);
}

}  // namespace

Result<LeaveGroupRequest> DecodeLeaveGroupRequest(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckVersion(version));
  LeaveGroupRequest request;
  ASSIGN_OR_RETURN(request.group_id, reader.ReadString(kFlexible));
  if (version < kLeaveGroupFirstBatchVersion) {
    ASSIGN_OR_RETURN(request.member_id, reader.ReadString(kFlexible));
    return request;
  }
  ASSIGN_OR_RETURN(int32_t count, reader.ReadArrayLength(kFlexible, kMinRequestMemberBytes));
  if (count < 0) return Status::InvalidArgument("LeaveGroup: null member list");
  request.members.resize(count);
  for (LeaveGroupRequest::Member& member : request.members) {
    ASSIGN_OR_RETURN(member.member_id, reader.ReadString(kFlexible));
    ASSIGN_OR_RETURN(member.group_instance_id, reader.ReadNullableString(kFlexible));
  }
  return request;
}

void EncodeLeaveGroupRequest(WireWriter& writer, const LeaveGroupRequest& request,
                             int16_t version) {
  CHECK(CheckVersion(version).ok());
  writer.WriteString(request.group_id, kFlexible);
  if (version < kLeaveGroupFirstBatchVersion) {
    writer.WriteString(request.member_id, kFlexible);
    return;
  }
  writer.WriteArrayLength(static_cast<int32_t>(request.members.size()), kFlexible);
  for (const LeaveGroupRequest::Member& member : request.members) {
    writer.WriteString(member.member_id, kFlexible);
    writer.WriteNullableString(member.group_instance_id, kFlexible);
  }
}

void EncodeLeaveGroupResponse(WireWriter& writer, const LeaveGroupResponse& response,
                              int16_t version) {
  CHECK(CheckVersion(version).ok());
  if (version >= 1) writer.WriteInt32(response.throttle_time_ms);
  writer.WriteInt16(response.error_code);
  if (version < kLeaveGroupFirstBatchVersion) return;
  writer.WriteArrayLength(static_cast<int32_t>(response.members.size()), kFlexible);
  for (const LeaveGroupResponse::Member& member : response.members) {
    writer.WriteString(member.member_id, kFlexible);
    writer.WriteNullableString(member.group_instance_id, kFlexible);
    writer.WriteInt16(member.error_code);
  }
}

Result<LeaveGroupResponse> DecodeLeaveGroupResponse(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckVersion(version));
  LeaveGroupResponse response;
  if (version >= 1) {
    ASSIGN_OR_RETURN(response.throttle_time_ms, reader.ReadInt32());
  }
  ASSIGN_OR_RETURN(response.error_code, reader.ReadInt16());
  if (version < kLeaveGroupFirstBatchVersion) return response;
  ASSIGN_OR_RETURN(int32_t count, reader.ReadArrayLength(kFlexible, kMinResponseMemberBytes));
  if (count < 0) return Status::InvalidArgument("LeaveGroup: null member list");
  response.members.resize(count);
  for (LeaveGroupResponse::Member& member : response.members) {
    ASSIGN_OR_RETURN(member.member_id, reader.ReadString(kFlexible));
    ASSIGN_OR_RETURN(member.group_instance_id, reader.ReadNullableString(kFlexible));
    ASSIGN_OR_RETURN(member.error_code, reader.ReadInt16());
  }
  return response;
}

}  // namespace ringlog
