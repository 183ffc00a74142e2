#include "net/server/log_rate_limiter.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/clock.h"
#include "net/server/peer_log.h"

namespace ringlog::testing {
namespace {

LogRateLimiter::Options Burst3PerSecond(size_t max_keys = 4096) {
  LogRateLimiter::Options options;
  options.burst = 3;
  options.interval_ms = 1000;
  options.max_keys = max_keys;
  return options;
}

// How many of `n` lines about `key` may be written now.
int Logged(LogRateLimiter& limiter, const std::string& key, int n) {
  int logged = 0;
  for (int i = 0; i < n; ++i) logged += limiter.Admit(key).log ? 1 : 0;
  return logged;
}

TEST(LogRateLimiterTest, ABurstThenOneLinePerInterval) {
  ManualClock clock(1'000'000);
  LogRateLimiter limiter(Burst3PerSecond(), &clock);
  EXPECT_EQ(Logged(limiter, "10.0.0.1", 1000), 3);
  clock.Advance(999);
  EXPECT_EQ(Logged(limiter, "10.0.0.1", 1000), 0);
  clock.Advance(1);
  EXPECT_EQ(Logged(limiter, "10.0.0.1", 1000), 1);
  clock.Advance(10'000);
  EXPECT_EQ(Logged(limiter, "10.0.0.1", 1000), 3) << "a full burst again after a quiet spell";
}

TEST(LogRateLimiterTest, TheNextLoggedLineCarriesTheSuppressedCount) {
  ManualClock clock(1'000'000);
  LogRateLimiter limiter(Burst3PerSecond(), &clock);
  EXPECT_EQ(Logged(limiter, "peer", 3), 3);
  clock.Advance(200);
  EXPECT_EQ(Logged(limiter, "peer", 5), 0);
  clock.Advance(1000);
  const LogRateLimiter::Verdict verdict = limiter.Admit("peer");
  EXPECT_TRUE(verdict.log);
  EXPECT_EQ(verdict.suppressed, 5u);
  EXPECT_EQ(verdict.suppressed_over_ms, 1000);
  EXPECT_FALSE(verdict.shared);
  clock.Advance(1000);
  EXPECT_EQ(limiter.Admit("peer").suppressed, 0u) << "the count is reported once";
}

TEST(LogRateLimiterTest, KeysHaveTheirOwnBudgets) {
  ManualClock clock(1'000'000);
  LogRateLimiter limiter(Burst3PerSecond(), &clock);
  EXPECT_EQ(Logged(limiter, "a", 10), 3);
  EXPECT_EQ(Logged(limiter, "b", 10), 3);
}

TEST(LogRateLimiterTest, AClockSteppedBackDoesNotSilenceAKeyForLong) {
  ManualClock clock(1'000'000);
  LogRateLimiter limiter(Burst3PerSecond(), &clock);
  EXPECT_EQ(Logged(limiter, "peer", 3), 3);
  clock.Set(1'000'000 - 3'600'000);
  EXPECT_EQ(Logged(limiter, "peer", 10), 0);
  clock.Advance(1000);
  EXPECT_EQ(Logged(limiter, "peer", 10), 1);
}

TEST(LogRateLimiterTest, IdleKeysAreForgottenAndOverflowKeysShareABudget) {
  ManualClock clock(1'000'000);
  LogRateLimiter limiter(Burst3PerSecond(/*max_keys=*/2), &clock);
  EXPECT_EQ(Logged(limiter, "a", 5), 3);
  EXPECT_EQ(Logged(limiter, "b", 5), 3);
  // a and b are still limited: c and d share one budget.
  EXPECT_EQ(Logged(limiter, "c", 2) + Logged(limiter, "d", 2), 3);
  EXPECT_TRUE(limiter.Admit("e").shared);
  EXPECT_EQ(limiter.tracked_keys(), 2u);
  // Once a's and b's budgets are full again (and their counts reported), they make room.
  clock.Advance(10'000);
  EXPECT_EQ(limiter.Admit("a").suppressed, 2u);
  EXPECT_EQ(limiter.Admit("b").suppressed, 2u);
  clock.Advance(10'000);
  const LogRateLimiter::Verdict verdict = limiter.Admit("c");
  EXPECT_TRUE(verdict.log);
  EXPECT_FALSE(verdict.shared);
  EXPECT_EQ(limiter.tracked_keys(), 1u);
}

TEST(PeerHostTest, DropsThePort) {
  EXPECT_EQ(PeerHost("127.0.0.1:53311"), "127.0.0.1");
  EXPECT_EQ(PeerHost("[::1]:9092"), "[::1]");
  EXPECT_EQ(PeerHost("[fe80::1%eth0]:1"), "[fe80::1%eth0]");
  EXPECT_EQ(PeerHost("::1"), "::1");
  EXPECT_EQ(PeerHost("somehost"), "somehost");
}

}  // namespace
}  // namespace ringlog::testing
