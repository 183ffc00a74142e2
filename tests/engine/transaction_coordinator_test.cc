// The transaction coordinator on every backend, with a fake marker writer that holds each
// request until the test delivers it and a manual clock: every transition, fencing by
// InitProducerId and by timeouts, KIP-360 retries, retried EndTxn calls, and a restart in
// PrepareCommit that completes the commit, and failed writes of the state log (through a
// fault-injecting backend).
#include "engine/txn/transaction_coordinator.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "engine/clock.h"
#include "engine/log/flusher.h"
#include "engine/log/internal_topics.h"
#include "engine/log/log_manager.h"
#include "engine/producer/producer_id_allocator.h"
#include "tests/support/fault_backend.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {
namespace {

constexpr int32_t kPartitions = 3;
constexpr int32_t kTimeoutMs = 10000;
const PartitionId kT0{"t", 0};
const PartitionId kT1{"t", 1};
const PartitionId kU0{"u", 0};

// Holds every request until Deliver(): the markers are "written" only then.
class FakeMarkerWriter final : public TxnMarkerWriter {
 public:
  void WriteMarkers(TxnMarkerRequest request, std::function<void()> done) override {
    std::lock_guard lock(mu_);
    requests_.push_back(std::move(request));
    held_.push_back(std::move(done));
  }

  // Runs every held `done`; the number run.
  size_t Deliver() {
    std::vector<std::function<void()>> run;
    {
      std::lock_guard lock(mu_);
      run.swap(held_);
    }
    for (auto& done : run) done();
    return run.size();
  }

  // Forgets the held requests, as a writer stopped by a crash does.
  void Drop() {
    std::lock_guard lock(mu_);
    held_.clear();
  }

  std::vector<TxnMarkerRequest> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<TxnMarkerRequest> requests_;
  std::vector<std::function<void()>> held_;
};

class TransactionCoordinatorTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { Open(); }
  void TearDown() override { Close(); }

