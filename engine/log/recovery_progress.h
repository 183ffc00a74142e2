// RecoveryProgress: start-up log lines that show how far the recovery of a large data
// directory is, so that an operator waiting for thousands of partitions sees it move: one
// line when it starts, one every few seconds while it runs, one when it is done.
//
// Thread-compatible: one recovering thread calls it.
#pragma once

#include <chrono>
#include <cstddef>

namespace ringlog {

class RecoveryProgress final {
 public:
  // `partitions` of `topics` are about to be recovered.
  RecoveryProgress(size_t partitions, size_t topics,
                   std::chrono::steady_clock::duration interval = std::chrono::seconds(2));

  // One more partition is recovered.
  void PartitionDone();
  // Every partition is recovered.
  void Finish();

 private:
  const size_t total_;
  const std::chrono::steady_clock::duration interval_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point next_report_ = start_ + interval_;
  size_t done_ = 0;
};

}  // namespace ringlog
