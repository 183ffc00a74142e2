// StopSignals: a stop signal during start-up ends the process at once, killed by that
// signal; after start-up it is handed to WaitForStop. Each case runs in a child process
// (a death test), since signal masks and dispositions are process-wide.
#include "net/broker/stop_signals.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace ringlog::testing {
namespace {

class StopSignalsDeathTest : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(StopSignalsDeathTest, SignalDuringStartupEndsTheProcessAtOnce) {
  EXPECT_EXIT(
      {
        StopSignals signals;
        ::kill(::getpid(), SIGTERM);
        // A start-up far longer than the test: only the signal can end it.
        std::this_thread::sleep_for(std::chrono::seconds(60));
        std::_Exit(0);
      },
      ::testing::KilledBySignal(SIGTERM), "during start-up");
}

TEST_F(StopSignalsDeathTest, SignalAfterStartupIsHandedToWaitForStop) {
  EXPECT_EXIT(
      {
        StopSignals signals;
        signals.StartupDone();
        ::kill(::getpid(), SIGINT);
        std::_Exit(signals.WaitForStop() == SIGINT ? 7 : 1);
      },
      ::testing::ExitedWithCode(7), "");
}

TEST_F(StopSignalsDeathTest, ASecondSignalMarksTheStopRepeated) {
  EXPECT_EXIT(
      {
        StopSignals signals;
        signals.StartupDone();
        ::kill(::getpid(), SIGTERM);
        if (signals.WaitForStop() != SIGTERM || signals.Repeated()) std::_Exit(1);
        ::kill(::getpid(), SIGINT);
        for (int i = 0; i < 500 && !signals.Repeated(); ++i) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        std::_Exit(signals.Repeated() ? 7 : 2);
      },
      ::testing::ExitedWithCode(7), "again");
}

TEST_F(StopSignalsDeathTest, DestroyedWithoutASignalEndsItsWatcher) {
  EXPECT_EXIT(
      {
        { StopSignals signals; }
        std::_Exit(3);
      },
      ::testing::ExitedWithCode(3), "");
}

}  // namespace
}  // namespace ringlog::testing
