// ControlledShutdown (API 7): a broker about to stop asks the controller to move its
// leaderships to other in-sync replicas first. Only the active controller serves it; any
// other broker (and a single broker) answers NOT_CONTROLLER, as Kafka's brokers do. The
// controller's work (a reconciliation pass that moves the leaderships, then a read of what
// the broker still leads) runs on the controller's own thread
// (ClusterAdmin::ControlledShutdownAsync), never on the event loop. Version 0 arrives with
// request header v0 (no client id): the dispatcher knows it (RequestHeaderHasRest).
#include <glog/logging.h>

#include <memory>
#include <string>
#include <utility>

#include "net/apis/apis.h"
#include "net/apis/request_context.h"
#include "net/cluster/cluster_admin.h"
#include "net/cluster/cluster_view.h"
#include "net/codec/controlled_shutdown_codec.h"
#include "net/codec/error_code.h"

namespace ringlog {
namespace {

void Respond(RequestContext& ctx, const ControlledShutdownResponse& response) {
  ctx.responder().Answer(response, ctx.version(), EncodeControlledShutdownResponse);
}

ControlledShutdownResponse ResponseTo(const ControlledShutdownOutcome& outcome) {
  ControlledShutdownResponse response;
  response.error_code = ToWire(outcome.error);
  for (const PartitionId& led : outcome.remaining) {
    response.remaining_partitions.push_back(
        {.topic_name = led.topic, .partition_index = led.partition});
  }
  return response;
}

void HandleControlledShutdown(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<ControlledShutdownRequest> request =
      DecodeControlledShutdownRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad ControlledShutdown request: " + request.status().ToString());
    return;
  }
  ClusterView* cluster = ctx.services().cluster;
  ClusterAdmin* admin = cluster != nullptr ? cluster->admin() : nullptr;
  if (admin == nullptr) {
    LOG(INFO) << "ControlledShutdown of broker " << request->broker_id << " from "
              << ctx.connection().peer << ": this broker is not the controller";
    Respond(ctx, ResponseTo({ErrorCode::kNotController, {}, {}}));
    return;
  }
  std::shared_ptr<RequestContext> held = std::move(ctx).Detach();
  admin->ControlledShutdownAsync(
      request->broker_id, request->broker_epoch, [held](const ControlledShutdownOutcome& outcome) {
        if (outcome.error != ErrorCode::kNone) {
          LOG(INFO) << "ControlledShutdown from " << held->connection().peer << ": "
                    << outcome.message;
        }
        Respond(*held, ResponseTo(outcome));
      });
}

}  // namespace

const ApiSpec kControlledShutdownApi = {
    ApiKey::kControlledShutdown, kControlledShutdownMinVersion, kControlledShutdownMaxVersion,
    kControlledShutdownFirstFlexibleVersion, &HandleControlledShutdown};

}  // namespace ringlog
