// PartitionWatchers: one-shot wake-ups posted to the watcher's loop, removal by id and by
// connection, and at-most-once delivery when notifications race with removal.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "net/broker/partition_watchers.h"

namespace ringlog::testing {
namespace {

using Wake = PartitionWatchers::Wake;
using Ends = PartitionWatchers::Ends;
constexpr Ends kBoth = Ends::kBoth;

// A loop that only queues what is posted; the test runs it by hand.
class QueueLoop final : public LoopExecutor {
 public:
  void Post(std::function<void()> fn) override {
    std::lock_guard<std::mutex> lock(mu_);
    tasks_.push_back(std::move(fn));
  }
  TimerId RunAfter(std::chrono::milliseconds, std::function<void()>) override { return 0; }
  void CancelTimer(TimerId) override {}

  // Runs what was posted so far; returns how many tasks ran.
  size_t RunAll() {
    std::vector<std::function<void()>> tasks;
    {
      std::lock_guard<std::mutex> lock(mu_);
      tasks.swap(tasks_);
    }
    for (auto& task : tasks) task();
    return tasks.size();
  }

 private:
  std::mutex mu_;
  std::vector<std::function<void()>> tasks_;
};

const PartitionId kA{"t", 0};
const PartitionId kB{"t", 1};
const PartitionId kC{"u", 0};

TEST(PartitionWatchersTest, NotifyPostsOnceToTheWatchersLoop) {
  PartitionWatchers watchers;
  QueueLoop loop;
  std::vector<Wake> wakes;
  watchers.Watch(1, {kA, kB}, kBoth, &loop, [&](Wake w) { wakes.push_back(w); });
  watchers.Notify(kC, kBoth);
  EXPECT_EQ(loop.RunAll(), 0u);
  watchers.Notify(kA, kBoth);
  EXPECT_TRUE(wakes.empty()) << "the callback runs on the loop, not in Notify";
  watchers.Notify(kB, kBoth);  // one-shot: the watch is gone already
  EXPECT_EQ(loop.RunAll(), 1u);
  EXPECT_EQ(wakes, std::vector<Wake>{Wake::kData});
  EXPECT_EQ(watchers.size(), 0u);
}

TEST(PartitionWatchersTest, NotifyWakesOnlyTheWatchesOfTheEndsThatMoved) {
  PartitionWatchers watchers;
  QueueLoop loop;
  std::vector<int> woken;
  watchers.Watch(1, {kA}, Ends::kHighWatermark, &loop, [&](Wake) { woken.push_back(1); });
  watchers.Watch(2, {kA}, Ends::kLogEnd, &loop, [&](Wake) { woken.push_back(2); });
  watchers.Watch(3, {kA}, kBoth, &loop, [&](Wake) { woken.push_back(3); });
  // A write to a replicated log: the follower's watch and the one on both ends wake.
  watchers.Notify(kA, Ends::kLogEnd);
  loop.RunAll();
  std::sort(woken.begin(), woken.end());  // the registry keeps no order
  EXPECT_EQ(woken, (std::vector<int>{2, 3}));
  EXPECT_EQ(watchers.size(), 1u) << "the consumer's watch stays";
  watchers.Notify(kA, Ends::kHighWatermark);
  loop.RunAll();
  EXPECT_EQ(woken.size(), 3u);
  EXPECT_EQ(woken.back(), 1);
  EXPECT_EQ(watchers.size(), 0u);
}

TEST(PartitionWatchersTest, EveryWatchOfAPartitionWakes) {
  PartitionWatchers watchers;
  QueueLoop loop1, loop2;
  int woken1 = 0, woken2 = 0;
  watchers.Watch(1, {kA}, kBoth, &loop1, [&](Wake) { ++woken1; });
  watchers.Watch(2, {kA, kA}, kBoth, &loop2, [&](Wake) { ++woken2; });  // listed twice
  watchers.Notify(kA, kBoth);
  loop1.RunAll();
  loop2.RunAll();
  EXPECT_EQ(woken1, 1);
  EXPECT_EQ(woken2, 1);
  EXPECT_EQ(watchers.size(), 0u);
}

TEST(PartitionWatchersTest, UnwatchedWatchesAreNotWoken) {
  PartitionWatchers watchers;
  QueueLoop loop;
  int woken = 0;
  const auto id = watchers.Watch(1, {kA}, kBoth, &loop, [&](Wake) { ++woken; });
  watchers.Unwatch(id);
  watchers.Unwatch(id);  // a no-op the second time
  watchers.Notify(kA, kBoth);
  EXPECT_EQ(loop.RunAll(), 0u);
  EXPECT_EQ(woken, 0);
}

TEST(PartitionWatchersTest, ClosingAConnectionEndsOnlyItsWatches) {
  PartitionWatchers watchers;
  QueueLoop loop;
  std::vector<std::pair<int, Wake>> calls;
  watchers.Watch(7, {kA}, kBoth, &loop, [&](Wake w) { calls.emplace_back(1, w); });
  watchers.Watch(7, {kB}, kBoth, &loop, [&](Wake w) { calls.emplace_back(2, w); });
  watchers.Watch(8, {kA}, kBoth, &loop, [&](Wake w) { calls.emplace_back(3, w); });
  watchers.CloseConnection(7);
  EXPECT_EQ(calls.size(), 2u);
  for (const auto& [who, wake] : calls) {
    EXPECT_NE(who, 3);
    EXPECT_EQ(wake, Wake::kClosed);
  }
  EXPECT_EQ(watchers.size(), 1u);
  watchers.CloseConnection(7);  // nothing left
  watchers.Notify(kA, kBoth);
  loop.RunAll();
  EXPECT_EQ(calls.back(), std::make_pair(3, Wake::kData));
  EXPECT_EQ(watchers.size(), 0u);
}

TEST(PartitionWatchersTest, RacingNotifyAndRemovalDeliverAtMostOnce) {
  PartitionWatchers watchers;
  QueueLoop loop;
  constexpr int kWatches = 2000;
  std::vector<std::atomic<int>> calls(kWatches);
  std::vector<PartitionWatchers::WatchId> ids;
  for (int i = 0; i < kWatches; ++i) {
    ids.push_back(watchers.Watch(i % 3, {PartitionId{"t", i % 5}}, kBoth, &loop,
                                 [&calls, i](Wake) { calls[i].fetch_add(1); }));
  }
  std::thread notifier([&] {
    for (int round = 0; round < 50; ++round) {
      for (int p = 0; p < 5; ++p) watchers.Notify(PartitionId{"t", p}, kBoth);
    }
  });
  std::thread remover([&] {
    for (int i = 0; i < kWatches; i += 2) watchers.Unwatch(ids[i]);
    watchers.CloseConnection(1);
  });
  notifier.join();
  remover.join();
  loop.RunAll();
  for (int i = 0; i < kWatches; ++i) EXPECT_LE(calls[i].load(), 1) << "watch " << i;
  EXPECT_EQ(watchers.size(), 0u);
}

}  // namespace
}  // namespace ringlog::testing