  void Open(int32_t coordinator_epoch = 0, Flusher* flusher = nullptr) {
    Result<std::unique_ptr<FaultBackend>> backend =
        FaultBackend::Open([this] { return OpenTestBackend(GetParam(), dir_.path()); });
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(*backend);
    Result<std::unique_ptr<LogManager>> logs = LogManager::Open(backend_.get(), {}, &clock_);
    ASSERT_TRUE(logs.ok()) << logs.status().ToString();
    logs_ = std::move(*logs);
    Result<std::unique_ptr<ProducerIdAllocator>> ids = ProducerIdAllocator::Open(backend_.get());
    ASSERT_TRUE(ids.ok()) << ids.status().ToString();
    ids_ = std::move(*ids);
    TxnStateStoreOptions store_options;
    store_options.num_partitions = kPartitions;
    Result<std::unique_ptr<TxnStateStore>> store =
        TxnStateStore::Open(logs_.get(), flusher, &clock_, store_options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    TransactionCoordinatorOptions options;
    options.transactional_id_expiration_ms = 3'600'000;
    options.end_txn_completion_wait_ms = end_txn_wait_ms_;
    coordinator_ = std::make_unique<TransactionCoordinator>(
        std::move(*store), ids_.get(), &markers_,
        [](std::string_view group) { return group == "g" ? 7 : 8; }, &clock_, options);
    for (int32_t p = 0; p < kPartitions; ++p) {
      ASSERT_TRUE(coordinator_->LoadPartition(p, coordinator_epoch).ok());
    }
  }

  void Close() {
    markers_.Drop();
    coordinator_.reset();
    ids_.reset();
    if (logs_ != nullptr) {
      EXPECT_TRUE(logs_->Close().ok());
    }
    logs_.reset();
    backend_.reset();
  }

  void Reopen(int32_t coordinator_epoch) {
    Close();
    Open(coordinator_epoch);
  }

  InitProducerIdResult Init(const std::string& id, int64_t producer_id = -1,
                            int16_t producer_epoch = -1, int32_t timeout_ms = kTimeoutMs) {
    std::optional<InitProducerIdResult> result;
    coordinator_->InitProducerId({.transactional_id = id,
                                  .transaction_timeout_ms = timeout_ms,
                                  .producer_id = producer_id,
                                  .producer_epoch = producer_epoch},
                                 [&](const InitProducerIdResult& r) { result = r; });
    EXPECT_TRUE(result.has_value()) << "InitProducerId not answered";
    return result.value_or(InitProducerIdResult{.error = TxnError::kInvalidRequest});
  }

  TxnError Add(const std::string& id, const InitProducerIdResult& producer,
               std::vector<PartitionId> partitions) {
    std::optional<TxnError> result;
    coordinator_->AddPartitions({.transactional_id = id,
                                 .producer_id = producer.producer_id,
                                 .producer_epoch = producer.producer_epoch,
                                 .partitions = std::move(partitions)},
                                [&](TxnError e) { result = e; });
    EXPECT_TRUE(result.has_value()) << "AddPartitions not answered";
    return result.value_or(TxnError::kInvalidRequest);
  }

  // EndTxn, whose answer may come later (a completion wait): `done` hears it.
  void EndAsync(const std::string& id, const InitProducerIdResult& producer, bool commit,
                TransactionCoordinator::ErrorCallback done) {
    coordinator_->EndTxn({.transactional_id = id,
                          .producer_id = producer.producer_id,
                          .producer_epoch = producer.producer_epoch,
                          .commit = commit},
                         std::move(done));
  }

  TxnError End(const std::string& id, const InitProducerIdResult& producer, bool commit) {
    std::optional<TxnError> result;
    EndAsync(id, producer, commit, [&](TxnError e) { result = e; });
    EXPECT_TRUE(result.has_value()) << "EndTxn not answered";
    return result.value_or(TxnError::kInvalidRequest);
  }

  TxnState State(const std::string& id) const {
    TxnDescription description = coordinator_->DescribeTransaction(id);
    EXPECT_EQ(description.error, TxnError::kNone) << TxnErrorName(description.error);
    return description.state;
  }

  // A producer of `id` with a transaction on kT0 and kU0.
  InitProducerIdResult StartTransaction(const std::string& id) {
    InitProducerIdResult producer = Init(id);
    EXPECT_EQ(producer.error, TxnError::kNone);
    EXPECT_EQ(Add(id, producer, {kT0, kU0}), TxnError::kNone);
    return producer;
  }

  // TransactionCoordinatorOptions::end_txn_completion_wait_ms of the next Open.
  int64_t end_txn_wait_ms_ = 0;
  ManualClock clock_{1'700'000'000'000};
  TempDir dir_;
  FakeMarkerWriter markers_;
  std::unique_ptr<FaultBackend> backend_;
  std::unique_ptr<LogManager> logs_;
  std::unique_ptr<ProducerIdAllocator> ids_;
  std::unique_ptr<TransactionCoordinator> coordinator_;
};

TEST_P(TransactionCoordinatorTest, InitProducerIdGivesANewIdThenBumpsItsEpoch) {
  InitProducerIdResult first = Init("a");
  ASSERT_EQ(first.error, TxnError::kNone);
  EXPECT_EQ(first.producer_epoch, 0);
  InitProducerIdResult other = Init("b");
  EXPECT_NE(other.producer_id, first.producer_id);
  InitProducerIdResult second = Init("a");
  ASSERT_EQ(second.error, TxnError::kNone);
  EXPECT_EQ(second.producer_id, first.producer_id);
  EXPECT_EQ(second.producer_epoch, 1);
  EXPECT_EQ(State("a"), TxnState::kEmpty);
  EXPECT_EQ(Add("a", first, {kT0}), TxnError::kProducerFenced) << "the old epoch is fenced";
}

TEST_P(TransactionCoordinatorTest, RequestsAreCheckedBeforeAnything) {
  EXPECT_EQ(Init("").error, TxnError::kInvalidRequest);
  EXPECT_EQ(Init("a", -1, -1, 0).error, TxnError::kInvalidTransactionTimeout);
  EXPECT_EQ(Init("a", -1, -1, 900001).error, TxnError::kInvalidTransactionTimeout);
  EXPECT_EQ(Init("a", -1, -1, 900000).error, TxnError::kNone);
  EXPECT_EQ(Add("nobody", {.producer_id = 1, .producer_epoch = 0}, {kT0}),
            TxnError::kInvalidProducerIdMapping);
  InitProducerIdResult producer = Init("a");
  EXPECT_EQ(Add("a", {.producer_id = producer.producer_id + 100, .producer_epoch = 0}, {kT0}),
            TxnError::kInvalidProducerIdMapping);
  EXPECT_EQ(End("a", producer, true), TxnError::kInvalidTxnState) << "nothing to end in Empty";
  EXPECT_EQ(coordinator_->DescribeTransaction("nobody").error, TxnError::kTransactionalIdNotFound);
}

TEST_P(TransactionCoordinatorTest, IdsOfAPartitionNotLoadedAreNotCoordinatedHere) {
  const int32_t partition = coordinator_->PartitionFor("a");
  EXPECT_EQ(Init("a").error, TxnError::kNone);
  coordinator_->UnloadPartition(partition);
  EXPECT_FALSE(coordinator_->IsLoaded(partition));
  EXPECT_EQ(Init("a").error, TxnError::kNotCoordinator);
  EXPECT_EQ(coordinator_->DescribeTransaction("a").error, TxnError::kNotCoordinator);
  ASSERT_TRUE(coordinator_->LoadPartition(partition, 1).ok());
  InitProducerIdResult again = Init("a");
  EXPECT_EQ(again.error, TxnError::kNone);
  EXPECT_EQ(again.producer_epoch, 1) << "the state came back from the log";
}

TEST_P(TransactionCoordinatorTest, CommitWritesMarkersThenCompletes) {
  InitProducerIdResult producer = StartTransaction("a");
  EXPECT_EQ(Add("a", producer, {kT0}), TxnError::kNone) << "already in: nothing to log";
  EXPECT_EQ(Add("a", producer, {kT1}), TxnError::kNone);
  TxnDescription ongoing = coordinator_->DescribeTransaction("a");
  EXPECT_EQ(ongoing.state, TxnState::kOngoing);
  EXPECT_EQ(ongoing.partitions, (std::vector<PartitionId>{kT0, kT1, kU0}));
  EXPECT_EQ(ongoing.start_timestamp, clock_.NowMs());
  EXPECT_EQ(ongoing.transaction_timeout_ms, kTimeoutMs);

  EXPECT_EQ(End("a", producer, true), TxnError::kNone);
  EXPECT_EQ(State("a"), TxnState::kPrepareCommit);
  ASSERT_EQ(markers_.requests().size(), 1u);
  const TxnMarkerRequest request = markers_.requests()[0];
  EXPECT_EQ(request.type, ControlType::kCommit);
  EXPECT_EQ(request.producer_id, producer.producer_id);
  EXPECT_EQ(request.producer_epoch, producer.producer_epoch);
  EXPECT_EQ(request.coordinator_epoch, 0);
  EXPECT_EQ(request.partitions, (std::vector<PartitionId>{kT0, kT1, kU0}));
  // Until every marker is written, everything waits.
  EXPECT_EQ(End("a", producer, true), TxnError::kConcurrentTransactions);
  EXPECT_EQ(Add("a", producer, {kT0}), TxnError::kConcurrentTransactions);
  EXPECT_EQ(Init("a").error, TxnError::kConcurrentTransactions);

  EXPECT_EQ(markers_.Deliver(), 1u);
  TxnDescription done = coordinator_->DescribeTransaction("a");
  EXPECT_EQ(done.state, TxnState::kCompleteCommit);
  EXPECT_TRUE(done.partitions.empty());
  // A retried EndTxn hears the outcome; the other outcome is refused.
  EXPECT_EQ(End("a", producer, true), TxnError::kNone);
  EXPECT_EQ(End("a", producer, false), TxnError::kInvalidTxnState);
  // The next transaction starts from CompleteCommit.
  EXPECT_EQ(Add("a", producer, {kT1}), TxnError::kNone);
  EXPECT_EQ(State("a"), TxnState::kOngoing);
}

TEST_P(TransactionCoordinatorTest, AbortWritesAbortMarkersThenCompletes) {
  InitProducerIdResult producer = StartTransaction("a");
  EXPECT_EQ(End("a", producer, false), TxnError::kNone);
  EXPECT_EQ(State("a"), TxnState::kPrepareAbort);
  markers_.Deliver();  // the fake holds requests until now
  EXPECT_EQ(End("a", producer, true), TxnError::kInvalidTxnState);
  EXPECT_EQ(End("a", producer, false), TxnError::kNone);
  EXPECT_EQ(State("a"), TxnState::kCompleteAbort);
  ASSERT_EQ(markers_.requests().size(), 1u);
  EXPECT_EQ(markers_.requests()[0].type, ControlType::kAbort);
  EXPECT_EQ(Init("a").producer_epoch, producer.producer_epoch + 1);
}

TEST_P(TransactionCoordinatorTest, AnEndTxnRetriedWhilePreparedWaitsOrIsRefused) {
  InitProducerIdResult producer = StartTransaction("a");
  EXPECT_EQ(End("a", producer, false), TxnError::kNone);
  EXPECT_EQ(End("a", producer, false), TxnError::kConcurrentTransactions);
  EXPECT_EQ(End("a", {.producer_id = producer.producer_id, .producer_epoch = 5}, false),
            TxnError::kProducerFenced);
  markers_.Deliver();
}

TEST_P(TransactionCoordinatorTest, InitProducerIdAbortsAnOngoingTransactionAndFences) {
  InitProducerIdResult old = StartTransaction("a");
  EXPECT_EQ(Init("a").error, TxnError::kConcurrentTransactions);
  EXPECT_EQ(State("a"), TxnState::kPrepareAbort);
  ASSERT_EQ(markers_.requests().size(), 1u);
  const TxnMarkerRequest abort = markers_.requests()[0];
  EXPECT_EQ(abort.type, ControlType::kAbort);
  EXPECT_EQ(abort.producer_epoch, old.producer_epoch + 1) << "the markers fence the old epoch";
  EXPECT_EQ(End("a", old, true), TxnError::kProducerFenced);
  EXPECT_EQ(Init("a").error, TxnError::kConcurrentTransactions) << "still aborting";
  markers_.Deliver();
  EXPECT_EQ(State("a"), TxnState::kCompleteAbort);
  InitProducerIdResult fresh = Init("a");
  ASSERT_EQ(fresh.error, TxnError::kNone);
  EXPECT_EQ(fresh.producer_id, old.producer_id);
  EXPECT_EQ(fresh.producer_epoch, old.producer_epoch + 2);
  EXPECT_EQ(Add("a", old, {kT0}), TxnError::kProducerFenced);
}

TEST_P(TransactionCoordinatorTest, Kip360RetriesGetTheSameAnswerAndOldEpochsAreFenced) {
  InitProducerIdResult first = Init("a");
  // The producer recovers from an error at its current epoch: a bump.
  InitProducerIdResult bumped = Init("a", first.producer_id, first.producer_epoch);
  ASSERT_EQ(bumped.error, TxnError::kNone);
  EXPECT_EQ(bumped.producer_epoch, first.producer_epoch + 1);
  // Its answer was lost, so it asks again with the same epoch: the same answer.
  InitProducerIdResult retried = Init("a", first.producer_id, first.producer_epoch);
  ASSERT_EQ(retried.error, TxnError::kNone);
  EXPECT_EQ(retried.producer_id, bumped.producer_id);
  EXPECT_EQ(retried.producer_epoch, bumped.producer_epoch);
  // Another producer took over; the older incarnation is fenced.
  InitProducerIdResult other = Init("a");
  EXPECT_EQ(Init("a", first.producer_id, bumped.producer_epoch).error, TxnError::kProducerFenced);
  EXPECT_EQ(Init("a", first.producer_id + 999, 0).error, TxnError::kProducerFenced);
  EXPECT_EQ(Init("a", other.producer_id, other.producer_epoch).producer_epoch,
            other.producer_epoch + 1);
}

TEST_P(TransactionCoordinatorTest, AnExhaustedEpochRotatesTheProducerId) {
  // Bring the id near the end of its epochs through the log, as a long life would.
  const int32_t partition = coordinator_->PartitionFor("a");
  InitProducerIdResult first = Init("a");
  coordinator_->UnloadPartition(partition);
  {
    Result<std::unique_ptr<TxnStateStore>> store =
        TxnStateStore::Open(logs_.get(), nullptr, &clock_, {.num_partitions = kPartitions});
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->LoadPartition(partition).ok());
    TxnLogEntry worn;
    worn.producer_id = first.producer_id;
    worn.producer_epoch = 32766;
    worn.transaction_timeout_ms = kTimeoutMs;
    worn.state = TxnState::kCompleteCommit;
    std::optional<Status> written;
    (*store)->Write("a", worn, [&](Status s) { written = s; });
    ASSERT_TRUE(written.has_value() && written->ok());
  }
  ASSERT_TRUE(coordinator_->LoadPartition(partition, 1).ok());
  InitProducerIdResult rotated = Init("a", first.producer_id, 32766);
  ASSERT_EQ(rotated.error, TxnError::kNone);
  EXPECT_NE(rotated.producer_id, first.producer_id);
  EXPECT_EQ(rotated.producer_epoch, 0);
  // A retry with the old id and its exhausted epoch gets the same answer (KIP-360).
  InitProducerIdResult retried = Init("a", first.producer_id, 32766);
  ASSERT_EQ(retried.error, TxnError::kNone);
  EXPECT_EQ(retried.producer_id, rotated.producer_id);
  EXPECT_EQ(retried.producer_epoch, 0);
}

