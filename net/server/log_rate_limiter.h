// LogRateLimiter: decides whether a log line about some key (a peer's address) may be
// written, so that a peer sending a flood of bad requests cannot flood the log. Each key
// may log a burst of lines at once and then one line per interval; the lines it may not
// write are counted, and the next line it may write carries the count:
//
//   burst 3, interval 1 s:  t=0.0 a b c d e    -> a b c logged; d e suppressed
//                           t=1.0 f            -> f logged, and "2 suppressed in the last 1.0 s"
//
// The keys tracked at once are bounded: a key whose budget is back to a full burst is
// forgotten when room is needed, and when every tracked key is still limited, new keys
// share one budget (reported as `shared`).
//
// Thread safety: thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "engine/clock.h"
#include "engine/types.h"

namespace ringlog {

class LogRateLimiter {
 public:
  struct Options {
    // Lines a key may write at once.
    int64_t burst = 10;
    // After the burst, one more line per interval.
    int64_t interval_ms = 1000;
    // Keys tracked at once.
    size_t max_keys = 4096;
  };

  // What to do with one line.
  struct Verdict {
    bool log = false;
    // When `log`: lines of the key suppressed since its last logged one, and the time from
    // the first of them to now.
    uint64_t suppressed = 0;
    int64_t suppressed_over_ms = 0;
    // The key was counted in the budget that untracked keys share.
    bool shared = false;
  };

  // `clock` must outlive the limiter.
  LogRateLimiter(Options options, const Clock* clock);
  LogRateLimiter(const LogRateLimiter&) = delete;
  LogRateLimiter& operator=(const LogRateLimiter&) = delete;

  // Counts one line about `key` and says whether to write it.
  Verdict Admit(std::string_view key);

  size_t tracked_keys() const;

 private:
  // A key's budget as a theoretical arrival time: each line written pushes `next_ms` one
  // interval on, and a line is written only if that leaves it at most burst intervals
  // ahead of now.
  struct Budget {
    TimestampMs next_ms = 0;
    uint64_t suppressed = 0;
    TimestampMs first_suppressed_ms = 0;
  };

  Verdict Charge(Budget& budget, TimestampMs now);
  // Forgets the keys whose budget is full again; REQUIRES mu_.
  void ForgetIdle(TimestampMs now);

  const Options options_;
  const Clock* const clock_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Budget> budgets_;
  Budget shared_;
};

}  // namespace ringlog
