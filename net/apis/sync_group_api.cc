// SyncGroup: after a JoinGroup round the leader sends every member's assignment; each
// member (the leader too) gets its own back once the leader's has arrived, so the answer
// may wait in the coordinator's callback. From v5 the request must name the group's
// protocol type and chosen protocol (INCONSISTENT_GROUP_PROTOCOL when either is missing or
// differs), and the answer names them back.
#include <string>
#include <utility>

#include "engine/group/group_coordinator.h"
#include "net/apis/apis.h"
#include "net/apis/group_error_code.h"
#include "net/apis/request_context.h"
#include "net/codec/sync_group_codec.h"

namespace ringlog {
namespace {

// KIP-559: from this version the protocol type and name are mandatory.
constexpr int16_t kFirstProtocolCheckVersion = 5;

void HandleSyncGroup(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<SyncGroupRequest> request = DecodeSyncGroupRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad SyncGroup request: " + request.status().ToString());
    return;
  }
  const int16_t version = ctx.version();
  const Responder responder = ctx.responder();
  auto answer = [responder, version](const SyncGroupResult& result) {
    SyncGroupResponse response;
    response.error_code = GroupErrorCode(result.error);
    response.assignment = result.assignment;
    if (result.error == GroupError::kNone) {
      response.protocol_type = result.protocol_type;
      response.protocol_name = result.protocol_name;
    }
    responder.Answer(response, version, EncodeSyncGroupResponse);
  };
  GroupCoordinator* groups = ctx.services().groups;
  if (groups == nullptr) {
    answer(SyncGroupResult{GroupError::kCoordinatorNotAvailable, {}});
    return;
  }
  if (version >= kFirstProtocolCheckVersion &&
      (!request->protocol_type.has_value() || !request->protocol_name.has_value())) {
    answer(SyncGroupResult{GroupError::kInconsistentGroupProtocol, {}});
    return;
  }
  SyncGroupParams params;
  params.group_id = std::move(request->group_id);
  params.generation_id = request->generation_id;
  params.member_id = std::move(request->member_id);
  params.group_instance_id = std::move(request->group_instance_id);
  for (SyncGroupRequest::Assignment& a : request->assignments) {
    params.assignments.push_back({std::move(a.member_id), std::move(a.assignment)});
  }
  params.protocol_type = std::move(request->protocol_type);
  params.protocol_name = std::move(request->protocol_name);
  groups->SyncGroup(params, std::move(answer));
}

}  // namespace

const ApiSpec kSyncGroupApi = {ApiKey::kSyncGroup, kSyncGroupMinVersion, kSyncGroupMaxVersion,
                               kSyncGroupFirstFlexibleVersion, &HandleSyncGroup};

}  // namespace ringlog
