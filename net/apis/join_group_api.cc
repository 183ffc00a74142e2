// JoinGroup: a member joins (or rejoins) a consumer group. The answer waits until the
// group's rebalance completes, so the Responder travels in the coordinator's callback;
// requests behind it on the same connection wait too, as they do with Kafka. From v4 a
// first join without a member id gets MEMBER_ID_REQUIRED and the id to rejoin with. From
// v7 the response names the protocol type, and both it and the protocol name are null
// until the group has chosen one; v8's reason goes to the broker's log; v9's
// skip_assignment stays false (the leader always assigns).
#include <glog/logging.h>

#include <string>
#include <utility>

#include "engine/group/group_coordinator.h"
#include "net/apis/apis.h"
#include "net/apis/group_error_code.h"
#include "net/apis/request_context.h"
#include "net/codec/join_group_codec.h"

namespace ringlog {
namespace {

// KIP-394: from this version the client handles MEMBER_ID_REQUIRED.
constexpr int16_t kFirstMemberIdRequiredVersion = 4;
// From this version "no protocol chosen" is null rather than empty.
constexpr int16_t kFirstNullProtocolVersion = 7;

// `protocol_type` is the joiner's, which a successful join shares with the group.
JoinGroupResponse ToResponse(const JoinGroupResult& result, const std::string& protocol_type,
                             int16_t version) {
  JoinGroupResponse response;
  response.error_code = GroupErrorCode(result.error);
  response.generation_id = result.generation_id;
  if (result.error == GroupError::kNone) response.protocol_type = protocol_type;
  response.protocol_name = result.protocol_name;
  if (result.protocol_name.empty() && version >= kFirstNullProtocolVersion) {
    response.protocol_name.reset();
  }
  response.leader = result.leader_id;
  response.member_id = result.member_id;
  for (const JoinGroupResult::Member& m : result.members) {
    JoinGroupResponse::Member& member = response.members.emplace_back();
    member.member_id = m.member_id;
    member.group_instance_id = m.group_instance_id;
    member.metadata = m.metadata;
  }
  return response;
}

void HandleJoinGroup(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<JoinGroupRequest> request = DecodeJoinGroupRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad JoinGroup request: " + request.status().ToString());
    return;
  }
  const int16_t version = ctx.version();
  const Responder responder = ctx.responder();
  auto answer = [responder, version,
                 protocol_type = request->protocol_type](const JoinGroupResult& result) {
    const JoinGroupResponse response = ToResponse(result, protocol_type, version);
    responder.Answer(response, version, EncodeJoinGroupResponse);
  };
  GroupCoordinator* groups = ctx.services().groups;
  if (groups == nullptr) {
    JoinGroupResult refused;
    refused.error = GroupError::kCoordinatorNotAvailable;
    refused.member_id = request->member_id;
    answer(refused);
    return;
  }
  if (request->reason) {
    LOG(INFO) << "group " << request->group_id << ": member "
              << (request->member_id.empty() ? "(new)" : request->member_id)
              << " joins: " << *request->reason;
  }
  JoinGroupParams params;
  params.group_id = std::move(request->group_id);
  params.member_id = std::move(request->member_id);
  params.group_instance_id = std::move(request->group_instance_id);
  params.client_id = ctx.header().client_id.value_or("");
  params.client_host = ClientHost(ctx.connection().peer);
  params.session_timeout_ms = request->session_timeout_ms;
  params.rebalance_timeout_ms = request->rebalance_timeout_ms;
  params.protocol_type = std::move(request->protocol_type);
  for (JoinGroupRequest::Protocol& p : request->protocols) {
    params.protocols.push_back({std::move(p.name), std::move(p.metadata)});
  }
  params.require_known_member_id = version >= kFirstMemberIdRequiredVersion;
  groups->JoinGroup(params, std::move(answer));
}

}  // namespace

const ApiSpec kJoinGroupApi = {ApiKey::kJoinGroup, kJoinGroupMinVersion, kJoinGroupMaxVersion,
                               kJoinGroupFirstFlexibleVersion, &HandleJoinGroup};

}  // namespace ringlog
