// The request memory bounds without sockets: the server-wide pool (whole and partial
// requests, the overdraft that keeps large requests from deadlocking, waking waiters) and
// one connection's account on top of it.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "net/server/connection_memory.h"
#include "net/server/request_memory_pool.h"

namespace ringlog::testing {
namespace {

using Grant = RequestMemoryPool::Grant;
using Kind = RequestMemoryPool::Kind;

class CountingWaiter : public RequestMemoryPool::Waiter {
 public:
  void OnRoom() override { ++woken; }
  std::atomic<int> woken{0};
};

constexpr uint64_t kLimit = 1000;
// Three quarters of the pool: what partial bodies may fill.
constexpr uint64_t kPartialLimit = 750;

TEST(RequestMemoryPoolTest, WholeRequestsMayFillThePool) {
  RequestMemoryPool pool(kLimit);
  CountingWaiter waiter;
  Grant a, b;
  EXPECT_TRUE(pool.Grow(&a, 600, Kind::kWhole, &waiter));
  EXPECT_TRUE(pool.Grow(&b, 400, Kind::kWhole, &waiter));
  EXPECT_EQ(pool.used(), kLimit);
  Grant c;
  EXPECT_FALSE(pool.Grow(&c, 1, Kind::kWhole, &waiter));
  EXPECT_EQ(c.bytes, 0u);
  pool.Release(&a);
  EXPECT_EQ(a.bytes, 0u);
  EXPECT_EQ(waiter.woken, 1);
  EXPECT_TRUE(pool.Grow(&c, 1, Kind::kWhole, &waiter));
  pool.Release(&b);
  pool.Release(&c);
  EXPECT_EQ(pool.used(), 0u);
}

TEST(RequestMemoryPoolTest, PartialBodiesLeaveAQuarterToWholeRequests) {
  RequestMemoryPool pool(kLimit);
  CountingWaiter waiter;
  Grant overdraft, body, small;
  // Someone else holds the overdraft, so the pool's own bounds show.
  ASSERT_TRUE(pool.Grow(&overdraft, kLimit * 2, Kind::kPartial, &waiter));
  ASSERT_TRUE(overdraft.overdraft);
  EXPECT_TRUE(pool.Grow(&body, kPartialLimit, Kind::kPartial, &waiter));
  EXPECT_FALSE(pool.Grow(&body, 1, Kind::kPartial, &waiter));
  EXPECT_EQ(body.bytes, kPartialLimit);
  EXPECT_TRUE(pool.Grow(&small, kLimit - kPartialLimit, Kind::kWhole, &waiter));
  EXPECT_EQ(pool.used(), kLimit);
  pool.Release(&small);
  pool.Release(&body);
  pool.Release(&overdraft);
  EXPECT_EQ(pool.used(), 0u);
  EXPECT_EQ(pool.overdraft_bytes(), 0u);
}

TEST(RequestMemoryPoolTest, OneBodyAtATimeTakesTheOverdraftAndCompletes) {
  RequestMemoryPool pool(kLimit);
  CountingWaiter waiter_a, waiter_b;
  Grant a, b;
  // Two bodies fill the partial share between them; neither could complete without more.
  ASSERT_TRUE(pool.Grow(&a, 400, Kind::kPartial, &waiter_a));
  ASSERT_TRUE(pool.Grow(&b, 350, Kind::kPartial, &waiter_b));
  // a's next step takes the overdraft: what it held leaves the pool, and b may grow into it.
  ASSERT_TRUE(pool.Grow(&a, 400, Kind::kPartial, &waiter_a));
  EXPECT_TRUE(a.overdraft);
  EXPECT_EQ(a.bytes, 800u);
  EXPECT_EQ(pool.overdraft_bytes(), 800u);
  EXPECT_EQ(pool.used(), 350u);
  EXPECT_TRUE(pool.Grow(&b, 400, Kind::kPartial, &waiter_b));
  EXPECT_FALSE(b.overdraft);
  // The overdraft grows without bound: a request larger than the whole pool completes.
  ASSERT_TRUE(pool.Grow(&a, 5 * kLimit, Kind::kPartial, &waiter_a));
  // Only one overdraft at a time: b waits for a.
  EXPECT_FALSE(pool.Grow(&b, 100, Kind::kPartial, &waiter_b));
  EXPECT_EQ(waiter_b.woken, 0);
  pool.Release(&a);
  EXPECT_EQ(pool.overdraft_bytes(), 0u);
  EXPECT_EQ(waiter_b.woken, 1);
  EXPECT_TRUE(pool.Grow(&b, 100, Kind::kPartial, &waiter_b));
  EXPECT_TRUE(b.overdraft);
  pool.Release(&b);
  EXPECT_EQ(pool.used(), 0u);
  EXPECT_EQ(pool.overdraft_bytes(), 0u);
}

TEST(RequestMemoryPoolTest, WholeRequestsNeverTakeTheOverdraft) {
  RequestMemoryPool pool(kLimit);
  CountingWaiter waiter;
  Grant big;
  EXPECT_FALSE(pool.Grow(&big, kLimit + 1, Kind::kWhole, &waiter));
  EXPECT_FALSE(big.overdraft);
  pool.CancelWait(&waiter);
}

TEST(RequestMemoryPoolTest, AWaiterIsWokenOnceAndRegisteredOnce) {
  RequestMemoryPool pool(kLimit);
  CountingWaiter waiter;
  Grant full, wanting;
  ASSERT_TRUE(pool.Grow(&full, kLimit, Kind::kWhole, &waiter));
  EXPECT_FALSE(pool.Grow(&wanting, 10, Kind::kWhole, &waiter));
  EXPECT_FALSE(pool.Grow(&wanting, 10, Kind::kWhole, &waiter));
  Grant part;
  ASSERT_TRUE(pool.Grow(&part, 0, Kind::kWhole, &waiter));
  pool.Release(&full);
  EXPECT_EQ(waiter.woken, 1);
  // Nobody waits any more: a release wakes nobody.
  ASSERT_TRUE(pool.Grow(&full, 10, Kind::kWhole, &waiter));
  pool.Release(&full);
  EXPECT_EQ(waiter.woken, 1);
}

TEST(RequestMemoryPoolTest, ACancelledWaiterIsNotWoken) {
  RequestMemoryPool pool(kLimit);
  CountingWaiter waiter;
  Grant full, wanting;
  ASSERT_TRUE(pool.Grow(&full, kLimit, Kind::kWhole, &waiter));
  EXPECT_FALSE(pool.Grow(&wanting, 1, Kind::kWhole, &waiter));
  pool.CancelWait(&waiter);
  pool.Release(&full);
  EXPECT_EQ(waiter.woken, 0);
}

// Threads take and release concurrently; none may see the pool over its bound, and every
// refused thread is woken (or it would wait here forever).
TEST(RequestMemoryPoolTest, ThreadsNeverExceedTheBoundAndAreAlwaysWoken) {
  RequestMemoryPool pool(kLimit);
  constexpr int kThreads = 4;
  constexpr int kRounds = 20000;
  std::atomic<bool> over{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&pool, &over, t] {
      CountingWaiter waiter;
      for (int i = 0; i < kRounds; ++i) {
        Grant grant;
        const uint64_t bytes = 100 + 50 * ((i + t) % 7);
        int seen = waiter.woken.load();
        while (!pool.Grow(&grant, bytes, Kind::kWhole, &waiter)) {
          while (waiter.woken.load() == seen) std::this_thread::yield();
          seen = waiter.woken.load();
        }
        if (pool.used() > kLimit) over = true;
        pool.Release(&grant);
      }
      pool.CancelWait(&waiter);
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_FALSE(over);
  EXPECT_EQ(pool.used(), 0u);
}

TEST(ConnectionMemoryTest, ALeaseGivesItsBytesBackWhenDestroyed) {
  RequestMemoryPool pool(kLimit);
  ConnectionMemory memory(&pool, kLimit, [] {});
  {
    ConnectionMemory::Lease lease;
    ASSERT_TRUE(memory.Grow(&lease, 300, Kind::kWhole));
    ConnectionMemory::Lease moved = std::move(lease);
    EXPECT_EQ(lease.bytes(), 0u);
    EXPECT_EQ(moved.bytes(), 300u);
    EXPECT_EQ(memory.held_bytes(), 300u);
    EXPECT_EQ(pool.used(), 300u);
  }
  EXPECT_EQ(memory.held_bytes(), 0u);
  EXPECT_EQ(pool.used(), 0u);
}

TEST(ConnectionMemoryTest, AConnectionHoldsAtMostItsBoundUnlessItIsOneRequest) {
  RequestMemoryPool pool(kLimit);
  ConnectionMemory memory(&pool, 200, [] {});
  ConnectionMemory::Lease first, second;
  // One request alone may pass the connection's bound.
  ASSERT_TRUE(memory.Grow(&first, 150, Kind::kPartial));
  ASSERT_TRUE(memory.Grow(&first, 150, Kind::kPartial));
  EXPECT_EQ(memory.held_bytes(), 300u);
  // A second one must wait until the connection holds less than its bound.
  EXPECT_FALSE(memory.Grow(&second, 10, Kind::kWhole));
  first.Reset();
  EXPECT_TRUE(memory.Grow(&second, 150, Kind::kWhole));
  EXPECT_TRUE(memory.Grow(&first, 50, Kind::kWhole));
  EXPECT_FALSE(memory.Grow(&first, 1, Kind::kWhole));
}

TEST(ConnectionMemoryTest, RefusedByThePoolItIsToldWhenRoomComesBack) {
  RequestMemoryPool pool(kLimit);
  int rooms = 0;
  ConnectionMemory full(&pool, kLimit, [] {});
  ConnectionMemory waiting(&pool, kLimit, [&rooms] { ++rooms; });
  ConnectionMemory::Lease everything, wanted;
  ASSERT_TRUE(full.Grow(&everything, kLimit, Kind::kWhole));
  EXPECT_FALSE(waiting.Grow(&wanted, 10, Kind::kWhole));
  EXPECT_EQ(rooms, 0);
  everything.Reset();
  EXPECT_EQ(rooms, 1);
  EXPECT_TRUE(waiting.Grow(&wanted, 10, Kind::kWhole));
}

}  // namespace
}  // namespace ringlog::testing
