// LeaderReplicas over a real PartitionLog (the in-memory backend) with a hand-moved clock
// and a fake controller: leadership and the log's epoch, the high watermark moved in the
// log by follower fetches and leader writes, acks=all answered off the caller's thread,
// the lag thread's shrink and the fetch's expand sent as AlterPartition, the controller's
// refusals and unreachability, timeouts and lost leadership.
#include "net/replication/leader_replicas.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/log/record_batch_builder.h"
#include "net/replication/alter_partition_client.h"
#include "tests/support/mem_backend.h"
#include "tests/support/temp_dir.h"

namespace ringlog {
namespace {

using std::chrono::milliseconds;

constexpr int64_t kLagMs = 1000;
constexpr milliseconds kWait{5000};

// A controller that records each request and answers every change as accepted at
// partition epoch + 1, unless told to refuse with `refuse` or to be unreachable for the
// next `unreachable` sends.
class FakeAlterPartitionClient final : public AlterPartitionClient {
 public:
  Result<std::vector<IsrChangeAnswer>> Send(const std::vector<IsrChange>& changes) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++sends_;
    cv_.notify_all();
    if (unreachable_ > 0) {
      --unreachable_;
      return Status::Busy("unreachable");
    }
    std::vector<IsrChangeAnswer> answers;
    for (const IsrChange& change : changes) {
      received_.push_back(change);
      IsrChangeAnswer answer;
      answer.partition = change.partition;
      answer.error = refuse_;
      if (refuse_ == ErrorCode::kNone) {
        answer.leader_id = 1;
        answer.state.leader_epoch = change.leader_epoch;
        answer.state.isr = change.new_isr;
        answer.state.partition_epoch = change.partition_epoch + 1;
      }
      answers.push_back(std::move(answer));
    }
    cv_.notify_all();
    return answers;
  }

  void Refuse(ErrorCode error) {
    std::lock_guard<std::mutex> lock(mu_);
    refuse_ = error;
  }
  void Unreachable(int times) {
    std::lock_guard<std::mutex> lock(mu_);
    unreachable_ = times;
  }
  // Waits until `n` changes were received; returns them.
  std::vector<IsrChange> WaitForChanges(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    EXPECT_TRUE(cv_.wait_for(lock, kWait, [&] { return received_.size() >= n; }))
        << "only " << received_.size() << " changes";
    return received_;
  }
  int sends() {
    std::lock_guard<std::mutex> lock(mu_);
    return sends_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<IsrChange> received_;
  ErrorCode refuse_ = ErrorCode::kNone;
  int unreachable_ = 0;
  int sends_ = 0;
};

// The results of acks=all waiters, and on which thread they came.
class Results {
 public:
  std::function<void(ErrorCode)> Callback() {
    return [this](ErrorCode error) {
      std::lock_guard<std::mutex> lock(mu_);
      errors_.push_back(error);
      on_caller_thread_ = on_caller_thread_ || std::this_thread::get_id() == caller_;
      cv_.notify_all();
    };
  }
  std::vector<ErrorCode> WaitFor(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    EXPECT_TRUE(cv_.wait_for(lock, kWait, [&] { return errors_.size() >= n; }));
    return errors_;
  }
  std::vector<ErrorCode> Now() {
    std::lock_guard<std::mutex> lock(mu_);
    return errors_;
  }
  bool on_caller_thread() {
    std::lock_guard<std::mutex> lock(mu_);
    return on_caller_thread_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<ErrorCode> errors_;
  const std::thread::id caller_ = std::this_thread::get_id();
  bool on_caller_thread_ = false;
};

LeaderAssignment Assignment(std::vector<int32_t> isr, int32_t leader_epoch = 5,
                            int32_t partition_epoch = 1) {
  LeaderAssignment a;
  a.leader_epoch = leader_epoch;
  a.replicas = {1, 2, 3};
  a.isr = std::move(isr);
  a.partition_epoch = partition_epoch;
  return a;
}

class LeaderReplicasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto backend = testing::OpenMemBackend(dir_.Sub("data"));
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(*backend);
    LogOptions options;
    options.replicated = true;
    auto log = PartitionLog::Open(id_, backend_.get(), options, &clock_);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(*log);
    auto client = std::make_unique<FakeAlterPartitionClient>();
    controller_ = client.get();
    LeaderReplicasOptions replicas_options;
    replicas_options.broker_id = 1;
    replicas_options.replica_lag_time_max_ms = kLagMs;
    replicas_ = MakeLeaderReplicas(replicas_options, &clock_, std::move(client), nullptr);
  }