TEST_P(TransactionCoordinatorTest, ATimedOutTransactionIsAbortedWithABumpedEpoch) {
  InitProducerIdResult producer = StartTransaction("a");
  InitProducerIdResult young = StartTransaction("b");
  clock_.Advance(kTimeoutMs / 2);
  EXPECT_EQ(Add("b", young, {kT1}), TxnError::kNone) << "adding does not restart the clock";
  coordinator_->Tick();
  EXPECT_TRUE(markers_.requests().empty()) << "not timed out yet";
  clock_.Advance(kTimeoutMs / 2 + 1);
  coordinator_->Tick();
  ASSERT_EQ(markers_.requests().size(), 2u);
  for (const TxnMarkerRequest& request : markers_.requests()) {
    EXPECT_EQ(request.type, ControlType::kAbort);
    EXPECT_EQ(request.producer_epoch, producer.producer_epoch + 1);
  }
  markers_.Deliver();
  EXPECT_EQ(State("a"), TxnState::kCompleteAbort);
  EXPECT_EQ(State("b"), TxnState::kCompleteAbort);
  EXPECT_EQ(End("a", producer, true), TxnError::kProducerFenced);
  EXPECT_EQ(Add("a", producer, {kT0}), TxnError::kProducerFenced);
  EXPECT_EQ(coordinator_->DescribeTransaction("a").producer_epoch, producer.producer_epoch + 1);
}

