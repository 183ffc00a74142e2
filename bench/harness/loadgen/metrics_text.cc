#include "bench/harness/loadgen/metrics_text.h"

#include <cstdlib>
#include <string>
#include <utility>

#include "bench/harness/loadgen/http_get.h"

namespace ringlog::bench {

Result<std::string> ScrapeMetrics(const std::string& host, int port) {
  ASSIGN_OR_RETURN(HttpAnswer answer, HttpGet(host, port, "/metrics"));
  if (answer.status != 200) {
    return Status::IOError("/metrics answered HTTP " + std::to_string(answer.status));
  }
  return std::move(answer.body);
}

std::optional<double> SeriesValue(std::string_view body, std::string_view series) {
  size_t line = 0;
  while (line < body.size()) {
    size_t end = body.find('\n', line);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view text = body.substr(line, end - line);
    if (text.size() > series.size() && text.substr(0, series.size()) == series &&
        text[series.size()] == ' ') {
      const std::string value(text.substr(series.size() + 1));
      char* parsed = nullptr;
      const double v = std::strtod(value.c_str(), &parsed);
      if (parsed != value.c_str()) return v;
      return std::nullopt;
    }
    line = end + 1;
  }
  return std::nullopt;
}

}  // namespace ringlog::bench
