// ListPartitionReassignments: the partition moves in progress, of every topic (null topics)
// or of the partitions named; partitions not moving, and unknown ones, are left out. In a
// cluster the controller reads them from the assignment znodes
// (ClusterAdmin::ListPartitionReassignments; another broker forwards the request, and
// answers NOT_CONTROLLER when the controller cannot be reached). A single broker never
// moves a partition: its list is empty.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "net/apis/admin_handoff.h"
#include "net/apis/apis.h"
#include "net/apis/controller_forward.h"
#include "net/apis/request_context.h"
#include "net/cluster/cluster_admin.h"
#include "net/codec/error_code.h"
#include "net/codec/list_partition_reassignments_codec.h"

namespace ringlog {
namespace {

using Request = ListPartitionReassignmentsRequest;
using Response = ListPartitionReassignmentsResponse;

Response ResponseOf(const ReassignmentListing& listing) {
  Response response;
  response.error_code = ToWire(listing.error);
  if (listing.error != ErrorCode::kNone) {
    response.error_message = listing.message;
    return response;
  }
  for (const OngoingReassignment& move : listing.ongoing) {
    if (response.topics.empty() || response.topics.back().name != move.topic) {
      response.topics.emplace_back().name = move.topic;
    }
    response.topics.back().partitions.push_back(
        {move.partition, move.replicas, move.adding, move.removing});
  }
  return response;
}

void Serve(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<Request> request = DecodeListPartitionReassignmentsRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad ListPartitionReassignments request: " + request.status().ToString());
    return;
  }
  ReassignmentListing listing;
  ClusterView* cluster = ctx.services().cluster;
  if (cluster != nullptr) {
    if (ClusterAdmin* admin = cluster->admin(); admin != nullptr) {
      std::optional<std::map<std::string, std::vector<int32_t>>> wanted;
      if (request->topics) {
        wanted.emplace();
        for (const Request::Topic& topic : *request->topics) {
          std::vector<int32_t>& partitions = (*wanted)[topic.name];
          partitions.insert(partitions.end(), topic.partition_indexes.begin(),
                            topic.partition_indexes.end());
        }
      }
      listing = admin->ListPartitionReassignments(wanted);
    } else {
      Result<std::string> body = ForwardToController(ctx, ForwardTimeout(request->timeout_ms));
      if (body.ok()) {
        RelayResponseBody(ctx, *body);
        return;
      }
      listing = {ErrorCode::kNotController,
                 "the controller is not reachable: " + body.status().ToString(),
                 {}};
    }
  }
  const Response response = ResponseOf(listing);
  ctx.responder().Answer(response, ctx.version(), EncodeListPartitionReassignmentsResponse);
}

void Handle(RequestContext& ctx) { HandOffToAdmin(ctx, &Serve); }

}  // namespace

const ApiSpec kListPartitionReassignmentsApi = {
    ApiKey::kListPartitionReassignments, kListPartitionReassignmentsMinVersion,
    kListPartitionReassignmentsMaxVersion, kListPartitionReassignmentsFirstFlexibleVersion,
    &Handle};

}  // namespace ringlog
