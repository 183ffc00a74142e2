// MetricsText: values read out of a /metrics body in the Prometheus text format, for the
// suites that explain a figure with the broker's own counters.
#pragma once

#include <optional>
#include <string_view>

namespace ringlog::bench {

// The value of `series` (a name with its labels exactly as the broker writes them, e.g.
// `ringlog_request_duration_seconds_sum{api="EndTxn"}`) in `body`; nullopt when absent.
std::optional<double> SeriesValue(std::string_view body, std::string_view series);

}  // namespace ringlog::bench