TEST_P(TransactionCoordinatorTest, ARestartInPrepareCommitCompletesTheCommit) {
  InitProducerIdResult producer = StartTransaction("a");
  EXPECT_EQ(End("a", producer, true), TxnError::kNone);
  ASSERT_EQ(markers_.requests().size(), 1u);
  // The broker dies before the markers are written.
  Reopen(/*coordinator_epoch=*/4);
  ASSERT_EQ(markers_.requests().size(), 2u);
  const TxnMarkerRequest resent = markers_.requests()[1];
  EXPECT_EQ(resent.type, ControlType::kCommit);
  EXPECT_EQ(resent.producer_id, producer.producer_id);
  EXPECT_EQ(resent.producer_epoch, producer.producer_epoch);
  EXPECT_EQ(resent.coordinator_epoch, 4);
  EXPECT_EQ(resent.partitions, (std::vector<PartitionId>{kT0, kU0}));
  EXPECT_EQ(End("a", producer, true), TxnError::kConcurrentTransactions);
  markers_.Deliver();
  EXPECT_EQ(State("a"), TxnState::kCompleteCommit);
  EXPECT_EQ(End("a", producer, true), TxnError::kNone);
  Reopen(5);
  EXPECT_EQ(markers_.requests().size(), 2u) << "nothing left to complete";
  EXPECT_EQ(State("a"), TxnState::kCompleteCommit);
}

