#include "bench/harness/loadgen/metrics_text.h"

#include <cstdlib>
#include <string>

namespace ringlog::bench {

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
