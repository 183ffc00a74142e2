// Counts a Fetch response into the broker's metrics: record bytes out per topic and each
// partition's error code. Called once per response, just before it is encoded.
#pragma once

#include "net/codec/fetch_codec.h"
#include "net/metrics/request_metrics.h"

namespace ringlog {

// `request`: the request answered, its topics named (NameTopicsById), for responses of
// versions that carry topic ids only. A null `metrics` counts nothing.
void CountFetchResponse(RequestMetrics* metrics, const FetchRequest& request,
                        const FetchResponse& response);

}  // namespace ringlog
