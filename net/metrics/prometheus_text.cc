#include "net/metrics/prometheus_text.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace ringlog {

void PrometheusText::Family(std::string_view name, std::string_view type, std::string_view help) {
  out_.append("# HELP ").append(name).append(" ");
  // HELP text escapes backslash and newline only.
  for (char c : help) {
    if (c == '\\') {
      out_.append("\\\\");
    } else if (c == '\n') {
      out_.append("\\n");
    } else {
      out_.push_back(c);
    }
  }
  out_.append("\n# TYPE ").append(name).append(" ").append(type).append("\n");
}

void PrometheusText::AppendLabels(const MetricLabels& labels, std::string_view extra_name,
                                  std::string_view extra_value) {
  if (labels.empty() && extra_name.empty()) return;
  out_.push_back('{');
  bool first = true;
  auto append = [&](std::string_view name, std::string_view value) {
    if (!first) out_.push_back(',');
    first = false;
    out_.append(name).append("=\"");
    for (char c : value) {
      if (c == '\\') {
        out_.append("\\\\");
      } else if (c == '"') {
        out_.append("\\\"");
      } else if (c == '\n') {
        out_.append("\\n");
      } else {
        out_.push_back(c);
      }
    }
    out_.push_back('"');
  };
  for (const auto& [name, value] : labels) append(name, value);
  if (!extra_name.empty()) append(extra_name, extra_value);
  out_.push_back('}');
}

void PrometheusText::AppendValue(double value) {
  if (std::isinf(value)) {
    out_.append(value > 0 ? "+Inf" : "-Inf");
    return;
  }
  // The shortest text that reads back as the same double (integers print exactly).
  char buffer[32];
  const std::to_chars_result written = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out_.append(buffer, written.ptr);
}

void PrometheusText::Sample(std::string_view name, const MetricLabels& labels, double value) {
  out_.append(name);
  AppendLabels(labels, {}, {});
  out_.push_back(' ');
  AppendValue(value);
  out_.push_back('\n');
}

void PrometheusText::Histogram(std::string_view name, const MetricLabels& labels,
                               const Histogram::Snapshot& histogram,
                               std::span<const uint64_t> bounds, double scale) {
  const std::string bucket = std::string(name) + "_bucket";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (i < histogram.counts.size()) cumulative += histogram.counts[i];
    char le[32];
    std::snprintf(le, sizeof(le), "%g", static_cast<double>(bounds[i]) * scale);
    out_.append(bucket);
    AppendLabels(labels, "le", le);
    out_.push_back(' ');
    AppendValue(static_cast<double>(cumulative));
    out_.push_back('\n');
  }
  out_.append(bucket);
  AppendLabels(labels, "le", "+Inf");
  out_.push_back(' ');
  AppendValue(static_cast<double>(histogram.count));
  out_.push_back('\n');
  Sample(std::string(name) + "_sum", labels, static_cast<double>(histogram.sum) * scale);
  Sample(std::string(name) + "_count", labels, static_cast<double>(histogram.count));
}

}  // namespace ringlog
