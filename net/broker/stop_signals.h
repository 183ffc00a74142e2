// StopSignals: what SIGTERM and SIGINT do to `ringlog serve`, from the first instruction of
// start-up to the end.
//
// While the broker serves, a stop signal starts the orderly stop (WaitForStop returns). A
// second one while it stops means the operator will not wait: Repeated() turns true, and
// the waits that may be skipped (the controlled shutdown's) end early; the stop itself stays
// orderly, so that what was acknowledged is flushed.
// During start-up (opening the data dir, recovering the logs, replaying group offsets,
// which may take minutes on a big data dir), a stop signal ends the process at once, as
// the default action of the signal would: no client has been answered yet, so nothing is
// owed, and every start-up step must already survive a kill -9 at any point (the next
// start recovers again), so ending there damages nothing. Waiting for start-up to finish
// first would make an operator's SIGTERM look ignored.
//
// The signals are blocked in every thread and received by one watcher thread with
// sigwait, so no thread is interrupted and no async-signal-safety rules apply.
//
// Usage (the constructor must run before any other thread of the process starts, so that
// every thread inherits the blocked mask):
//   StopSignals signals;
//   ... start-up ...
//   signals.StartupDone();
//   ... serve ...
//   int signal_number = signals.WaitForStop();
//
// Thread safety: thread-safe. One StopSignals per process.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace ringlog {

class StopSignals {
 public:
  // Blocks SIGTERM and SIGINT in the calling thread (threads it starts later inherit the
  // mask) and starts watching for them.
  StopSignals();
  // Stops watching; the signals stay blocked.
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // Start-up is over: from now on a stop signal is for WaitForStop.
  void StartupDone();
  // Blocks until SIGTERM or SIGINT arrived and returns its number.
  // REQUIRES: StartupDone() was called.
  int WaitForStop();
  // True once another stop signal arrived after the one WaitForStop returned.
  bool Repeated() const { return repeated_.load(std::memory_order_acquire); }

 private:
  void Watch();

  std::mutex mu_;
  std::condition_variable received_cv_;
  bool startup_done_ = false;
  bool closing_ = false;
  // Set by the watcher when it ends (on closing_); it waits no more after that.
  bool watcher_done_ = false;
  int received_ = 0;
  std::atomic<bool> repeated_{false};
  std::thread watcher_;
};

}  // namespace ringlog
