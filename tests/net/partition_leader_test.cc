// PartitionLeader, every rule with a hand-moved clock: the high watermark over the (maximal)
// ISR, the caught-up times, ISR shrink and expand with one change pending at a time, the
// controller's answers and states, and the acks=all waiters.
#include "net/replication/partition_leader.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <vector>

#include "engine/clock.h"

namespace ringlog {
namespace {

constexpr int64_t kLagMs = 10000;

LeaderAssignment Assignment(std::vector<int32_t> isr, int32_t partition_epoch = 1,
                            int32_t leader_epoch = 5) {
  LeaderAssignment a;
  a.leader_epoch = leader_epoch;
  a.replicas = {1, 2, 3};
  a.isr = std::move(isr);
  a.partition_epoch = partition_epoch;
  return a;
}

class PartitionLeaderTest : public ::testing::Test {
 protected:
  PartitionLeaderTest() : leader_(Make(Assignment({1, 2, 3}))) {}

  std::unique_ptr<PartitionLeader> Make(const LeaderAssignment& a, Offset epoch_start = 0,
                                        Offset hw = 0) {
    PartitionLeader::Options options;
    options.local_id = 1;
    options.replica_lag_time_max_ms = kLagMs;
    options.proposal_retry_backoff_ms = 1000;
    return std::make_unique<PartitionLeader>(PartitionId{"t", 0}, options, a, epoch_start, hw,
                                             clock_.NowMs());
  }

  // A fetch; returns the proposal it made, if any.
  std::optional<IsrProposal> Fetch(int32_t replica, Offset offset, Offset leader_end) {
    std::optional<IsrProposal> proposal;
    EXPECT_EQ(leader_->OnFollowerFetch(replica, offset, leader_end, clock_.NowMs(), &proposal),
              ErrorCode::kNone);
    return proposal;
  }

  // What the log would do: takes the candidate (capped at the log end) and reports it.
  Offset Advance(Offset leader_end, Completions* done = nullptr) {
    Completions ignored;
    leader_->HighWatermarkMoved(leader_->HighWatermarkCandidate(leader_end),
                                done ? done : &ignored);
    return leader_->high_watermark();
  }

  void Accept(const IsrProposal& p, int32_t new_partition_epoch) {
    LeaderAssignment state;
    state.leader_epoch = p.leader_epoch;
    state.isr = p.new_isr;
    state.partition_epoch = new_partition_epoch;
    leader_->OnProposalAccepted(p.id, state, clock_.NowMs());
  }

