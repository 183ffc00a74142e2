#include "net/server/log_rate_limiter.h"

#include <glog/logging.h>

#include <algorithm>

namespace ringlog {

LogRateLimiter::LogRateLimiter(Options options, const Clock* clock)
    : options_(options), clock_(clock) {
  CHECK_GE(options.burst, 1);
  CHECK_GE(options.interval_ms, 1);
}

LogRateLimiter::Verdict LogRateLimiter::Admit(std::string_view key) {
  const TimestampMs now = clock_->NowMs();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = budgets_.find(std::string(key));
  if (it == budgets_.end()) {
    if (budgets_.size() >= options_.max_keys) ForgetIdle(now);
    if (budgets_.size() >= options_.max_keys) {
      Verdict verdict = Charge(shared_, now);
      verdict.shared = true;
      return verdict;
    }
    it = budgets_.emplace(std::string(key), Budget{}).first;
  }
  return Charge(it->second, now);
}

LogRateLimiter::Verdict LogRateLimiter::Charge(Budget& budget, TimestampMs now) {
  const int64_t window = options_.burst * options_.interval_ms;
  // A clock stepped back must not lock a key out: the budget never starts in the future
  // by more than the window.
  budget.next_ms = std::clamp(budget.next_ms, now, now + window);
  Verdict verdict;
  // The line would take the budget past the window.
  if (budget.next_ms + options_.interval_ms - now > window) {
    if (budget.suppressed++ == 0) budget.first_suppressed_ms = now;
    return verdict;
  }
  budget.next_ms += options_.interval_ms;
  verdict.log = true;
  verdict.suppressed = budget.suppressed;
  if (budget.suppressed > 0) {
    verdict.suppressed_over_ms = std::max<int64_t>(0, now - budget.first_suppressed_ms);
  }
  budget.suppressed = 0;
  return verdict;
}

void LogRateLimiter::ForgetIdle(TimestampMs now) {
  std::erase_if(budgets_, [now](const auto& entry) {
    return entry.second.next_ms <= now && entry.second.suppressed == 0;
  });
}

size_t LogRateLimiter::tracked_keys() const {
  std::lock_guard<std::mutex> lock(mu_);
  return budgets_.size();
}

}  // namespace ringlog
