#include "net/codec/delete_groups_codec.h"

#include <glog/logging.h>

#include <string>

#include "net/codec/codec_version.h"
#include "net/codec/wire_array.h"

namespace ringlog {
namespace {

// Smallest encodings in either form (flexible ones are shorter), which bound array counts
// before anything is allocated.
constexpr size_t kMinResultBytes = 1 + 2;  // group id, error code

Status CheckVersion(int16_t version) {
  return CheckCodecVersion("DeleteGroups", version, kDeleteGroupsMaxVersion);
}

bool IsFlexible(int16_t version) { return version >= kDeleteGroupsFirstFlexibleVersion; }

Status EndStruct(WireReader& reader, bool flexible) {
  return flexible ? reader.SkipTaggedFields() : Status::OK();
}

void EndStruct(WireWriter& writer, bool flexible) {
  if (flexible) writer.WriteEmptyTaggedFields();
}

}  // namespace

Result<DeleteGroupsRequest> DecodeDeleteGroupsRequest(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckVersion(version));
  const bool flexible = IsFlexible(version);
  DeleteGroupsRequest request;
  ASSIGN_OR_RETURN(request.group_ids, ReadStringArray(reader, flexible));
  RETURN_IF_ERROR(EndStruct(reader, flexible));
  return request;
}

void EncodeDeleteGroupsRequest(WireWriter& writer, const DeleteGroupsRequest& request,
                               int16_t version) {
  CHECK(CheckVersion(version).ok());
  const bool flexible = IsFlexible(version);
  WriteStringArray(writer, request.group_ids, flexible);
  EndStruct(writer, flexible);
}

void EncodeDeleteGroupsResponse(WireWriter& writer, const DeleteGroupsResponse& response,
                                int16_t version) {
  CHECK(CheckVersion(version).ok());
  const bool flexible = IsFlexible(version);
  writer.WriteInt32(response.throttle_time_ms);
  writer.WriteArrayLength(static_cast<int32_t>(response.results.size()), flexible);
  for (const DeleteGroupsResponse::GroupResult& result : response.results) {
    writer.WriteString(result.group_id, flexible);
    writer.WriteInt16(result.error_code);
    EndStruct(writer, flexible);
  }
  EndStruct(writer, flexible);
}

Result<DeleteGroupsResponse> DecodeDeleteGroupsResponse(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckVersion(version));
  const bool flexible = IsFlexible(version);
  DeleteGroupsResponse response;
  ASSIGN_OR_RETURN(response.throttle_time_ms, reader.ReadInt32());
  ASSIGN_OR_RETURN(int32_t count, reader.ReadArrayLength(flexible, kMinResultBytes));
  if (count < 0) return Status::InvalidArgument("DeleteGroups: null result list");
  response.results.resize(count);
  for (DeleteGroupsResponse::GroupResult& result : response.results) {
    ASSIGN_OR_RETURN(result.group_id, reader.ReadString(flexible));
    ASSIGN_OR_RETURN(result.error_code, reader.ReadInt16());
    RETURN_IF_ERROR(EndStruct(reader, flexible));
  }
  RETURN_IF_ERROR(EndStruct(reader, flexible));
  return response;
}

}  // namespace ringlog