  // Appends `count` records as the leader does, and tells LeaderReplicas.
  Offset Write(int count) {
    std::vector<RecordData> records(count);
    for (RecordData& r : records) r.value = std::string(8, 'v');
    std::string batch = BuildRecordBatch(records);
    auto appended = log_->Append({reinterpret_cast<uint8_t*>(batch.data()), batch.size()});
    EXPECT_TRUE(appended.ok()) << appended.status().ToString();
    replicas_->OnLeaderWrite(id_);
    return log_->next_offset();
  }

  void Fetch(int32_t replica, Offset offset) {
    EXPECT_EQ(replicas_->OnFollowerFetch(id_, replica, offset), ErrorCode::kNone);
  }

  // Waits (in real time) until `done` holds.
  template <typename Done>
  static bool Eventually(Done done) {
    for (int i = 0; i < 500 && !done(); ++i) std::this_thread::sleep_for(milliseconds(10));
    return done();
  }

  // Moves the clock in steps until `done` holds (the lag thread reads the clock).
  template <typename Done>
  bool AdvanceUntil(int64_t step_ms, Done done) {
    for (int i = 0; i < 200; ++i) {
      if (done()) return true;
      clock_.Advance(step_ms);
      std::this_thread::sleep_for(milliseconds(10));
    }
    return done();
  }

