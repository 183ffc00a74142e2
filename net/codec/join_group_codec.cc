#include "net/codec/join_group_codec.h"

#include <glog/logging.h>

#include <span>
#include <string>
#include <string_view>

#include "net/codec/codec_version.h"

namespace ringlog {
namespace {

constexpr bool kFlexible = false;  // no version in 0-5 is flexible

// Smallest encodings, which bound array counts before anything is allocated: a protocol
// and a member each hold at least a string and a bytes field.
constexpr size_t kMinProtocolBytes = 2 + 4;
constexpr size_t kMinMemberBytes = 2 + 4;

Status CheckVersion(int16_t version) {
  return CheckCodecVersion("JoinGroup", version, kJoinGroupMaxVersion);
}

}  // namespace

Result<JoinGroupRequest> DecodeJoinGroupRequest(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckVersion(version));
  JoinGroupRequest request;
  ASSIGN_OR_RETURN(request.group_id, reader.ReadString(kFlexible));
  ASSIGN_OR_RETURN(request.session_timeout_ms, reader.ReadInt32());
  if (version >= 1) {
    ASSIGN_OR_RETURN(request.rebalance_timeout_ms, reader.ReadInt32());
  }
  ASSIGN_OR_RETURN(request.member_id, reader.ReadString(kFlexible));
  if (version >= 5) {
    ASSIGN_OR_RETURN(request.group_instance_id, reader.ReadNullableString(kFlexible));
  }
  ASSIGN_OR_RETURN(request.protocol_type, reader.ReadString(kFlexible));
  ASSIGN_OR_RETURN(int32_t count, reader.ReadArrayLength(kFlexible, kMinProtocolBytes));
  if (count < 0) return Status::InvalidArgument("JoinGroup: null protocol list");
  request.protocols.resize(count);
  for (JoinGroupRequest::Protocol& protocol : request.protocols) {
    ASSIGN_OR_RETURN(protocol.name, reader.ReadString(kFlexible));
    ASSIGN_OR_RETURN(protocol.metadata, reader.ReadBytesAsString(kFlexible));
  }
  return request;
}

void EncodeJoinGroupRequest(WireWriter& writer, const JoinGroupRequest& request, int16_t version) {
  CHECK(CheckVersion(version).ok());
  writer.WriteString(request.group_id, kFlexible);
  writer.WriteInt32(request.session_timeout_ms);
  if (version >= 1) writer.WriteInt32(request.rebalance_timeout_ms);
  writer.WriteString(request.member_id, kFlexible);
  if (version >= 5) writer.WriteNullableString(request.group_instance_id, kFlexible);
  writer.WriteString(request.protocol_type, kFlexible);
  writer.WriteArrayLength(static_cast<int32_t>(request.protocols.size()), kFlexible);
  for (const JoinGroupRequest::Protocol& protocol : request.protocols) {
    writer.WriteString(protocol.name, kFlexible);
    writer.WriteBytes(protocol.metadata, kFlexible);
  }
}

void EncodeJoinGroupResponse(WireWriter& writer, const JoinGroupResponse& response,
                             int16_t version) {
  CHECK(CheckVersion(version).ok());
  if (version >= 2) writer.WriteInt32(response.throttle_time_ms);
  writer.WriteInt16(response.error_code);
  writer.WriteInt32(response.generation_id);
  writer.WriteString(response.protocol_name, kFlexible);
  writer.WriteString(response.leader, kFlexible);
  writer.WriteString(response.member_id, kFlexible);
  writer.WriteArrayLength(static_cast<int32_t>(response.members.size()), kFlexible);
  for (const JoinGroupResponse::Member& member : response.members) {
    writer.WriteString(member.member_id, kFlexible);
    if (version >= 5) writer.WriteNullableString(member.group_instance_id, kFlexible);
    writer.WriteBytes(member.metadata, kFlexible);
  }
}

Result<JoinGroupResponse> DecodeJoinGroupResponse(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckVersion(version));
  JoinGroupResponse response;
  if (version >= 2) {
    ASSIGN_OR_RETURN(response.throttle_time_ms, reader.ReadInt32());
  }
  ASSIGN_OR_RETURN(response.error_code, reader.ReadInt16());
  ASSIGN_OR_RETURN(response.generation_id, reader.ReadInt32());
  ASSIGN_OR_RETURN(response.protocol_name, reader.ReadString(kFlexible));
  ASSIGN_OR_RETURN(response.leader, reader.ReadString(kFlexible));
  ASSIGN_OR_RETURN(response.member_id, reader.ReadString(kFlexible));
  ASSIGN_OR_RETURN(int32_t count, reader.ReadArrayLength(kFlexible, kMinMemberBytes));
  if (count < 0) return Status::InvalidArgument("JoinGroup: null member list");
  response.members.resize(count);
  for (JoinGroupResponse::Member& member : response.members) {
    ASSIGN_OR_RETURN(member.member_id, reader.ReadString(kFlexible));
    if (version >= 5) {
      ASSIGN_OR_RETURN(member.group_instance_id, reader.ReadNullableString(kFlexible));
    }
    ASSIGN_OR_RETURN(member.metadata, reader.ReadBytesAsString(kFlexible));
  }
  return response;
}

}  // namespace ringlog
