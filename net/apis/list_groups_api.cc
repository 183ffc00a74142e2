// ListGroups: every group this broker coordinates — those with members and those that
// only hold committed offsets (listed as Empty) — with its protocol type and, from v4,
// its state; v4's state filter matches Kafka's state names regardless of case.
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

// The codec reads up to v4, but the API table keeps every maximum below the API's first
// flexible version (net/apis/api_table.h).
constexpr int16_t kServedMaxVersion = kListGroupsFirstFlexibleVersion - 1;

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
      response.groups.push_back({listing.group_id, listing.protocol_type, std::string(state)});
    }
  }
  const int16_t version = ctx.version();
  ctx.responder().Respond(
      [&](WireWriter& writer) { EncodeListGroupsResponse(writer, response, version); });
}

}  // namespace

const ApiSpec kListGroupsApi = {ApiKey::kListGroups, kListGroupsMinVersion, kServedMaxVersion,
                                kListGroupsFirstFlexibleVersion, &HandleListGroups};

}  // namespace ringlog
