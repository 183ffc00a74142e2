#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "net/server/timer_queue.h"

namespace ringlog::testing {
namespace {

using std::chrono::milliseconds;

class TimerQueueTest : public ::testing::Test {
 protected:
  TimerQueue::Clock::time_point At(int ms) const { return start_ + milliseconds(ms); }
  TimerQueue::TimerId Add(int ms, std::string name) {
    return timers_.Add(At(ms), [this, name] { ran_ += name; });
  }

  const TimerQueue::Clock::time_point start_ = TimerQueue::Clock::now();
  TimerQueue timers_;
  std::string ran_;
};

TEST_F(TimerQueueTest, RunsDueTimersEarliestFirst) {
  Add(30, "c");
  Add(10, "a");
  Add(20, "b");
  Add(20, "B");  // same deadline: in the order added
  EXPECT_EQ(timers_.NextDeadline(), At(10));
  timers_.RunDue(At(20));
  EXPECT_EQ(ran_, "abB");
  EXPECT_EQ(timers_.NextDeadline(), At(30));
  timers_.RunDue(At(100));
  EXPECT_EQ(ran_, "abBc");
  EXPECT_EQ(timers_.NextDeadline(), std::nullopt);
  EXPECT_EQ(timers_.size(), 0u);
}

TEST_F(TimerQueueTest, CancelledTimersNeverRun) {
  const TimerQueue::TimerId a = Add(10, "a");
  Add(20, "b");
  timers_.Cancel(a);
  timers_.Cancel(a);  // twice is fine
  EXPECT_EQ(timers_.NextDeadline(), At(20));
  timers_.RunDue(At(100));
  EXPECT_EQ(ran_, "b");
}

TEST_F(TimerQueueTest, CallbackMayCancelALaterDueTimer) {
  TimerQueue::TimerId b = 0;
  timers_.Add(At(10), [&] {
    ran_ += "a";
    timers_.Cancel(b);
  });
  b = Add(20, "b");
  timers_.RunDue(At(100));
  EXPECT_EQ(ran_, "a");
}

TEST_F(TimerQueueTest, TimersAddedByACallbackRunOnTheNextCall) {
  timers_.Add(At(0), [&] {
    ran_ += "a";
    Add(0, "b");
  });
  timers_.RunDue(At(0));
  EXPECT_EQ(ran_, "a");
  timers_.RunDue(At(0));
  EXPECT_EQ(ran_, "ab");
}

}  // namespace
}  // namespace ringlog::testing
