// Fetch: record batches from each asked-for partition (net/apis/fetch_reader.h), answered
// at once when there are min_bytes of them, else after a long poll (delayed_fetch.h).
// Records travel as their own frame parts, so file slices go out with splice, uncopied.
//
// Fetch sessions (v7+, KIP-227) are not kept: every response carries session id 0, which
// tells the client that no session was created and that it must keep sending full fetches.
#include <algorithm>
#include <utility>

#include "net/apis/apis.h"
#include "net/apis/delayed_fetch.h"
#include "net/apis/fetch_metrics.h"
#include "net/apis/fetch_reader.h"
#include "net/apis/request_context.h"
#include "net/codec/fetch_codec.h"

namespace ringlog {
namespace {

void HandleFetch(RequestContext& ctx) {
  WireReader reader = ctx.BodyReader();
  Result<FetchRequest> request = DecodeFetchRequest(reader, ctx.version());
  if (!request.ok()) {
    ctx.responder().Close("bad Fetch request: " + request.status().ToString());
    return;
  }
  NameTopicsById(*ctx.services().logs, *request, ctx.version());
  FetchPass pass = ReadFetch(ctx.services(), *request, ctx.version());
  const bool enough = pass.record_bytes >= static_cast<uint64_t>(std::max(request->min_bytes, 0));
  if (!enough && !pass.has_error && request->max_wait_ms > 0 &&
      ctx.services().watchers != nullptr) {
    DelayedFetch::Start(ctx, std::move(*request), pass);
    return;
  }
  CountFetchTraffic(ctx.services().metrics, *request, pass.response);
  ctx.responder().AnswerInFrame(pass.response, ctx.version(), EncodeFetchResponse);
}

}  // namespace

const ApiSpec kFetchApi = {ApiKey::kFetch, kFetchMinVersion, kFetchMaxVersion,
                           kFetchFirstFlexibleVersion, &HandleFetch};

}  // namespace ringlog
