// DeleteGroups: deletes each named group that has no members, with its committed offsets
// (durably, before the answer): NON_EMPTY_GROUP while it has members, GROUP_ID_NOT_FOUND
// when it is unknown, INVALID_GROUP_ID for an empty id.
#include <string>

#include "engine/group/group_coordinator.h"
#include "net/apis/apis.h"
#include "net/apis/group_error_code.h"
#include "net/apis/request_context.h"
#include "net/codec/delete_groups_codec.h"

namespace ringlog {
namespace {

void HandleDeleteGroups(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<DeleteGroupsRequest> request = DecodeDeleteGroupsRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad DeleteGroups request: " + request.status().ToString());
    return;
  }
  GroupCoordinator* groups = ctx.services().groups;
  DeleteGroupsResponse response;
  for (const std::string& group_id : request->group_ids) {
    const GroupError error =
        groups == nullptr ? GroupError::kCoordinatorNotAvailable : groups->DeleteGroup(group_id);
    DeleteGroupsResponse::GroupResult& result = response.results.emplace_back();
    result.group_id = group_id;
    result.error_code = GroupErrorCode(error);
  }
  ctx.responder().Answer(response, ctx.version(), EncodeDeleteGroupsResponse);
}

}  // namespace

const ApiSpec kDeleteGroupsApi = {ApiKey::kDeleteGroups, kDeleteGroupsMinVersion,
                                  kDeleteGroupsMaxVersion, kDeleteGroupsFirstFlexibleVersion,
                                  &HandleDeleteGroups};

}  // namespace ringlog
