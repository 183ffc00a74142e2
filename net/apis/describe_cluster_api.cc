// DescribeCluster: the cluster id, the controller and the live brokers. In a cluster they
// come from this broker's snapshot; the single broker describes itself as a cluster of
// one, its own controller. Authorized operations are not tracked (no ACLs): the field
// keeps Kafka's "omitted" value. Only brokers can be described: ringlog has no KRaft
// controller endpoints, so endpoint type 2 is UNSUPPORTED_ENDPOINT_TYPE, as a Kafka
// broker answers it.
#include <memory>

#include "net/apis/apis.h"
#include "net/apis/request_context.h"
#include "net/cluster/cluster_view.h"
#include "net/codec/describe_cluster_codec.h"
#include "net/codec/error_code.h"

namespace ringlog {
namespace {

DescribeClusterResponse Describe(const BrokerServices& services) {
  DescribeClusterResponse response;
  if (services.cluster == nullptr) {
    const BrokerConfig& config = services.config;
    response.cluster_id = config.cluster_id;
    response.controller_id = config.node_id;
    response.brokers.push_back(
        {config.node_id, config.advertised_host, config.advertised_port, std::nullopt});
    return response;
  }
  const std::shared_ptr<const ClusterSnapshot> snapshot = services.cluster->Snapshot();
  response.cluster_id = snapshot->cluster_id;
  response.controller_id = snapshot->controller_id;
  for (const auto& [id, broker] : snapshot->brokers) {
    response.brokers.push_back({id, broker.host, broker.port, broker.rack});
  }
  return response;
}

void HandleDescribeCluster(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<DescribeClusterRequest> request = DecodeDescribeClusterRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad DescribeCluster request: " + request.status().ToString());
    return;
  }
  DescribeClusterResponse response;
  if (request->endpoint_type == kDescribeClusterEndpointBrokers) {
    response = Describe(ctx.services());
  } else {
    response.error_code = ToWire(ErrorCode::kUnsupportedEndpointType);
    response.error_message = "this broker describes brokers (endpoint type 1) only";
  }
  response.endpoint_type = request->endpoint_type;
  ctx.responder().Answer(response, ctx.version(), EncodeDescribeClusterResponse);
}

}  // namespace

const ApiSpec kDescribeClusterApi = {ApiKey::kDescribeCluster, kDescribeClusterMinVersion,
                                     kDescribeClusterMaxVersion,
                                     kDescribeClusterFirstFlexibleVersion, &HandleDescribeCluster};

}  // namespace ringlog
