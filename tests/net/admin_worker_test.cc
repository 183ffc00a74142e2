// AdminWorker: tasks run one at a time in submission order, pins last until their task
// has run, and Stop lets the running task finish while dropping the queued ones.
#include "net/broker/admin_worker.h"

#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <thread>
#include <vector>

namespace ringlog {
namespace {

TEST(AdminWorkerTest, RunsTasksInOrderAndPinsTheirTopicsUntilTheyRan) {
  AdminWorker worker;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::vector<int> order;
  std::promise<void> started;
  worker.Submit([&] {
    started.set_value();
    released.wait();
    order.push_back(1);
  });
  started.get_future().wait();
  worker.Submit([&] { order.push_back(2); }, {"a", "b"});
  worker.Submit([&] { order.push_back(3); }, {"a"});
  EXPECT_TRUE(worker.IsPinned("a"));
  EXPECT_TRUE(worker.IsPinned("b"));
  EXPECT_FALSE(worker.IsPinned("c"));

  std::promise<void> done;
  worker.Submit([&] { done.set_value(); });
  release.set_value();
  done.get_future().wait();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_FALSE(worker.IsPinned("a"));
  EXPECT_FALSE(worker.IsPinned("b"));
}

TEST(AdminWorkerTest, StopFinishesTheRunningTaskAndDropsTheQueuedOnes) {
  AdminWorker worker;
  std::promise<void> started;
  std::promise<void> release;
  bool first_finished = false;
  bool second_ran = false;
  auto captured = std::make_shared<int>(0);
  worker.Submit([&] {
    started.set_value();
    release.get_future().wait();
    first_finished = true;
  });
  worker.Submit([&, captured] { second_ran = true; }, {"t"});
  started.get_future().wait();
  std::thread stopper([&] { worker.Stop(); });
  // Stop unpins the tasks it drops before it waits for the running one.
  while (worker.IsPinned("t")) std::this_thread::yield();
  release.set_value();
  stopper.join();
  EXPECT_TRUE(first_finished);
  EXPECT_FALSE(second_ran);
  EXPECT_EQ(captured.use_count(), 1) << "a dropped task was not destroyed";
  worker.Submit([&] { second_ran = true; });
  worker.Stop();
  EXPECT_FALSE(second_ran);
}

}  // namespace
}  // namespace ringlog
