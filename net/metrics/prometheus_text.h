// PrometheusText: writes metric families in the Prometheus text exposition format
// (version 0.0.4): a HELP and a TYPE line per family, then its samples, label values
// escaped. Callers write each family's samples together, as the format requires.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/histogram.h"

namespace ringlog {

using MetricLabels = std::vector<std::pair<std::string_view, std::string>>;

class PrometheusText {
 public:
  // The Content-Type of a response carrying this text.
  static constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

  // `type`: "counter", "gauge" or "histogram".
  void Family(std::string_view name, std::string_view type, std::string_view help);
  void Sample(std::string_view name, const MetricLabels& labels, double value);
  // The _bucket, _sum and _count samples of `histogram`, whose values (and bounds) are
  // multiplied by `scale` (1e-9 turns nanoseconds into seconds).
  void Histogram(std::string_view name, const MetricLabels& labels,
                 const Histogram::Snapshot& histogram, std::span<const uint64_t> bounds,
                 double scale);

  const std::string& text() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void AppendLabels(const MetricLabels& labels, std::string_view extra_name,
                    std::string_view extra_value);
  void AppendValue(double value);

  std::string out_;
};

}  // namespace ringlog
