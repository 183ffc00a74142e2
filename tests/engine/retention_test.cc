#include "engine/log/retention.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace ringlog {
namespace {

using std::chrono::milliseconds;

// Closed segments of `size` bytes each, 10 offsets apart, with the given max timestamps.
std::vector<SegmentInfo> Segments(const std::vector<TimestampMs>& max_timestamps,
                                  uint64_t size = 100) {
  std::vector<SegmentInfo> out;
  Offset base = 0;
  for (TimestampMs ts : max_timestamps) {
    out.push_back({base, base + 10, size, ts});
    base += 10;
  }
  return out;
}

RetentionInput Input(const std::vector<SegmentInfo>& segments, uint64_t total_bytes,
                     TimestampMs now, Offset log_start = 0) {
  return {segments, total_bytes, log_start, now};
}

struct TimeCase {
  std::string name;
  std::vector<TimestampMs> max_timestamps;
  int64_t retention_ms;
  TimestampMs now;
  size_t expected;
};

class TimeRetentionTest : public ::testing::TestWithParam<TimeCase> {};

TEST_P(TimeRetentionTest, DeletesSegmentsOlderThanTheWindow) {
  const TimeCase& c = GetParam();
  const auto segments = Segments(c.max_timestamps);
  const auto policy = NewTimeRetention(milliseconds(c.retention_ms));
  EXPECT_EQ(policy->DeletablePrefix(Input(segments, 1000, c.now)), c.expected);
  EXPECT_EQ(policy->name(), "time");
}

INSTANTIATE_TEST_SUITE_P(
    Table, TimeRetentionTest,
    ::testing::Values(TimeCase{"NoSegments", {}, 100, 1000, 0},
                      TimeCase{"AllOld", {100, 200, 300}, 100, 1000, 3},
                      TimeCase{"NoneOld", {950, 960, 970}, 100, 1000, 0},
                      TimeCase{"PrefixOnly", {100, 200, 950, 300}, 100, 1000, 2},
                      // max_timestamp == now - retention is still inside the window.
                      TimeCase{"BoundaryKept", {899, 900, 901}, 100, 1000, 1},
                      TimeCase{"NoTimestampKeptAndStops", {100, kNoTimestamp, 100}, 100, 1000, 1},
                      TimeCase{"NoTimestampFirst", {kNoTimestamp, 100}, 100, 1000, 0},
                      TimeCase{"ZeroRetention", {999, 1000}, 0, 1000, 1},
                      TimeCase{"NegativeRetentionKeepsAll", {1, 2}, -1, 1000, 0},
                      TimeCase{"HugeWindowKeepsAll", {1, 2}, INT64_MAX, -10, 0},
                      TimeCase{"FutureTimestampStops", {100, 5000, 100}, 100, 1000, 1}),
    [](const auto& param_info) { return param_info.param.name; });

struct SizeCase {
  std::string name;
  std::vector<uint64_t> sizes;  // closed segments
  uint64_t active_bytes;
  uint64_t max_bytes;
  size_t expected;
};

class SizeRetentionTest : public ::testing::TestWithParam<SizeCase> {};

TEST_P(SizeRetentionTest, DeletesOldestWhileStillAtOrAboveLimit) {
  const SizeCase& c = GetParam();
  std::vector<SegmentInfo> segments;
  uint64_t total = c.active_bytes;
  for (size_t i = 0; i < c.sizes.size(); ++i) {
    segments.push_back(
        {static_cast<Offset>(i * 10), static_cast<Offset>(i * 10 + 10), c.sizes[i], 1000});
    total += c.sizes[i];
  }
  const auto policy = NewSizeRetention(c.max_bytes);
  EXPECT_EQ(policy->DeletablePrefix(Input(segments, total, 0)), c.expected);
  EXPECT_EQ(policy->name(), "size");
}

INSTANTIATE_TEST_SUITE_P(
    Table, SizeRetentionTest,
    ::testing::Values(SizeCase{"NoSegments", {}, 500, 100, 0},
                      SizeCase{"UnderLimit", {100, 100}, 50, 1000, 0},
                      SizeCase{"ExactlyAtLimitKeepsAll", {100, 100}, 100, 300, 0},
                      // 300 total, limit 200: dropping 100 leaves 200 >= 200, so it goes.
                      SizeCase{"DropToExactLimit", {100, 100}, 100, 200, 1},
                      SizeCase{"DropUntilBelowWouldBreach", {100, 100, 100}, 100, 150, 2},
                      // Dropping the big first segment would leave 150 < 200: keep it.
                      SizeCase{"BigOldestSegmentKept", {300, 100}, 50, 200, 0},
                      // The active segment alone is over the limit: every closed one goes.
                      SizeCase{"ActiveAloneOverLimit", {100, 100}, 5000, 10, 2},
                      SizeCase{"ZeroLimit", {100, 100}, 0, 0, 2}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(StartOffsetRetentionTest, DeletesSegmentsEntirelyBelowLogStart) {
  const auto segments = Segments({1, 2, 3});  // [0,10) [10,20) [20,30)
  const auto policy = NewStartOffsetRetention();
  EXPECT_EQ(policy->name(), "start-offset");
  EXPECT_EQ(policy->DeletablePrefix(Input(segments, 0, 0, 0)), 0u);
  EXPECT_EQ(policy->DeletablePrefix(Input(segments, 0, 0, 9)), 0u);
  EXPECT_EQ(policy->DeletablePrefix(Input(segments, 0, 0, 10)), 1u);
  EXPECT_EQ(policy->DeletablePrefix(Input(segments, 0, 0, 25)), 2u);
  EXPECT_EQ(policy->DeletablePrefix(Input(segments, 0, 0, 30)), 3u);
  // A start offset beyond every closed segment still names closed segments only.
  EXPECT_EQ(policy->DeletablePrefix(Input(segments, 0, 0, 1000)), 3u);
}

TEST(AnyOfRetentionTest, TakesTheLongestPrefix) {
  // Timestamps: the first two are old. Sizes: limit lets three go. Start offset: one.
  const auto segments = Segments({100, 100, 950, 960}, 100);
  std::vector<std::unique_ptr<RetentionPolicy>> policies;
  policies.push_back(NewTimeRetention(milliseconds(100)));
  policies.push_back(NewSizeRetention(100));
  policies.push_back(NewStartOffsetRetention());
  const auto any = NewAnyOfRetention(std::move(policies));
  EXPECT_EQ(any->name(), "any-of");
  // total 500 (400 closed + 100 active): size drops 4 (500-400 = 100 >= 100).
  EXPECT_EQ(any->DeletablePrefix(Input(segments, 500, 1000, 10)), 4u);
  // total 400 with no active bytes: size drops 3; time drops 2; start offset 1.
  EXPECT_EQ(any->DeletablePrefix(Input(segments, 400, 1000, 10)), 3u);
  // Size off (huge limit): time wins with 2.
  std::vector<std::unique_ptr<RetentionPolicy>> time_and_start;
  time_and_start.push_back(NewTimeRetention(milliseconds(100)));
  time_and_start.push_back(NewStartOffsetRetention());
  const auto two = NewAnyOfRetention(std::move(time_and_start));
  EXPECT_EQ(two->DeletablePrefix(Input(segments, 400, 1000, 10)), 2u);
  EXPECT_EQ(two->DeletablePrefix(Input(segments, 400, 1000, 35)), 3u);
}

TEST(AnyOfRetentionTest, EmptySetDeletesNothing) {
  const auto segments = Segments({1, 2});
  EXPECT_EQ(NewAnyOfRetention({})->DeletablePrefix(Input(segments, 1, 1000000, 100)), 0u);
}

// However extreme the inputs, no policy names more than the closed segments it was shown.
TEST(RetentionTest, NeverMoreThanClosedSegments) {
  std::vector<std::unique_ptr<RetentionPolicy>> all;
  all.push_back(NewTimeRetention(milliseconds(0)));
  all.push_back(NewSizeRetention(0));
  all.push_back(NewStartOffsetRetention());
  std::vector<std::unique_ptr<RetentionPolicy>> inner;
  inner.push_back(NewTimeRetention(milliseconds(0)));
  inner.push_back(NewSizeRetention(0));
  inner.push_back(NewStartOffsetRetention());
  all.push_back(NewAnyOfRetention(std::move(inner)));
  for (size_t n = 0; n < 5; ++n) {
    std::vector<TimestampMs> old(n, 1);
    const auto segments = Segments(old, 100);
    const RetentionInput in = Input(segments, UINT64_MAX, INT64_MAX, INT64_MAX);
    for (const auto& policy : all) {
      EXPECT_EQ(policy->DeletablePrefix(in), n) << policy->name() << " with " << n;
    }
  }
}

}  // namespace
}  // namespace ringlog
