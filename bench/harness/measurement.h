// Measurement: one figure of `ringlog bench`, the unit the harness prints and writes.
//
// Every measurement carries the machine limit it is compared with, measured in the same
// run (a raw sequential write, the loopback TCP limit, a raw file-to-socket copy ...), so
// that a reader sees how close ringlog comes to the hardware, not just a number.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>

namespace ringlog::bench {

// Latency percentiles in microseconds.
struct LatencySummary {
  double p50_us = 0;
  double p99_us = 0;
  double p999_us = 0;
};

struct Measurement {
  std::string suite;    // "seqio", "batching", "zerocopy", "backends", "latency", "librdkafka", ...
  std::string name;     // short readable label of the case, unique within the suite
  std::string backend;  // "uring", "rocksdb", or "" for a machine baseline
  // The case's parameters, e.g. {"block_bytes": "65536", "flush": "group"}.
  std::map<std::string, std::string> params;
  // Medians over the repetitions.
  double mb_per_s = 0;
  double records_per_s = 0;
  std::optional<LatencySummary> latency;
  int repetitions = 1;
  // The same-run limit this case is compared with; empty name: the case is a baseline.
  std::string baseline_name;
  double baseline_mb_per_s = 0;
  // mb_per_s / baseline_mb_per_s (or records/s when that is what both measure); 0 when
  // the case has no baseline.
  double ratio = 0;

  // Names the baseline and sets ratio = mb_per_s / baseline_mb_per_s (0 for a zero
  // baseline). Call once mb_per_s is set.
  void CompareWith(std::string baseline_label, double baseline) {
    baseline_name = std::move(baseline_label);
    baseline_mb_per_s = baseline;
    ratio = baseline > 0 ? mb_per_s / baseline : 0;
  }
};

// Receives the measurements of a run as they are made. Implementations write JSON lines,
// print the table, or both.
class MeasurementSink {
 public:
  virtual ~MeasurementSink() = default;
  virtual void Add(const Measurement& measurement) = 0;
};

}  // namespace ringlog::bench