  testing::TempDir dir_;
  ManualClock clock_{1'700'000'000'000};
  const PartitionId id_{"t", 0};
  std::unique_ptr<StorageBackend> backend_;
  std::shared_ptr<PartitionLog> log_;
  FakeAlterPartitionClient* controller_ = nullptr;
  std::unique_ptr<LeaderReplicas> replicas_;
};

TEST_F(LeaderReplicasTest, BecomeLeaderAssignsTheEpochAndStopLeadingEndsIt) {
  EXPECT_FALSE(replicas_->Leading(id_));
  EXPECT_EQ(replicas_->LeaderEpoch(id_), std::nullopt);
  ASSERT_TRUE(replicas_->BecomeLeader(log_, Assignment({1, 2, 3})).ok());
  EXPECT_TRUE(replicas_->Leading(id_));
  EXPECT_EQ(replicas_->LeaderEpoch(id_), 5);
  EXPECT_EQ(log_->leader_epoch(), 5);
  ASSERT_TRUE(replicas_->BecomeLeader(log_, Assignment({1, 2, 3}, 6)).ok());
  EXPECT_EQ(replicas_->LeaderEpoch(id_), 6);
  EXPECT_EQ(log_->leader_epoch(), 6);
  EXPECT_TRUE(replicas_->BecomeLeader(log_, Assignment({1, 2, 3}, 4)).IsInvalidArgument());
  replicas_->StopLeading(id_);
  EXPECT_FALSE(replicas_->Leading(id_));
  EXPECT_EQ(replicas_->OnFollowerFetch(id_, 2, 0), ErrorCode::kNotLeaderOrFollower);
  EXPECT_EQ(replicas_->CheckInsync(id_, 1), ErrorCode::kNotLeaderOrFollower);
}

TEST_F(LeaderReplicasTest, LeaderAloneMovesTheHighWatermarkOnEachWrite) {
  ASSERT_TRUE(replicas_->BecomeLeader(log_, Assignment({1})).ok());
  EXPECT_EQ(Write(3), 3);
  EXPECT_EQ(log_->high_watermark(), 3);
  Results results;
  replicas_->AwaitHighWatermark(id_, 3, 1, milliseconds(30000), results.Callback());
  EXPECT_EQ(results.WaitFor(1), (std::vector<ErrorCode>{ErrorCode::kNone}));
  EXPECT_FALSE(results.on_caller_thread()) << "never inside the call";
  EXPECT_EQ(replicas_->CheckInsync(id_, 2), ErrorCode::kNotEnoughReplicas);
  EXPECT_EQ(replicas_->CheckInsync(id_, 1), ErrorCode::kNone);
}

TEST_F(LeaderReplicasTest, FollowerFetchesMoveTheHighWatermarkAndAnswerAcksAll) {
  ASSERT_TRUE(replicas_->BecomeLeader(log_, Assignment({1, 2, 3})).ok());
  const Offset end = Write(4);
  Results results;
  replicas_->AwaitHighWatermark(id_, end, 2, milliseconds(30000), results.Callback());
  EXPECT_EQ(log_->high_watermark(), 0);
  EXPECT_EQ(replicas_->OnFollowerFetch(id_, 4, 0), ErrorCode::kNotLeaderOrFollower);
  Fetch(2, end);
  EXPECT_EQ(log_->high_watermark(), 0) << "3 has not fetched";
  EXPECT_TRUE(results.Now().empty());
  Fetch(3, 2);
  EXPECT_EQ(log_->high_watermark(), 2);
  Fetch(3, end);
  EXPECT_EQ(log_->high_watermark(), end);
  EXPECT_EQ(results.WaitFor(1), (std::vector<ErrorCode>{ErrorCode::kNone}));
}

TEST_F(LeaderReplicasTest, LaggingFollowerIsShrunkOutThroughTheController) {
  ASSERT_TRUE(replicas_->BecomeLeader(log_, Assignment({1, 2, 3})).ok());
  const Offset end = Write(2);
  Results results;
  replicas_->AwaitHighWatermark(id_, end, 3, milliseconds(60000), results.Callback());
  replicas_->AwaitHighWatermark(id_, end, 2, milliseconds(60000), results.Callback());
  Fetch(3, 0);
  // 2 keeps up; 3 stays at 0.
  ASSERT_TRUE(AdvanceUntil(100, [&] {
    Fetch(2, end);
    return !results.Now().empty();
  }));
  std::vector<IsrChange> changes = controller_->WaitForChanges(1);
  EXPECT_EQ(changes[0].partition, id_);
  EXPECT_EQ(changes[0].new_isr, (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(changes[0].leader_epoch, 5);
  EXPECT_EQ(changes[0].partition_epoch, 1);
  EXPECT_EQ(results.WaitFor(2),
            (std::vector<ErrorCode>{ErrorCode::kNotEnoughReplicasAfterAppend, ErrorCode::kNone}));
  EXPECT_EQ(log_->high_watermark(), end);
  EXPECT_EQ(replicas_->CheckInsync(id_, 3), ErrorCode::kNotEnoughReplicas);
  EXPECT_EQ(replicas_->CheckInsync(id_, 2), ErrorCode::kNone);
}

TEST_F(LeaderReplicasTest, LagChecksGoOnAfterTheClockWentBack) {
  // Once the lag thread answered a waiter, it has planned its first check.
  Results started;
  replicas_->AwaitHighWatermark({"other", 0}, 1, 1, milliseconds(1000), started.Callback());
  started.WaitFor(1);
  clock_.Advance(-3'600'000);
  ASSERT_TRUE(replicas_->BecomeLeader(log_, Assignment({1, 2, 3})).ok());
  const Offset end = Write(1);
  Fetch(2, end);
  Fetch(3, 0);
  ASSERT_TRUE(AdvanceUntil(100, [&] {
    Fetch(2, end);
    return replicas_->CheckInsync(id_, 3) == ErrorCode::kNotEnoughReplicas;
  }));
  EXPECT_EQ(controller_->WaitForChanges(1)[0].new_isr, (std::vector<int32_t>{1, 2}));
}

TEST_F(LeaderReplicasTest, CaughtUpFollowerIsProposedInAndRetriedWhileUnreachable) {
  controller_->Unreachable(2);
  ASSERT_TRUE(replicas_->BecomeLeader(log_, Assignment({1, 2})).ok());
  const Offset end = Write(2);
  Fetch(2, end);
  EXPECT_EQ(log_->high_watermark(), end);
  Fetch(3, end);
  std::vector<IsrChange> changes = controller_->WaitForChanges(1);
  EXPECT_EQ(changes[0].new_isr, (std::vector<int32_t>{1, 2, 3}));
  EXPECT_GE(controller_->sends(), 3) << "two unreachable attempts before";
  EXPECT_TRUE(Eventually([&] { return replicas_->CheckInsync(id_, 3) == ErrorCode::kNone; }));
}

TEST_F(LeaderReplicasTest, RefusedChangeWaitsForANewerState) {
  controller_->Refuse(ErrorCode::kInvalidUpdateVersion);
  ASSERT_TRUE(replicas_->BecomeLeader(log_, Assignment({1, 2})).ok());
  Fetch(3, 0);
  controller_->WaitForChanges(1);
  controller_->Refuse(ErrorCode::kNone);
  Fetch(3, 0);
  // The controller's newer state (from the snapshot) ends the wait: the next fetch proposes.
  replicas_->UpdateState(id_, Assignment({1, 2}, 5, 4));
  Fetch(3, 0);
  std::vector<IsrChange> changes = controller_->WaitForChanges(2);
  ASSERT_EQ(changes.size(), 2u) << "nothing proposed between the refusal and the new state";
  EXPECT_EQ(changes[1].partition_epoch, 4);
}

TEST_F(LeaderReplicasTest, WaitersTimeOutAndFailWhenLeadershipGoes) {
  ASSERT_TRUE(replicas_->BecomeLeader(log_, Assignment({1, 2, 3})).ok());
  const Offset end = Write(1);
  Results timed;
  replicas_->AwaitHighWatermark(id_, end, 1, milliseconds(200), timed.Callback());
  Results dropped;
  replicas_->AwaitHighWatermark(id_, end, 1, milliseconds(60000), dropped.Callback());
  clock_.Advance(200);
  EXPECT_EQ(timed.WaitFor(1), (std::vector<ErrorCode>{ErrorCode::kRequestTimedOut}));
  EXPECT_TRUE(dropped.Now().empty());
  replicas_->StopLeading(id_);
  EXPECT_EQ(dropped.WaitFor(1), (std::vector<ErrorCode>{ErrorCode::kNotLeaderOrFollower}));
  Results late;
  replicas_->AwaitHighWatermark(id_, end, 1, milliseconds(60000), late.Callback());
  EXPECT_EQ(late.WaitFor(1), (std::vector<ErrorCode>{ErrorCode::kNotLeaderOrFollower}));
  EXPECT_FALSE(late.on_caller_thread());
}

TEST_F(LeaderReplicasTest, NewEpochWhileAWriteReportsBackDoesNotDeadlock) {
  ASSERT_TRUE(replicas_->BecomeLeader(log_, Assignment({1})).ok());
  std::vector<RecordData> records(1);
  records[0].value = std::string(8, 'v');
  std::string batch = BuildRecordBatch(records);
  std::promise<void> reporting;
  // The write's callback runs under the log's append lock (the in-memory backend writes at
  // once), as it may on any backend, and tells LeaderReplicas from there.
  std::thread writer([&] {
    auto appended = log_->AppendAsync({reinterpret_cast<uint8_t*>(batch.data()), batch.size()},
                                      [&](Status status) {
                                        EXPECT_TRUE(status.ok());
                                        reporting.set_value();
                                        // Lets BecomeLeader below take what it takes before this
                                        // goes on.
                                        std::this_thread::sleep_for(milliseconds(100));
                                        replicas_->OnLeaderWrite(id_);
                                      });
    EXPECT_TRUE(appended.ok());
  });
  reporting.get_future().wait();
  EXPECT_TRUE(replicas_->BecomeLeader(log_, Assignment({1}, 6)).ok());
  writer.join();
  EXPECT_EQ(log_->leader_epoch(), 6);
  EXPECT_EQ(log_->high_watermark(), 1);
}

TEST_F(LeaderReplicasTest, DestroyingItAnswersTheWaitersLeft) {
  ASSERT_TRUE(replicas_->BecomeLeader(log_, Assignment({1, 2, 3})).ok());
  const Offset end = Write(1);
  Results results;
  replicas_->AwaitHighWatermark(id_, end, 1, milliseconds(60000), results.Callback());
  replicas_.reset();
  EXPECT_EQ(results.Now(), (std::vector<ErrorCode>{ErrorCode::kNotLeaderOrFollower}));
}

}  // namespace
}  // namespace ringlog
