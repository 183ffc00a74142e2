// DescribeGroups: each asked-for group's state, protocol type and members (client id,
// host, and — while the group is Stable — the chosen protocol, each member's metadata and
// assignment), as Kafka reports them. A group unknown here is "Dead" with no members;
// an empty group id is INVALID_GROUP_ID, and a group another broker coordinates
// NOT_COORDINATOR. From v3 a client may ask for its authorized operations on each group:
// ringlog has no authorizer, so, as Kafka without one, every operation a group supports
// is allowed; not asked, they are Kafka's "not requested".
#include <string>

#include "engine/group/group_coordinator.h"
#include "net/apis/apis.h"
#include "net/apis/group_error_code.h"
#include "net/apis/request_context.h"
#include "net/codec/describe_groups_codec.h"

namespace ringlog {
namespace {

// Kafka's ACL operation codes that apply to a group: READ (3), DELETE (6), DESCRIBE (8),
// as bits of the authorized-operations set.
constexpr int32_t kGroupOperations = (1 << 3) | (1 << 6) | (1 << 8);

DescribeGroupsResponse::Group Describe(const GroupCoordinator* groups,
                                       const std::string& group_id) {
  DescribeGroupsResponse::Group out;
  out.group_id = group_id;
  if (groups == nullptr || group_id.empty()) {
    out.error_code = GroupErrorCode(groups == nullptr ? GroupError::kCoordinatorNotAvailable
                                                      : GroupError::kInvalidGroupId);
    out.group_state = std::string(GroupStateName(GroupState::kDead));
    return out;
  }
  const GroupSummary summary = groups->DescribeGroup(group_id);
  out.error_code = GroupErrorCode(summary.error);
  out.group_state = std::string(GroupStateName(summary.state));
  out.protocol_type = summary.protocol_type;
  out.protocol_data = summary.protocol_name;
  for (const GroupSummary::Member& m : summary.members) {
    DescribeGroupsResponse::Member& member = out.members.emplace_back();
    member.member_id = m.member_id;
    member.group_instance_id = m.group_instance_id;
    member.client_id = m.client_id;
    member.client_host = m.client_host;
    member.member_metadata = m.metadata;
    member.member_assignment = m.assignment;
  }
  return out;
}

void HandleDescribeGroups(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<DescribeGroupsRequest> request = DecodeDescribeGroupsRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad DescribeGroups request: " + request.status().ToString());
    return;
  }
  DescribeGroupsResponse response;
  for (const std::string& group_id : request->group_ids) {
    DescribeGroupsResponse::Group& group =
        response.groups.emplace_back(Describe(ctx.services().groups, group_id));
    group.authorized_operations =
        request->include_authorized_operations ? kGroupOperations : kAuthorizedOperationsUnknown;
  }
  ctx.responder().Answer(response, ctx.version(), EncodeDescribeGroupsResponse);
}

}  // namespace

const ApiSpec kDescribeGroupsApi = {ApiKey::kDescribeGroups, kDescribeGroupsMinVersion,
                                    kDescribeGroupsMaxVersion, kDescribeGroupsFirstFlexibleVersion,
                                    &HandleDescribeGroups};

}  // namespace ringlog
