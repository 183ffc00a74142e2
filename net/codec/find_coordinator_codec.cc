#include "net/codec/find_coordinator_codec.h"

#include <glog/logging.h>

#include <string>

#include "net/codec/codec_version.h"

namespace ringlog {
namespace {

constexpr bool kFlexible = false;  // no version in 0-2 is flexible

Status CheckVersion(int16_t version) {
  return CheckCodecVersion("FindCoordinator", version, kFindCoordinatorMaxVersion);
}

}  // namespace

Result<FindCoordinatorRequest> DecodeFindCoordinatorRequest(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckVersion(version));
  FindCoordinatorRequest request;
  ASSIGN_OR_RETURN(request.key, reader.ReadString(kFlexible));
  if (version >= 1) {
    ASSIGN_OR_RETURN(request.key_type, reader.ReadInt8());
  }
  return request;
}

void EncodeFindCoordinatorRequest(WireWriter& writer, const FindCoordinatorRequest& request,
                                  int16_t version) {
  CHECK(CheckVersion(version).ok());
  writer.WriteString(request.key, kFlexible);
  if (version >= 1) writer.WriteInt8(request.key_type);
}

void EncodeFindCoordinatorResponse(WireWriter& writer, const FindCoordinatorResponse& response,
                                   int16_t version) {
  CHECK(CheckVersion(version).ok());
  if (version >= 1) writer.WriteInt32(response.throttle_time_ms);
  writer.WriteInt16(response.error_code);
  if (version >= 1) writer.WriteNullableString(response.error_message, kFlexible);
  writer.WriteInt32(response.node_id);
  writer.WriteString(response.host, kFlexible);
  writer.WriteInt32(response.port);
}

Result<FindCoordinatorResponse> DecodeFindCoordinatorResponse(WireReader& reader, int16_t version) {
  RETURN_IF_ERROR(CheckVersion(version));
  FindCoordinatorResponse response;
  if (version >= 1) {
    ASSIGN_OR_RETURN(response.throttle_time_ms, reader.ReadInt32());
  }
  ASSIGN_OR_RETURN(response.error_code, reader.ReadInt16());
  if (version >= 1) {
    ASSIGN_OR_RETURN(response.error_message, reader.ReadNullableString(kFlexible));
  }
  ASSIGN_OR_RETURN(response.node_id, reader.ReadInt32());
  ASSIGN_OR_RETURN(response.host, reader.ReadString(kFlexible));
  ASSIGN_OR_RETURN(response.port, reader.ReadInt32());
  return response;
}

}  // namespace ringlog
