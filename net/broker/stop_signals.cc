#include "net/broker/stop_signals.h"

#include <glog/logging.h>
#include <pthread.h>
#include <signal.h>

#include <csignal>
#include <cstdlib>
#include <cstring>

namespace ringlog {
namespace {

sigset_t StopSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

// Ends the process by the default action of `signal_number`, so that its parent sees it
// terminated by the signal it sent, exactly as if ringlog did not handle it.
[[noreturn]] void DieOf(int signal_number) {
  std::signal(signal_number, SIG_DFL);
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, signal_number);
  pthread_sigmask(SIG_UNBLOCK, &one, nullptr);
  ::raise(signal_number);
  std::_Exit(128 + signal_number);  // not reached: the signal ended the process
}

}  // namespace

StopSignals::StopSignals() {
  const sigset_t set = StopSet();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  watcher_ = std::thread([this] { Watch(); });
}

StopSignals::~StopSignals() {
  {
    std::lock_guard lock(mu_);
    closing_ = true;
    // A signal for the watcher alone ends its sigwait.
    if (!watcher_done_) pthread_kill(watcher_.native_handle(), SIGTERM);
  }
  watcher_.join();
}

void StopSignals::StartupDone() {
  std::lock_guard lock(mu_);
  startup_done_ = true;
}

int StopSignals::WaitForStop() {
  std::unique_lock lock(mu_);
  CHECK(startup_done_) << "WaitForStop before StartupDone";
  received_cv_.wait(lock, [this] { return received_ != 0; });
  return received_;
}

void StopSignals::Watch() {
  const sigset_t set = StopSet();
  while (true) {
    int signal_number = 0;
    // sigwait fails only for a set without valid signals.
    CHECK_EQ(sigwait(&set, &signal_number), 0);
    std::lock_guard lock(mu_);
    if (closing_) {
      watcher_done_ = true;
      return;
    }
    if (!startup_done_) {
      LOG(WARNING) << "received " << strsignal(signal_number)
                   << " during start-up: exiting without serving; the next start recovers";
      DieOf(signal_number);
    }
    if (received_ == 0) {
      received_ = signal_number;
      received_cv_.notify_all();
    } else {
      LOG(WARNING) << "received " << strsignal(signal_number)
                   << " again: not waiting for the controlled shutdown any longer";
      repeated_.store(true, std::memory_order_release);
    }
  }
}

}  // namespace ringlog
