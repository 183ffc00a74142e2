#include "net/codec/heartbeat_codec.h"

#include <glog/logging.h>

#include <string>

#include "net/codec/codec_version.h"

namespace ringlog {
namespace {

constexpr bool kFlexible = false;  // no version in 0-3 is flexible

Status CheckVersion(int16_t version) {
  return CheckCodecVersion("Heartbeat", version, kHeartbeatMaxVersion);
}

}  // namespace

Result<HeartbeatRequest> DecodeHeartbeatRequest(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckVersion(version));
  HeartbeatRequest request;
  ASSIGN_OR_RETURN(request.group_id, reader.ReadString(kFlexible));
  ASSIGN_OR_RETURN(request.generation_id, reader.ReadInt32());
  ASSIGN_OR_RETURN(request.member_id, reader.ReadString(kFlexible));
  if (version >= 3) {
    ASSIGN_OR_RETURN(request.group_instance_id, reader.ReadNullableString(kFlexible));
  }
  return request;
}

void EncodeHeartbeatRequest(WireWriter& writer, const HeartbeatRequest& request, int16_t version) {
  CHECK(CheckVersion(version).ok());
  writer.WriteString(request.group_id, kFlexible);
  writer.WriteInt32(request.generation_id);
  writer.WriteString(request.member_id, kFlexible);
  if (version >= 3) writer.WriteNullableString(request.group_instance_id, kFlexible);
}

void EncodeHeartbeatResponse(WireWriter& writer, const HeartbeatResponse& response,
                             int16_t version) {
  CHECK(CheckVersion(version).ok());
  if (version >= 1) writer.WriteInt32(response.throttle_time_ms);
  writer.WriteInt16(response.error_code);
}

Result<HeartbeatResponse> DecodeHeartbeatResponse(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckVersion(version));
  HeartbeatResponse response;
  if (version >= 1) {
    ASSIGN_OR_RETURN(response.throttle_time_ms, reader.ReadInt32());
  }
  ASSIGN_OR_RETURN(response.error_code, reader.ReadInt16());
  return response;
}

}  // namespace ringlog
