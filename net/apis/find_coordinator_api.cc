// FindCoordinator: this single broker coordinates every consumer group, so a group key is
// answered with this broker's node id and advertised address. There is no transaction
// coordinator: a transactional id gets COORDINATOR_NOT_AVAILABLE, and an unknown key
// type INVALID_REQUEST, each with Kafka's "no node" (-1, "", -1).
#include <string>

#include "engine/group/group_coordinator.h"
#include "net/apis/apis.h"
#include "net/apis/request_context.h"
#include "net/codec/error_code.h"
#include "net/codec/find_coordinator_codec.h"

namespace ringlog {
namespace {

FindCoordinatorResponse NoCoordinator(ErrorCode error, std::string message) {
  FindCoordinatorResponse response;
  response.error_code = ToWire(error);
  response.error_message = std::move(message);
  response.node_id = -1;
  response.port = -1;
  return response;
}

void HandleFindCoordinator(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<FindCoordinatorRequest> request = DecodeFindCoordinatorRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad FindCoordinator request: " + request.status().ToString());
    return;
  }
  const BrokerServices& services = ctx.services();
  FindCoordinatorResponse response;
  if (request->key_type == kCoordinatorKeyTransaction) {
    response = NoCoordinator(ErrorCode::kCoordinatorNotAvailable,
                             "this broker has no transaction coordinator");
  } else if (request->key_type != kCoordinatorKeyGroup) {
    response = NoCoordinator(ErrorCode::kInvalidRequest,
                             "unknown key type " + std::to_string(request->key_type));
  } else if (services.groups == nullptr) {
    response = NoCoordinator(ErrorCode::kCoordinatorNotAvailable, "no group coordinator");
  } else {
    response.node_id = services.config.node_id;
    response.host = services.config.advertised_host;
    response.port = services.config.advertised_port;
  }
  const int16_t version = ctx.version();
  ctx.responder().Respond(
      [&](WireWriter& writer) { EncodeFindCoordinatorResponse(writer, response, version); });
}

}  // namespace

const ApiSpec kFindCoordinatorApi = {ApiKey::kFindCoordinator, kFindCoordinatorMinVersion,
                                     kFindCoordinatorMaxVersion, kNeverFlexible,
                                     &HandleFindCoordinator};

}  // namespace ringlog
