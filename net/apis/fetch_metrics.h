// Counts a Fetch response's traffic into the broker's metrics: record bytes and records out
// per topic. Called once per response, just before it is encoded; its error codes are
// counted by the Responder that answers it.
#pragma once

#include "net/codec/fetch_codec.h"
#include "net/metrics/request_metrics.h"

namespace ringlog {

// `request`: the request answered, its topics named (NameTopicsById), for responses of
// versions that carry topic ids only. A null `metrics` counts nothing.
void CountFetchTraffic(RequestMetrics* metrics, const FetchRequest& request,
                       const FetchResponse& response);

}  // namespace ringlog
