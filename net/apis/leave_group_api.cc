// LeaveGroup: members leave so that the group rebalances at once instead of after their
// sessions expire. Versions 0-2 name one member and answer with its error code; v3+ list
// members (static ones by group instance id) and answer each with its own. v5's reason
// goes to the broker's log.
#include <glog/logging.h>

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
      if (m.reason) {
        LOG(INFO) << "group " << request->group_id << ": member " << m.member_id
                  << " leaves: " << *m.reason;
      }
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
    if (batch && !errors.empty() && errors.front() == GroupError::kNotCoordinator) {
      // Another broker coordinates the group: Kafka answers at the top, with no members.
      response.error_code = GroupErrorCode(GroupError::kNotCoordinator);
    } else if (batch) {
      for (size_t i = 0; i < members.size(); ++i) {
        LeaveGroupResponse::Member& answer = response.members.emplace_back();
        answer.member_id = members[i].member_id;
        answer.group_instance_id = members[i].group_instance_id;
        answer.error_code = GroupErrorCode(errors[i]);
      }
    } else {
      response.error_code = GroupErrorCode(errors.front());
    }
  }
  ctx.responder().Answer(response, version, EncodeLeaveGroupResponse);
}

}  // namespace

const ApiSpec kLeaveGroupApi = {ApiKey::kLeaveGroup, kLeaveGroupMinVersion, kLeaveGroupMaxVersion,
                                kLeaveGroupFirstFlexibleVersion, &HandleLeaveGroup};

}  // namespace ringlog