  ManualClock clock_{1'000'000};
  std::unique_ptr<PartitionLeader> leader_;
};

TEST_F(PartitionLeaderTest, HighWatermarkIsTheSmallestLogEndOverTheIsr) {
  EXPECT_EQ(Advance(100), 0) << "followers' log ends are unknown until they fetch";
  Fetch(2, 60, 100);
  EXPECT_EQ(Advance(100), 0) << "3 has not fetched";
  Fetch(3, 40, 100);
  EXPECT_EQ(Advance(100), 40);
  Fetch(3, 80, 100);
  EXPECT_EQ(Advance(100), 60);
  Fetch(2, 100, 100);
  Fetch(3, 100, 100);
  EXPECT_EQ(Advance(100), 100);
  EXPECT_EQ(Advance(90), 100) << "never back";
  Fetch(2, 20, 120);
  EXPECT_EQ(Advance(120), 100) << "never back, even when a follower's log end falls";
}

TEST_F(PartitionLeaderTest, LeaderAloneInTheIsrMovesTheHighWatermarkToItsLogEnd) {
  leader_ = Make(Assignment({1}));
  EXPECT_EQ(Advance(7), 7);
  Fetch(2, 3, 7);
  EXPECT_EQ(Advance(9), 9) << "a follower outside the ISR does not hold it back";
}

TEST_F(PartitionLeaderTest, NotAReplicaIsRefusedAndAnOffsetBeyondTheLogEndIsNotRecorded) {
  std::optional<IsrProposal> proposal;
  EXPECT_EQ(leader_->OnFollowerFetch(4, 10, 10, clock_.NowMs(), &proposal),
            ErrorCode::kNotLeaderOrFollower);
  EXPECT_EQ(leader_->OnFollowerFetch(1, 10, 10, clock_.NowMs(), &proposal),
            ErrorCode::kNotLeaderOrFollower)
      << "the leader is not its own follower";
  Fetch(2, 50, 10);
  EXPECT_EQ(leader_->follower_log_end(2), -1);
  Fetch(2, 10, 10);
  EXPECT_EQ(leader_->follower_log_end(2), 10);
}

TEST_F(PartitionLeaderTest, FollowerAtTheLogEndStaysInTheIsr) {
  Fetch(2, 100, 100);
  Fetch(3, 100, 100);
  clock_.Advance(kLagMs + 1);
  Fetch(2, 100, 100);
  EXPECT_EQ(leader_->MaybeShrink(100, clock_.NowMs()), std::nullopt)
      << "3 fetched nothing new but has the leader's log end (an idle partition)";
}

TEST_F(PartitionLeaderTest, FollowerNotCaughtUpForTheLagTimeIsProposedOut) {
  Fetch(2, 100, 100);
  Fetch(3, 100, 100);
  clock_.Advance(kLagMs);
  // 2 keeps fetching and reaches the leader's log end; 3 stops at 100 while the leader
  // goes on writing.
  Fetch(2, 200, 200);
  EXPECT_EQ(leader_->MaybeShrink(200, clock_.NowMs()), std::nullopt) << "exactly the lag time";
  clock_.Advance(1);
  Fetch(2, 200, 200);
  std::optional<IsrProposal> shrink = leader_->MaybeShrink(200, clock_.NowMs());
  ASSERT_TRUE(shrink.has_value());
  EXPECT_EQ(shrink->new_isr, (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(shrink->partition_epoch, 1);
  EXPECT_EQ(shrink->leader_epoch, 5);
  EXPECT_EQ(shrink->reason, "3 lagged 10001 ms");
}

TEST_F(PartitionLeaderTest, FetchAtThePreviousLogEndCountsAsCaughtUpAtThePreviousFetch) {
  // The leader writes all the time, so no follower ever fetches at its log end. 3 fetches
  // at the log end of its previous fetch each time, which keeps it caught up as of that
  // previous fetch; 2 falls further behind and has not caught up since the start.
  Offset end = 100;
  for (int i = 0; i < 6; ++i) {
    Fetch(2, 10 * (i + 1), end);
    Fetch(3, end, end + 10);
    clock_.Advance(kLagMs / 2);
    end += 100;
  }
  std::optional<IsrProposal> shrink = leader_->MaybeShrink(end, clock_.NowMs());
  ASSERT_TRUE(shrink.has_value());
  EXPECT_EQ(shrink->new_isr, (std::vector<int32_t>{1, 3}));
  EXPECT_EQ(shrink->reason, "2 lagged 30000 ms");
}

TEST_F(PartitionLeaderTest, PendingShrinkKeepsTheOldIsrForTheHighWatermarkUntilAccepted) {
  Fetch(2, 100, 100);
  Fetch(3, 50, 100);
  EXPECT_EQ(Advance(100), 50);
  clock_.Advance(kLagMs + 1);
  Fetch(2, 100, 100);
  std::optional<IsrProposal> shrink = leader_->MaybeShrink(100, clock_.NowMs());
  ASSERT_TRUE(shrink.has_value());
  EXPECT_EQ(leader_->maximal_isr(), (std::vector<int32_t>{1, 2, 3}));
  EXPECT_EQ(Advance(100), 50) << "the controller may not have recorded the shrink yet";
  EXPECT_EQ(leader_->MaybeShrink(100, clock_.NowMs()), std::nullopt) << "one change at a time";
  Accept(*shrink, 2);
  EXPECT_EQ(leader_->isr(), (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(leader_->partition_epoch(), 2);
  EXPECT_EQ(Advance(100), 100);
}

TEST_F(PartitionLeaderTest, FollowerAtTheHighWatermarkAndEpochStartIsProposedIn) {
  leader_ = Make(Assignment({1, 2}), /*epoch_start=*/30);
  Fetch(2, 100, 100);
  EXPECT_EQ(Advance(100), 100);
  EXPECT_EQ(Fetch(3, 20, 100), std::nullopt) << "below the high watermark";
  Fetch(2, 120, 120);
  EXPECT_EQ(Advance(120), 120);
  std::optional<IsrProposal> expand = Fetch(3, 120, 120);
  ASSERT_TRUE(expand.has_value());
  EXPECT_EQ(expand->new_isr, (std::vector<int32_t>{1, 2, 3}));
  EXPECT_EQ(expand->reason, "3 caught up at 120");
  EXPECT_EQ(leader_->maximal_isr(), (std::vector<int32_t>{1, 2, 3}));
  EXPECT_EQ(leader_->isr(), (std::vector<int32_t>{1, 2}));
  // While it is pending, the newcomer counts for the high watermark.
  Fetch(2, 150, 150);
  EXPECT_EQ(Advance(150), 120);
  Accept(*expand, 2);
  EXPECT_EQ(leader_->isr(), (std::vector<int32_t>{1, 2, 3}));
}

TEST_F(PartitionLeaderTest, FollowerBelowTheCurrentEpochsStartStaysOut) {
  // The high watermark is 10 (from the last epoch); this epoch starts at 40. A follower at
  // 20 holds only the previous epoch's data.
  leader_ = Make(Assignment({1}), /*epoch_start=*/40, /*hw=*/10);
  EXPECT_EQ(Fetch(2, 20, 40), std::nullopt);
  EXPECT_TRUE(Fetch(2, 40, 40).has_value());
}

TEST_F(PartitionLeaderTest, RefusedProposalIsForgottenAndNotRepeatedForABackoff) {
  leader_ = Make(Assignment({1, 2}));
  std::optional<IsrProposal> expand = Fetch(3, 0, 0);
  ASSERT_TRUE(expand.has_value());
  leader_->OnProposalRefused(expand->id, ErrorCode::kInvalidUpdateVersion, clock_.NowMs());
  EXPECT_FALSE(leader_->Pending(expand->id));
  EXPECT_EQ(leader_->maximal_isr(), (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(Fetch(3, 0, 0), std::nullopt) << "within the backoff";
  clock_.Advance(1000);
  EXPECT_TRUE(Fetch(3, 0, 0).has_value());
}

TEST_F(PartitionLeaderTest, NewerControllerStateReplacesAPendingProposalAndEndsTheBackoff) {
  leader_ = Make(Assignment({1, 2}));
  std::optional<IsrProposal> expand = Fetch(3, 0, 0);
  ASSERT_TRUE(expand.has_value());
  leader_->OnProposalRefused(expand->id, ErrorCode::kIneligibleReplica, clock_.NowMs());
  EXPECT_FALSE(leader_->UpdateState(Assignment({1}, /*partition_epoch=*/1), clock_.NowMs()))
      << "not newer";
  EXPECT_FALSE(leader_->UpdateState(Assignment({1}, 2, /*leader_epoch=*/6), clock_.NowMs()))
      << "another leader epoch";
  EXPECT_TRUE(leader_->UpdateState(Assignment({1}, 2), clock_.NowMs()));
  EXPECT_EQ(leader_->isr(), (std::vector<int32_t>{1}));
  std::optional<IsrProposal> again = Fetch(3, 0, 0);
  ASSERT_TRUE(again.has_value()) << "a newer state ends the backoff";
  EXPECT_EQ(again->partition_epoch, 2);
  EXPECT_TRUE(leader_->UpdateState(Assignment({1, 2}, 3), clock_.NowMs()));
  EXPECT_FALSE(leader_->Pending(again->id));
  Accept(*again, 3);
  EXPECT_EQ(leader_->isr(), (std::vector<int32_t>{1, 2})) << "an answer not newer is ignored";
}

TEST_F(PartitionLeaderTest, AcceptedAtAnotherLeaderEpochCountsAsRefused) {
  leader_ = Make(Assignment({1, 2}));
  std::optional<IsrProposal> expand = Fetch(3, 0, 0);
  ASSERT_TRUE(expand.has_value());
  LeaderAssignment state = Assignment({1, 2, 3}, 9, /*leader_epoch=*/7);
  leader_->OnProposalAccepted(expand->id, state, clock_.NowMs());
  EXPECT_FALSE(leader_->Pending(expand->id));
  EXPECT_EQ(leader_->isr(), (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(leader_->partition_epoch(), 1);
}

TEST_F(PartitionLeaderTest, CheckInsyncCountsTheConfirmedIsr) {
  EXPECT_EQ(leader_->CheckInsync(3), ErrorCode::kNone);
  EXPECT_EQ(leader_->CheckInsync(4), ErrorCode::kNotEnoughReplicas);
  leader_ = Make(Assignment({1, 2}));
  EXPECT_TRUE(Fetch(3, 0, 0).has_value());
  EXPECT_EQ(leader_->CheckInsync(3), ErrorCode::kNotEnoughReplicas)
      << "a pending expansion is not confirmed yet";
  EXPECT_EQ(leader_->CheckInsync(2), ErrorCode::kNone);
}

TEST_F(PartitionLeaderTest, WaitersFinishWhenTheHighWatermarkPassesTheirEnd) {
  std::vector<ErrorCode> results;
  auto record = [&](ErrorCode e) { results.push_back(e); };
  Completions ready;
  leader_->AddWaiter(10, 2, clock_.NowMs() + 5000, record, &ready);
  leader_->AddWaiter(20, 2, clock_.NowMs() + 5000, record, &ready);
  EXPECT_TRUE(ready.empty());
  EXPECT_EQ(leader_->waiter_count(), 2u);
  Fetch(2, 15, 20);
  Fetch(3, 15, 20);
  Completions done;
  EXPECT_EQ(Advance(20, &done), 15);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].error, ErrorCode::kNone);
  leader_->AddWaiter(12, 2, clock_.NowMs() + 5000, record, &ready);
  ASSERT_EQ(ready.size(), 1u) << "already below the high watermark";
  EXPECT_EQ(ready[0].error, ErrorCode::kNone);
  EXPECT_EQ(leader_->waiter_count(), 1u);
}

TEST_F(PartitionLeaderTest, WaiterAfterTheIsrShrankBelowMinInsyncGetsNotEnoughAfterAppend) {
  Completions ready;
  leader_->AddWaiter(
      100, 2, clock_.NowMs() + 60000, [](ErrorCode) {}, &ready);
  leader_->AddWaiter(
      100, 1, clock_.NowMs() + 60000, [](ErrorCode) {}, &ready);
  Fetch(2, 0, 100);
  Fetch(3, 0, 100);
  clock_.Advance(kLagMs + 1);
  std::optional<IsrProposal> shrink = leader_->MaybeShrink(100, clock_.NowMs());
  ASSERT_TRUE(shrink.has_value());
  EXPECT_EQ(shrink->new_isr, (std::vector<int32_t>{1}));
  Completions done;
  EXPECT_EQ(Advance(100, &done), 0);
  Accept(*shrink, 2);
  EXPECT_EQ(Advance(100, &done), 100);
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[0].error, ErrorCode::kNotEnoughReplicasAfterAppend);
  EXPECT_EQ(done[1].error, ErrorCode::kNone);
}

TEST_F(PartitionLeaderTest, WaitersTimeOutAndFailWhenLeadershipGoes) {
  Completions ready;
  leader_->AddWaiter(
      10, 1, clock_.NowMs() + 100, [](ErrorCode) {}, &ready);
  leader_->AddWaiter(
      10, 1, clock_.NowMs() + 300, [](ErrorCode) {}, &ready);
  EXPECT_EQ(leader_->NextDeadline(), clock_.NowMs() + 100);
  Completions done;
  clock_.Advance(99);
  leader_->ExpireWaiters(clock_.NowMs(), &done);
  EXPECT_TRUE(done.empty());
  clock_.Advance(1);
  leader_->ExpireWaiters(clock_.NowMs(), &done);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].error, ErrorCode::kRequestTimedOut);
  EXPECT_EQ(leader_->NextDeadline(), clock_.NowMs() + 200);
  done.clear();
  leader_->FailWaiters(ErrorCode::kNotLeaderOrFollower, &done);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].error, ErrorCode::kNotLeaderOrFollower);
  EXPECT_EQ(leader_->NextDeadline(), std::nullopt);
}

TEST_F(PartitionLeaderTest, NewEpochKeepsFollowersAndWaitersAndForgetsThePendingChange) {
  leader_ = Make(Assignment({1, 2}));
  Fetch(2, 50, 50);
  EXPECT_EQ(Advance(50), 50);
  Completions ready;
  leader_->AddWaiter(
      60, 1, clock_.NowMs() + 1000, [](ErrorCode) {}, &ready);
  std::optional<IsrProposal> expand = Fetch(3, 50, 50);
  ASSERT_TRUE(expand.has_value());
  leader_->NewEpoch(Assignment({1, 2}, 4, /*leader_epoch=*/6), /*epoch_start=*/60, clock_.NowMs());
  EXPECT_EQ(leader_->leader_epoch(), 6);
  EXPECT_FALSE(leader_->Pending(expand->id));
  EXPECT_EQ(leader_->follower_log_end(2), 50);
  EXPECT_EQ(leader_->waiter_count(), 1u);
  EXPECT_EQ(Fetch(3, 55, 60), std::nullopt) << "below the new epoch's start";
}

TEST_F(PartitionLeaderTest, ReplicasRemovedByTheControllerAreForgotten) {
  Fetch(3, 10, 10);
  LeaderAssignment a = Assignment({1, 2}, 2);
  a.replicas = {1, 2};
  ASSERT_TRUE(leader_->UpdateState(a, clock_.NowMs()));
  EXPECT_EQ(leader_->follower_log_end(3), -1);
  std::optional<IsrProposal> proposal;
  EXPECT_EQ(leader_->OnFollowerFetch(3, 10, 10, clock_.NowMs(), &proposal),
            ErrorCode::kNotLeaderOrFollower);
}

TEST(FormatIdsTest, ListsIds) {
  EXPECT_EQ(FormatIds({}), "[]");
  EXPECT_EQ(FormatIds({1, 2, 3}), "[1,2,3]");
}

}  // namespace
}  // namespace ringlog