TEST_P(TransactionCoordinatorTest, AnOngoingTransactionSurvivesARestartAndTimesOut) {
  StartTransaction("a");
  Reopen(1);
  EXPECT_EQ(State("a"), TxnState::kOngoing);
  EXPECT_TRUE(markers_.requests().empty());
  clock_.Advance(kTimeoutMs + 1);
  coordinator_->Tick();
  ASSERT_EQ(markers_.requests().size(), 1u);
  EXPECT_EQ(markers_.requests()[0].coordinator_epoch, 1);
  markers_.Deliver();
  EXPECT_EQ(State("a"), TxnState::kCompleteAbort);
}

TEST_P(TransactionCoordinatorTest, AddOffsetsAddsTheGroupsOffsetsPartition) {
  InitProducerIdResult producer = Init("a");
  std::optional<TxnError> result;
  coordinator_->AddOffsets("a", producer.producer_id, producer.producer_epoch, "g",
                           [&](TxnError e) { result = e; });
  ASSERT_EQ(result, TxnError::kNone);
  const PartitionId offsets{std::string(kConsumerOffsetsTopic), 7};
  EXPECT_EQ(coordinator_->DescribeTransaction("a").partitions, std::vector<PartitionId>{offsets});
  EXPECT_EQ(End("a", producer, true), TxnError::kNone);
  ASSERT_EQ(markers_.requests().size(), 1u);
  EXPECT_EQ(markers_.requests()[0].partitions, std::vector<PartitionId>{offsets});
  markers_.Deliver();
}

TEST_P(TransactionCoordinatorTest, VerifyOnlyReportsWhichPartitionsAreInTheTransaction) {
  InitProducerIdResult producer = StartTransaction("a");
  AddPartitionsParams params{.transactional_id = "a",
                             .producer_id = producer.producer_id,
                             .producer_epoch = producer.producer_epoch,
                             .partitions = {kT0, kT1}};
  std::map<PartitionId, TxnError> verified = coordinator_->VerifyPartitions(params);
  EXPECT_EQ(verified.at(kT0), TxnError::kNone);
  EXPECT_EQ(verified.at(kT1), TxnError::kTransactionAbortable);
  EXPECT_EQ(State("a"), TxnState::kOngoing) << "verification logs nothing";
  EXPECT_EQ(coordinator_->DescribeTransaction("a").partitions.size(), 2u);
  params.producer_epoch = producer.producer_epoch + 1;
  EXPECT_EQ(coordinator_->VerifyPartitions(params).at(kT0), TxnError::kProducerFenced);
  params.producer_epoch = producer.producer_epoch;
  EXPECT_EQ(End("a", producer, true), TxnError::kNone);
  EXPECT_EQ(coordinator_->VerifyPartitions(params).at(kT0), TxnError::kConcurrentTransactions);
  markers_.Deliver();
  EXPECT_EQ(coordinator_->VerifyPartitions(params).at(kT0), TxnError::kTransactionAbortable);
}

