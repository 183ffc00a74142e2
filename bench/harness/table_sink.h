// TableSink: keeps the measurements of a run and prints them as one aligned table at the
// end, beside their baselines and ratios:
//
//   suite  case                       backend  MB/s    records/s  p50 us ...  baseline  ratio
//   seqio  uring 64KiB flush=none     uring    1900.2  29000      -           2010.7    0.95
//
// Thread safety: thread-compatible.
#pragma once

#include <cstdio>
#include <vector>

#include "bench/harness/measurement.h"

namespace ringlog::bench {

class TableSink final : public MeasurementSink {
 public:
  void Add(const Measurement& measurement) override { rows_.push_back(measurement); }
  // Prints every measurement so far to `out`, one row each, in the order they came.
  void Print(std::FILE* out) const;

 private:
  std::vector<Measurement> rows_;
};

}  // namespace ringlog::bench
