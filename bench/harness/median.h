// Median: the figure `ringlog bench` reports over the repetitions of one case.
//
// The median, not the mean, because one slow repetition (a page-cache writeback, a
// background compaction) should not move the reported figure.
#pragma once

#include <vector>

namespace ringlog::bench {

// The median of `values`; the mean of the two middle values when the count is even, and 0
// for an empty vector.
double Median(std::vector<double> values);

// The nearest-rank `q`-quantile (0 < q <= 1) of `values`: the smallest value that at least
// q of them do not exceed; 0 for an empty vector. With 20 values, p99 is the largest.
double Percentile(std::vector<double> values, double q);

}  // namespace ringlog::bench