TEST_P(TransactionCoordinatorTest, ListAndDescribeFilterAndShowTheState) {
  InitProducerIdResult a = StartTransaction("a");
  InitProducerIdResult b = Init("b");
  clock_.Advance(500);
  InitProducerIdResult c = StartTransaction("c");
  TxnListResult all = coordinator_->ListTransactions({});
  ASSERT_EQ(all.error, TxnError::kNone);
  ASSERT_EQ(all.transactions.size(), 3u);
  EXPECT_EQ(all.transactions[0].transactional_id, "a");
  EXPECT_EQ(all.transactions[1].state, TxnState::kEmpty);
  EXPECT_EQ(all.transactions[2].producer_id, c.producer_id);
  TxnListResult ongoing = coordinator_->ListTransactions({.states = {TxnState::kOngoing}});
  ASSERT_EQ(ongoing.transactions.size(), 2u);
  TxnListResult by_producer = coordinator_->ListTransactions({.producer_ids = {b.producer_id}});
  ASSERT_EQ(by_producer.transactions.size(), 1u);
  EXPECT_EQ(by_producer.transactions[0].transactional_id, "b");
  TxnListResult long_running =
      coordinator_->ListTransactions({.states = {TxnState::kOngoing}, .min_duration_ms = 400});
  ASSERT_EQ(long_running.transactions.size(), 1u);
  EXPECT_EQ(long_running.transactions[0].producer_id, a.producer_id);
  TxnDescription described = coordinator_->DescribeTransaction("c");
  EXPECT_EQ(described.producer_id, c.producer_id);
  EXPECT_EQ(described.producer_epoch, 0);
  EXPECT_EQ(described.partitions, (std::vector<PartitionId>{kT0, kU0}));
}

TEST_P(TransactionCoordinatorTest, IdleIdsExpireDurably) {
  InitProducerIdResult idle = Init("idle");
  InitProducerIdResult busy = StartTransaction("busy");
  clock_.Advance(3'600'000 + 1);
  coordinator_->Tick();  // also aborts "busy", whose transaction timed out long ago
  EXPECT_EQ(coordinator_->DescribeTransaction("idle").error, TxnError::kTransactionalIdNotFound);
  markers_.Deliver();
  EXPECT_EQ(State("busy"), TxnState::kCompleteAbort) << "just completed: not idle";
  Reopen(1);
  EXPECT_EQ(coordinator_->DescribeTransaction("idle").error, TxnError::kTransactionalIdNotFound);
  InitProducerIdResult again = Init("idle");
  EXPECT_NE(again.producer_id, idle.producer_id) << "a forgotten id starts over";
  EXPECT_EQ(again.producer_epoch, 0);
  EXPECT_EQ(State("busy"), TxnState::kCompleteAbort);
  EXPECT_NE(busy.producer_id, again.producer_id);
}

TEST_P(TransactionCoordinatorTest, MarkersOfAnUnloadedPartitionCompleteHarmlessly) {
  InitProducerIdResult producer = StartTransaction("a");
  EXPECT_EQ(End("a", producer, true), TxnError::kNone);
  coordinator_->UnloadPartition(coordinator_->PartitionFor("a"));
  EXPECT_EQ(markers_.Deliver(), 1u);
  ASSERT_TRUE(coordinator_->LoadPartition(coordinator_->PartitionFor("a"), 2).ok());
  // The new load finds PrepareCommit and finishes it with its own epoch.
  ASSERT_EQ(markers_.requests().size(), 2u);
  EXPECT_EQ(markers_.requests()[1].coordinator_epoch, 2);
  markers_.Deliver();
  EXPECT_EQ(State("a"), TxnState::kCompleteCommit);
}

TEST_P(TransactionCoordinatorTest, ANewerCoordinatorEpochReloadsThePartition) {
  InitProducerIdResult producer = StartTransaction("a");
  EXPECT_EQ(End("a", producer, true), TxnError::kNone);
  const int32_t partition = coordinator_->PartitionFor("a");
  ASSERT_TRUE(coordinator_->LoadPartition(partition, 0).ok());
  EXPECT_EQ(markers_.requests().size(), 1u) << "loaded at this epoch already: nothing happens";
  ASSERT_TRUE(coordinator_->LoadPartition(partition, 3).ok());
  ASSERT_EQ(markers_.requests().size(), 2u);
  EXPECT_EQ(markers_.requests()[1].coordinator_epoch, 3);
  EXPECT_EQ(markers_.Deliver(), 2u) << "the older load's completion is ignored";
  EXPECT_EQ(State("a"), TxnState::kCompleteCommit);
}

