// ApiVersions: the advertised version of every served API, straight from the API table.
// Versions above the served range never reach this handler: the Broker answers them with
// the version 0 fallback (KIP-511).
#include <glog/logging.h>

#include "net/apis/api_table.h"
#include "net/apis/apis.h"
#include "net/apis/request_context.h"
#include "net/codec/api_versions_fallback.h"

namespace ringlog {
namespace {

void HandleApiVersions(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<ApiVersionsRequest> request = DecodeApiVersionsRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad ApiVersions request: " + request.status().ToString());
    return;
  }
  VLOG(1) << "ApiVersions v" << ctx.version() << " from " << ctx.connection().peer << " ("
          << request->client_software_name << " " << request->client_software_version << ")";
  ApiVersionsResponse response;
  for (const ApiSpec& spec : ServedApis()) {
    response.api_keys.push_back(
        ApiVersionRange{static_cast<int16_t>(spec.key), spec.min_version, spec.max_version});
  }
  ctx.responder().Answer(response, ctx.version(), EncodeApiVersionsResponse);
}

}  // namespace

const ApiSpec kApiVersionsApi = {ApiKey::kApiVersions, kApiVersionsMinVersion,
                                 kApiVersionsMaxVersion, kApiVersionsFirstFlexibleVersion,
                                 &HandleApiVersions};

}  // namespace ringlog
