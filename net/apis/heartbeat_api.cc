// Heartbeat: a member says it is alive; the error code tells it whether to rejoin
// (REBALANCE_IN_PROGRESS) or start over (UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION,
// FENCED_INSTANCE_ID).
#include "engine/group/group_coordinator.h"
#include "net/apis/apis.h"
#include "net/apis/group_error_code.h"
#include "net/apis/request_context.h"
#include "net/codec/heartbeat_codec.h"

namespace ringlog {
namespace {

void HandleHeartbeat(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<HeartbeatRequest> request = DecodeHeartbeatRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad Heartbeat request: " + request.status().ToString());
    return;
  }
  GroupCoordinator* groups = ctx.services().groups;
  const GroupError error =
      groups == nullptr
          ? GroupError::kCoordinatorNotAvailable
          : groups->Heartbeat(request->group_id,
                              MemberRef{request->member_id, request->group_instance_id},
                              request->generation_id);
  HeartbeatResponse response;
  response.error_code = GroupErrorCode(error);
  ctx.responder().Answer(response, ctx.version(), EncodeHeartbeatResponse);
}

}  // namespace

const ApiSpec kHeartbeatApi = {ApiKey::kHeartbeat, kHeartbeatMinVersion, kHeartbeatMaxVersion,
                               kHeartbeatFirstFlexibleVersion, &HandleHeartbeat};

}  // namespace ringlog