TEST_P(TransactionCoordinatorTest, AnUnloadCancelsALoadInProgress) {
  EXPECT_EQ(Init("a").error, TxnError::kNone);
  const int32_t partition = coordinator_->PartitionFor("a");
  coordinator_->UnloadPartition(partition);
  bool unloaded = false;
  // The replay reads the log: unload the partition in the middle of it.
  backend_->SetHook(FaultOp::kRead, [&] {
    if (unloaded) return;
    unloaded = true;
    EXPECT_EQ(coordinator_->DescribeTransaction("a").error, TxnError::kCoordinatorLoadInProgress);
    EXPECT_TRUE(coordinator_->LoadPartition(partition, 1).IsBusy()) << "one load at a time";
    coordinator_->UnloadPartition(partition);
  });
  EXPECT_TRUE(coordinator_->LoadPartition(partition, 1).IsBusy());
  backend_->SetHook(FaultOp::kRead, {});
  ASSERT_TRUE(unloaded);
  EXPECT_FALSE(coordinator_->IsLoaded(partition));
  EXPECT_EQ(coordinator_->DescribeTransaction("a").error, TxnError::kNotCoordinator);
  ASSERT_TRUE(coordinator_->LoadPartition(partition, 1).ok());
  EXPECT_EQ(State("a"), TxnState::kEmpty);
}

