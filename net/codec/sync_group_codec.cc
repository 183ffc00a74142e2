#include "net/codec/sync_group_codec.h"

#include <glog/logging.h>

#include <span>
#include <string>
#include <string_view>

#include "net/codec/codec_version.h"

namespace ringlog {
namespace {

constexpr bool kFlexible = false;  // no version in 0-3 is flexible

// An assignment is at least a string and a bytes field; bounds the count before allocating.
constexpr size_t kMinAssignmentBytes = 2 + 4;

Status CheckVersion(int16_t version) {
  return CheckCodecVersion("SyncGroup", version, kSyncGroupMaxVersion);
}

}  // namespace

Result<SyncGroupRequest> DecodeSyncGroupRequest(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckVersion(version));
  SyncGroupRequest request;
  ASSIGN_OR_RETURN(request.group_id, reader.ReadString(kFlexible));
  ASSIGN_OR_RETURN(request.generation_id, reader.ReadInt32());
  ASSIGN_OR_RETURN(request.member_id, reader.ReadString(kFlexible));
  if (version >= 3) {
    ASSIGN_OR_RETURN(request.group_instance_id, reader.ReadNullableString(kFlexible));
  }
  ASSIGN_OR_RETURN(int32_t count, reader.ReadArrayLength(kFlexible, kMinAssignmentBytes));
  if (count < 0) return Status::InvalidArgument("SyncGroup: null assignment list");
  request.assignments.resize(count);
  for (SyncGroupRequest::Assignment& assignment : request.assignments) {
    ASSIGN_OR_RETURN(assignment.member_id, reader.ReadString(kFlexible));
    ASSIGN_OR_RETURN(assignment.assignment, reader.ReadBytesAsString(kFlexible));
  }
  return request;
}

void EncodeSyncGroupRequest(WireWriter& writer, const SyncGroupRequest& request, int16_t version) {
  CHECK(CheckVersion(version).ok());
  writer.WriteString(request.group_id, kFlexible);
  writer.WriteInt32(request.generation_id);
  writer.WriteString(request.member_id, kFlexible);
  if (version >= 3) writer.WriteNullableString(request.group_instance_id, kFlexible);
  writer.WriteArrayLength(static_cast<int32_t>(request.assignments.size()), kFlexible);
  for (const SyncGroupRequest::Assignment& assignment : request.assignments) {
    writer.WriteString(assignment.member_id, kFlexible);
    writer.WriteBytes(assignment.assignment, kFlexible);
  }
}

void EncodeSyncGroupResponse(WireWriter& writer, const SyncGroupResponse& response,
                             int16_t version) {
  CHECK(CheckVersion(version).ok());
  if (version >= 1) writer.WriteInt32(response.throttle_time_ms);
  writer.WriteInt16(response.error_code);
  writer.WriteBytes(response.assignment, kFlexible);
}

Result<SyncGroupResponse> DecodeSyncGroupResponse(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckVersion(version));
  SyncGroupResponse response;
  if (version >= 1) {
    ASSIGN_OR_RETURN(response.throttle_time_ms, reader.ReadInt32());
  }
  ASSIGN_OR_RETURN(response.error_code, reader.ReadInt16());
  ASSIGN_OR_RETURN(response.assignment, reader.ReadBytesAsString(kFlexible));
  return response;
}

}  // namespace ringlog
