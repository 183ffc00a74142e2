#include "bench/harness/table_sink.h"

#include <algorithm>
#include <string>

#include "bench/harness/fixed_text.h"

namespace ringlog::bench {
namespace {

// A figure, or "-" when it was not measured.
std::string Figure(double value, int decimals) { return value > 0 ? Fixed(value, decimals) : "-"; }

}  // namespace

void TableSink::Print(std::FILE* out) const {
  std::vector<std::vector<std::string>> cells = {{"suite", "case", "backend", "MB/s", "records/s",
                                                  "p50 us", "p99 us", "p99.9 us", "baseline",
                                                  "baseline MB/s", "ratio"}};
  for (const Measurement& m : rows_) {
    const bool latency = m.latency.has_value();
    cells.push_back({m.suite, m.name, m.backend.empty() ? "-" : m.backend, Figure(m.mb_per_s, 1),
                     Figure(m.records_per_s, 0), latency ? Fixed(m.latency->p50_us, 1) : "-",
                     latency ? Fixed(m.latency->p99_us, 1) : "-",
                     latency ? Fixed(m.latency->p999_us, 1) : "-",
                     m.baseline_name.empty() ? "-" : m.baseline_name,
                     Figure(m.baseline_mb_per_s, 1), Figure(m.ratio, 3)});
  }
  std::vector<size_t> widths(cells[0].size(), 0);
  for (const auto& row : cells) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  for (const auto& row : cells) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      // Text columns align left, figures right.
      const bool text = i < 3 || i == 8;
      const std::string pad(widths[i] - row[i].size(), ' ');
      line += text ? row[i] + pad : pad + row[i];
      if (i + 1 < row.size()) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::fprintf(out, "%s\n", line.c_str());
  }
}

}  // namespace ringlog::bench