TEST_P(TransactionCoordinatorTest, WritesThroughAFlusherAnswerOnceDurable) {
  Flusher flusher(1);
  Close();
  Open(0, &flusher);
  std::promise<InitProducerIdResult> init;
  coordinator_->InitProducerId({.transactional_id = "a", .transaction_timeout_ms = kTimeoutMs},
                               [&](const InitProducerIdResult& r) { init.set_value(r); });
  const InitProducerIdResult producer = init.get_future().get();
  ASSERT_EQ(producer.error, TxnError::kNone);
  std::promise<TxnError> added;
  coordinator_->AddPartitions({.transactional_id = "a",
                               .producer_id = producer.producer_id,
                               .producer_epoch = producer.producer_epoch,
                               .partitions = {kT0}},
                              [&](TxnError e) { added.set_value(e); });
  ASSERT_EQ(added.get_future().get(), TxnError::kNone);
  std::promise<TxnError> ended;
  coordinator_->EndTxn({.transactional_id = "a",
                        .producer_id = producer.producer_id,
                        .producer_epoch = producer.producer_epoch,
                        .commit = true},
                       [&](TxnError e) { ended.set_value(e); });
  ASSERT_EQ(ended.get_future().get(), TxnError::kNone);
  // The markers are asked for right after the answer, on the flusher's thread.
  for (int i = 0; i < 1000 && markers_.requests().empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(markers_.Deliver(), 1u);
  for (int i = 0; i < 1000 && State("a") != TxnState::kCompleteCommit; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(State("a"), TxnState::kCompleteCommit);
  Close();  // before the flusher goes
}

TEST_P(TransactionCoordinatorTest, AFailedPrepareWriteIsRefusedAndChangesNothing) {
  InitProducerIdResult producer = StartTransaction("a");
  backend_->InjectFault(FaultOp::kFlush, Status::IOError("disk gone"));
  EXPECT_EQ(End("a", producer, true), TxnError::kCoordinatorNotAvailable);
  EXPECT_EQ(State("a"), TxnState::kOngoing);
  EXPECT_TRUE(markers_.requests().empty());
  backend_->ClearFaults();
  EXPECT_EQ(End("a", producer, true), TxnError::kNone);
  markers_.Deliver();
  EXPECT_EQ(State("a"), TxnState::kCompleteCommit);
}

TEST_P(TransactionCoordinatorTest, AFailedCompleteFlushIsLoggedAgainByTick) {
  InitProducerIdResult producer = StartTransaction("a");
  EXPECT_EQ(End("a", producer, true), TxnError::kNone);
  backend_->InjectFault(FaultOp::kFlush, Status::IOError("disk gone"));
  markers_.Deliver();
  // Complete* takes effect once appended; its flush failed, so Tick logs it again.
  EXPECT_EQ(State("a"), TxnState::kCompleteCommit);
  EXPECT_EQ(End("a", producer, true), TxnError::kNone);
  backend_->ClearFaults();
  coordinator_->Tick();
  EXPECT_EQ(State("a"), TxnState::kCompleteCommit);
  EXPECT_EQ(markers_.requests().size(), 1u) << "the markers are not written twice";
  Reopen(1);
  EXPECT_EQ(State("a"), TxnState::kCompleteCommit);
  EXPECT_EQ(markers_.requests().size(), 1u) << "nothing left to complete after a restart";
}

TEST_P(TransactionCoordinatorTest, AFailedFenceReusesItsEpoch) {
  InitProducerIdResult old = StartTransaction("a");
  backend_->InjectFault(FaultOp::kFlush, Status::IOError("disk gone"));
  EXPECT_EQ(Init("a").error, TxnError::kCoordinatorNotAvailable);
  EXPECT_EQ(State("a"), TxnState::kOngoing);
  backend_->ClearFaults();
  EXPECT_EQ(Init("a").error, TxnError::kConcurrentTransactions);
  ASSERT_EQ(markers_.requests().size(), 1u);
  EXPECT_EQ(markers_.requests()[0].producer_epoch, old.producer_epoch + 1)
      << "the epoch of the failed fence, never answered to anyone, is used once";
  markers_.Deliver();
  EXPECT_EQ(Init("a").producer_epoch, old.producer_epoch + 2);
}

// EndTxn with a completion wait: the answer comes once Complete* takes effect, so the
// producer's next AddPartitionsToTxn is never refused for the previous transaction.
TEST_P(TransactionCoordinatorTest, AnEndTxnWaitingForCompletionIsAnsweredOnceComplete) {
  end_txn_wait_ms_ = 5000;
  Reopen(1);
  InitProducerIdResult producer = StartTransaction("a");
  std::optional<TxnError> ended;
  EndAsync("a", producer, true, [&](TxnError e) { ended = e; });
  EXPECT_FALSE(ended.has_value()) << "answered before the markers";
  EXPECT_EQ(State("a"), TxnState::kPrepareCommit);
  EXPECT_EQ(End("a", producer, true), TxnError::kConcurrentTransactions) << "a retry is refused";
  coordinator_->Tick();
  EXPECT_FALSE(ended.has_value()) << "answered before its wait was over";
  EXPECT_EQ(markers_.Deliver(), 1u);
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(*ended, TxnError::kNone);
  EXPECT_EQ(State("a"), TxnState::kCompleteCommit);
  EXPECT_EQ(Add("a", producer, {kT1}), TxnError::kNone) << "the next transaction starts at once";
}

TEST_P(TransactionCoordinatorTest, AnEndTxnWhoseMarkersHangIsAnsweredAfterItsWait) {
  end_txn_wait_ms_ = 5000;
  Reopen(1);
  InitProducerIdResult producer = StartTransaction("a");
  int answers = 0;
  TxnError ended = TxnError::kInvalidRequest;
  EndAsync("a", producer, false, [&](TxnError e) {
    ended = e;
    ++answers;
  });
  clock_.Advance(4999);
  coordinator_->Tick();
  EXPECT_EQ(answers, 0);
  clock_.Advance(1);
  coordinator_->Tick();
  ASSERT_EQ(answers, 1) << "the outcome is decided: the producer hears it";
  EXPECT_EQ(ended, TxnError::kNone);
  EXPECT_EQ(State("a"), TxnState::kPrepareAbort) << "the markers are still owed";
  markers_.Deliver();
  coordinator_->Tick();
  EXPECT_EQ(answers, 1) << "answered once";
  EXPECT_EQ(State("a"), TxnState::kCompleteAbort);
}

TEST_P(TransactionCoordinatorTest, AnEndTxnWaitingWhenItsPartitionIsUnloadedIsAnswered) {
  end_txn_wait_ms_ = 5000;
  Reopen(1);
  InitProducerIdResult producer = StartTransaction("a");
  std::optional<TxnError> ended;
  EndAsync("a", producer, true, [&](TxnError e) { ended = e; });
  coordinator_->UnloadPartition(coordinator_->PartitionFor("a"));
  EXPECT_FALSE(ended.has_value());
  markers_.Deliver();
  ASSERT_TRUE(ended.has_value()) << "the markers came back to a coordinator that moved on";
  EXPECT_EQ(*ended, TxnError::kNone) << "PrepareCommit is durable: the commit is decided";
}

TEST_P(TransactionCoordinatorTest, AFencingInitProducerIdIsAnsweredOnceTheAbortCompleted) {
  end_txn_wait_ms_ = 5000;
  Reopen(1);
  InitProducerIdResult old = StartTransaction("a");
  std::optional<InitProducerIdResult> fenced;
  coordinator_->InitProducerId({.transactional_id = "a", .transaction_timeout_ms = kTimeoutMs},
                               [&](const InitProducerIdResult& r) { fenced = r; });
  EXPECT_FALSE(fenced.has_value());
  EXPECT_EQ(State("a"), TxnState::kPrepareAbort);
  markers_.Deliver();
  ASSERT_TRUE(fenced.has_value());
  EXPECT_EQ(fenced->error, TxnError::kConcurrentTransactions) << "the producer retries";
  InitProducerIdResult fresh = Init("a");
  ASSERT_EQ(fresh.error, TxnError::kNone) << "and its retry is not refused again";
  EXPECT_EQ(fresh.producer_epoch, old.producer_epoch + 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, TransactionCoordinatorTest,
                         ::testing::ValuesIn(AllTestBackends()), BackendParamName());

}  // namespace
}  // namespace ringlog::testing
