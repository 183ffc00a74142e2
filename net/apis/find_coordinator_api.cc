// FindCoordinator: this single broker coordinates every consumer group, so a group key is
// answered with this broker's node id and advertised address. There is no transaction
// coordinator: a transactional id gets COORDINATOR_NOT_AVAILABLE, and an unknown key
// type INVALID_REQUEST, each with Kafka's "no node" (-1, "", -1). Up to v3 the request
// names one key and the answer sits at the top of the response; from v4 every key of the
// batch gets its own entry, in the request's order.
#include <string>
#include <utility>

#include "engine/group/group_coordinator.h"
#include "net/apis/apis.h"
#include "net/apis/request_context.h"
#include "net/codec/error_code.h"
#include "net/codec/find_coordinator_codec.h"

namespace ringlog {
namespace {

// Who coordinates keys of `key_type` (the key itself plays no part on a single broker).
FindCoordinatorResponse::Coordinator Locate(const BrokerServices& services, int8_t key_type) {
  FindCoordinatorResponse::Coordinator found;
  auto none = [&found](ErrorCode error, std::string message) {
    found.error_code = ToWire(error);
    found.error_message = std::move(message);
    found.node_id = -1;
    found.port = -1;
  };
  if (key_type == kCoordinatorKeyTransaction) {
    none(ErrorCode::kCoordinatorNotAvailable, "this broker has no transaction coordinator");
  } else if (key_type != kCoordinatorKeyGroup) {
    none(ErrorCode::kInvalidRequest, "unknown key type " + std::to_string(key_type));
  } else if (services.groups == nullptr) {
    none(ErrorCode::kCoordinatorNotAvailable, "no group coordinator");
  } else {
    found.node_id = services.config.node_id;
    found.host = services.config.advertised_host;
    found.port = services.config.advertised_port;
  }
  return found;
}

void HandleFindCoordinator(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<FindCoordinatorRequest> request = DecodeFindCoordinatorRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad FindCoordinator request: " + request.status().ToString());
    return;
  }
  const int16_t version = ctx.version();
  const FindCoordinatorResponse::Coordinator found = Locate(ctx.services(), request->key_type);
  FindCoordinatorResponse response;
  if (version >= kFindCoordinatorFirstBatchVersion) {
    for (const std::string& key : request->coordinator_keys) {
      FindCoordinatorResponse::Coordinator& entry = response.coordinators.emplace_back(found);
      entry.key = key;
    }
  } else {
    response.error_code = found.error_code;
    response.error_message = found.error_message;
    response.node_id = found.node_id;
    response.host = found.host;
    response.port = found.port;
  }
  ctx.responder().Respond(
      [&](WireWriter& writer) { EncodeFindCoordinatorResponse(writer, response, version); });
}

}  // namespace

const ApiSpec kFindCoordinatorApi = {ApiKey::kFindCoordinator, kFindCoordinatorMinVersion,
                                     kFindCoordinatorMaxVersion,
                                     kFindCoordinatorFirstFlexibleVersion, &HandleFindCoordinator};

}  // namespace ringlog
