// MetricsText: the broker's /metrics scraped, and values read out of the body (the
// Prometheus text format), for the suites that scrape it or explain a figure with the
// broker's own counters.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/status.h"

namespace ringlog::bench {

// The body of one GET /metrics over a new connection (as Prometheus scrapes); IOError when
// the exchange fails or the answer is not 200.
Result<std::string> ScrapeMetrics(const std::string& host, int port);

// The value of `series` (a name with its labels exactly as the broker writes them, e.g.
// `ringlog_request_duration_seconds_sum{api="EndTxn"}`) in `body`; nullopt when absent.
std::optional<double> SeriesValue(std::string_view body, std::string_view series);

}  // namespace ringlog::bench
