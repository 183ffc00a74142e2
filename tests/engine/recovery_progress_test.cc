// RecoveryProgress: a line when recovery starts, one per interval while it runs (with the
// count and percentage), one when it is done; nothing for an empty data directory.
#include "engine/log/recovery_progress.h"

#include <glog/logging.h>
#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

namespace ringlog::testing {
namespace {

class CapturedLog final : public google::LogSink {
 public:
  CapturedLog() { google::AddLogSink(this); }
  ~CapturedLog() override { google::RemoveLogSink(this); }
  void send(google::LogSeverity, const char*, const char*, int, const google::LogMessageTime&,
            const char* message, size_t length) override {
    std::lock_guard<std::mutex> lock(mu_);
    lines_.emplace_back(message, length);
  }
  std::vector<std::string> lines() {
    std::lock_guard<std::mutex> lock(mu_);
    return lines_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> lines_;
};

TEST(RecoveryProgressTest, ReportsStartEveryIntervalAndEnd) {
  CapturedLog log;
  RecoveryProgress progress(4, 2, std::chrono::steady_clock::duration::zero());
  for (int i = 0; i < 4; ++i) progress.PartitionDone();
  progress.Finish();
  const std::vector<std::string> lines = log.lines();
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0], "recovering 4 partitions of 2 topics");
  EXPECT_EQ(lines[1].rfind("recovered 1 of 4 partitions (25%) in ", 0), 0u) << lines[1];
  EXPECT_EQ(lines[3].rfind("recovered 3 of 4 partitions (75%) in ", 0), 0u) << lines[3];
  // The last partition is reported by Finish alone.
  EXPECT_EQ(lines[4].rfind("recovered 4 partitions in ", 0), 0u) << lines[4];
}

TEST(RecoveryProgressTest, QuietWithinTheIntervalAndForNothing) {
  CapturedLog log;
  {
    RecoveryProgress progress(3, 1, std::chrono::hours(1));
    for (int i = 0; i < 3; ++i) progress.PartitionDone();
    progress.Finish();
  }
  {
    RecoveryProgress nothing(0, 0);
    nothing.Finish();
  }
  const std::vector<std::string> lines = log.lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "recovering 3 partitions of 1 topics");
  EXPECT_EQ(lines[1].rfind("recovered 3 partitions in ", 0), 0u) << lines[1];
}

}  // namespace
}  // namespace ringlog::testing
