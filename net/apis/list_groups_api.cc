// ListGroups: every group this broker coordinates — those with members and those that
// only hold committed offsets (listed as Empty) — with its protocol type, from v4 its
// state and from v5 its type. Every group here speaks the classic protocol, so its type is
// "classic". v4's state filter and v5's type filter match Kafka's names regardless of case.
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include "engine/group/group_coordinator.h"
#include "net/apis/apis.h"
#include "net/apis/group_error_code.h"
#include "net/apis/request_context.h"
#include "net/codec/list_groups_codec.h"

namespace ringlog {
namespace {

// KIP-848's name for the groups of the classic rebalance protocol, the only kind here.
constexpr std::string_view kClassicGroupType = "classic";

bool SameIgnoringCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

bool Wanted(const std::vector<std::string>& filter, std::string_view state) {
  if (filter.empty()) return true;
  return std::any_of(filter.begin(), filter.end(),
                     [&](const std::string& s) { return SameIgnoringCase(s, state); });
}

void HandleListGroups(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<ListGroupsRequest> request = DecodeListGroupsRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad ListGroups request: " + request.status().ToString());
    return;
  }
  const GroupCoordinator* groups = ctx.services().groups;
  ListGroupsResponse response;
  if (groups == nullptr) {
    response.error_code = GroupErrorCode(GroupError::kCoordinatorNotAvailable);
  } else {
    for (const GroupListing& listing : groups->ListGroups()) {
      const std::string_view state = GroupStateName(listing.state);
      if (!Wanted(request->states_filter, state)) continue;
      if (!Wanted(request->types_filter, kClassicGroupType)) continue;
      ListGroupsResponse::Group& group = response.groups.emplace_back();
      group.group_id = listing.group_id;
      group.protocol_type = listing.protocol_type;
      group.group_state = std::string(state);
      group.group_type = std::string(kClassicGroupType);
    }
  }
  ctx.responder().Answer(response, ctx.version(), EncodeListGroupsResponse);
}

}  // namespace

const ApiSpec kListGroupsApi = {ApiKey::kListGroups, kListGroupsMinVersion, kListGroupsMaxVersion,
                                kListGroupsFirstFlexibleVersion, &HandleListGroups};

}  // namespace ringlog
