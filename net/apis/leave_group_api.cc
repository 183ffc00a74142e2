// LeaveGroup: members leave so that the group rebalances at once instead of after their
// sessions expire. Versions 0-2 name one member and answer with its error code; v3 lists
// members (static ones by group instance id) and answers each with its own.
#include <vector>

#include "engine/group/group_coordinator.h"
#include "net/apis/apis.h"
#include "net/apis/group_error_code.h"
#include "net/apis/request_context.h"
#include "net/codec/leave_group_codec.h"

namespace ringlog {
namespace {

void HandleLeaveGroup(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<LeaveGroupRequest> request = DecodeLeaveGroupRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad LeaveGroup request: " + request.status().ToString());
    return;
  }
  const int16_t version = ctx.version();
  const bool batch = version >= kLeaveGroupFirstBatchVersion;
  std::vector<MemberRef> members;
  if (batch) {
    for (const LeaveGroupRequest::Member& m : request->members) {
      members.push_back({m.member_id, m.group_instance_id});
    }
  } else {
    members.push_back({request->member_id, std::nullopt});
  }
  GroupCoordinator* groups = ctx.services().groups;
  LeaveGroupResponse response;
  if (groups == nullptr || request->group_id.empty()) {
    response.error_code = GroupErrorCode(groups == nullptr ? GroupError::kCoordinatorNotAvailable
                                                           : GroupError::kInvalidGroupId);
  } else {
    const std::vector<GroupError> errors = groups->LeaveGroup(request->group_id, members);
    if (batch) {
      for (size_t i = 0; i < members.size(); ++i) {
        response.members.push_back(
            {members[i].member_id, members[i].group_instance_id, GroupErrorCode(errors[i])});
      }
    } else {
      response.error_code = GroupErrorCode(errors.front());
    }
  }
  ctx.responder().Respond(
      [&](WireWriter& writer) { EncodeLeaveGroupResponse(writer, response, version); });
}

}  // namespace

const ApiSpec kLeaveGroupApi = {ApiKey::kLeaveGroup, kLeaveGroupMinVersion, kLeaveGroupMaxVersion,
                                kNeverFlexible, &HandleLeaveGroup};

}  // namespace ringlog
