#include "engine/log/recovery_progress.h"

#include <glog/logging.h>

namespace ringlog {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

RecoveryProgress::RecoveryProgress(size_t partitions, size_t topics,
                                   std::chrono::steady_clock::duration interval)
    : total_(partitions), interval_(interval) {
  if (total_ > 0) LOG(INFO) << "recovering " << total_ << " partitions of " << topics << " topics";
}

void RecoveryProgress::PartitionDone() {
  ++done_;
  const auto now = std::chrono::steady_clock::now();
  if (now < next_report_ || done_ == total_) return;
  next_report_ = now + interval_;
  LOG(INFO) << "recovered " << done_ << " of " << total_ << " partitions (" << done_ * 100 / total_
            << "%) in " << SecondsSince(start_) << " s";
}

void RecoveryProgress::Finish() {
  if (total_ == 0) return;
  LOG(INFO) << "recovered " << done_ << " partitions in " << SecondsSince(start_) << " s";
}

}  // namespace ringlog
