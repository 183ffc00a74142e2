// DescribeGroups: each asked-for group's state, protocol type and members (client id,
// host, and — while the group is Stable — the chosen protocol, each member's metadata and
// assignment), as Kafka reports them. A group unknown here is "Dead" with no members;
// an empty group id is INVALID_GROUP_ID. Authorized operations are not tracked: always
// "unknown".
#include <string>

#include "engine/group/group_coordinator.h"
#include "net/apis/apis.h"
#include "net/apis/group_error_code.h"
#include "net/apis/request_context.h"
#include "net/codec/describe_groups_codec.h"

namespace ringlog {
namespace {

// The codec reads up to v5, but the API table keeps every maximum below the API's first
// flexible version (net/apis/api_table.h).
constexpr int16_t kServedMaxVersion = kDescribeGroupsFirstFlexibleVersion - 1;

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
  out.group_state = std::string(GroupStateName(summary.state));
  out.protocol_type = summary.protocol_type;
  out.protocol_data = summary.protocol_name;
  for (const GroupSummary::Member& m : summary.members) {
    out.members.push_back(
        {m.member_id, m.group_instance_id, m.client_id, m.client_host, m.metadata, m.assignment});
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
    response.groups.push_back(Describe(ctx.services().groups, group_id));
  }
  const int16_t version = ctx.version();
  ctx.responder().Respond(
      [&](WireWriter& writer) { EncodeDescribeGroupsResponse(writer, response, version); });
}

}  // namespace

const ApiSpec kDescribeGroupsApi = {ApiKey::kDescribeGroups, kDescribeGroupsMinVersion,
                                    kServedMaxVersion, kDescribeGroupsFirstFlexibleVersion,
                                    &HandleDescribeGroups};

}  // namespace ringlog
