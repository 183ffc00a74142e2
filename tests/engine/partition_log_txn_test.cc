// Transactions on every backend: transactional batches start a producer's transaction on
// the partition, markers end it (an ABORT goes to the aborted-transaction index), the last
// stable offset stays at the oldest transaction whose outcome readers cannot read yet,
// and all of it survives restarts, crashes, lost snapshots, truncation, retention and
// replication to a follower.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/log/control_batch.h"
#include "engine/log/partition_log.h"
#include "engine/log/record_batch.h"
#include "engine/log/record_batch_builder.h"
#include "tests/support/fault_backend.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {
namespace {

constexpr TimestampMs kStart = 1'700'000'000'000;
constexpr int64_t kA = 5001;
constexpr int64_t kB = 5002;

std::span<uint8_t> Bytes(std::string& batch) {
  return {reinterpret_cast<uint8_t*>(batch.data()), batch.size()};
}

// `count` records of `producer_id` at `epoch` from `sequence`; transactional unless told.
std::string TxnBatch(int64_t producer_id, int16_t epoch, int32_t sequence, int count,
                     bool transactional = true) {
  std::vector<RecordData> records;
  for (int i = 0; i < count; ++i) {
    records.push_back(
        {std::nullopt, std::to_string(producer_id) + "/" + std::to_string(i), kStart, {}});
  }
  BatchOptions options;
  options.attributes = transactional ? kBatchAttrTransactional : 0;
  options.producer_id = producer_id;
  options.producer_epoch = epoch;
  options.base_sequence = sequence;
  return BuildRecordBatch(records, options);
}

ControlMarker Marker(int64_t producer_id, ControlType type, int16_t epoch = 0,
                     int32_t coordinator_epoch = 0) {
  return {producer_id, epoch, type, coordinator_epoch};
}

class PartitionLogTxnTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto backend = FaultBackend::Open(
        [name = GetParam(), dir = dir_.Sub("data")] { return OpenTestBackend(name, dir); });
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(*backend);
    Open();
  }

  void Open() {
    auto log = PartitionLog::Open(id_, backend_.get(), options_, &clock_);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(*log);
  }

  void Restart() {
    ASSERT_TRUE(log_->FlushForClose().ok());
    log_.reset();
    Open();
  }

  // kill -9 after a flush: what was flushed comes back, with the blobs stored so far.
  void Crash() {
    ASSERT_TRUE(log_->Flush().ok());
    log_.reset();
    ASSERT_TRUE(backend_->SimulateCrash().ok());
    Open();
  }

  // Appends `count` records of `producer_id` from `sequence`; the base offset.
  Offset Send(int64_t producer_id, int32_t sequence, int count = 3, int16_t epoch = 0) {
    std::string batch = TxnBatch(producer_id, epoch, sequence, count);
    Result<AppendResult> appended = log_->Append(Bytes(batch));
    EXPECT_TRUE(appended.ok()) << appended.status().ToString();
    return appended.ok() ? appended->base_offset : -1;
  }

  Offset End(int64_t producer_id, ControlType type, int16_t epoch = 0) {
    Result<AppendResult> appended = log_->AppendMarker(Marker(producer_id, type, epoch));
    EXPECT_TRUE(appended.ok()) << appended.status().ToString();
    return appended.ok() ? appended->base_offset : -1;
  }

  Offset TxnStartOf(int64_t producer_id) const {
    for (const ProducerInfo& p : log_->ActiveProducers()) {
      if (p.producer_id == producer_id) return p.current_txn_start_offset;
    }
    return -2;
  }

  // The offsets of the batches a read_committed consumer reads from `from`.
  std::vector<Offset> StableBatches(Offset from = 0) const {
    std::vector<Offset> bases;
    for (Offset at = from; at < log_->log_end_offset();) {
      Result<ReadResult> read = log_->Read(at, 1 << 20, ReadBound::kLastStable);
      EXPECT_TRUE(read.ok()) << read.status().ToString();
      if (!read.ok() || read->empty()) break;
      Result<std::string> bytes = CopyReadBytes(*read);
      EXPECT_TRUE(bytes.ok());
      BatchIterator it({reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size()});
      while (auto batch = it.Next()) bases.push_back(batch->header().base_offset);
      at = read->next_offset;
    }
    return bases;
  }

  TempDir dir_;
  ManualClock clock_{kStart};
  LogOptions options_;
  std::unique_ptr<FaultBackend> backend_;
  const PartitionId id_{"txn", 0};
  std::unique_ptr<PartitionLog> log_;
};

TEST_P(PartitionLogTxnTest, ACommitEndsTheTransactionAndFreesTheStableOffset) {
  EXPECT_EQ(Send(kA, 0), 0);
  std::string plain = TxnBatch(kB, 0, 0, 2, /*transactional=*/false);
  ASSERT_TRUE(log_->Append(Bytes(plain)).ok());
  EXPECT_EQ(log_->last_stable_offset(), 0);
  EXPECT_EQ(TxnStartOf(kA), 0);
  EXPECT_EQ(TxnStartOf(kB), kNoTxn);
  EXPECT_TRUE(StableBatches().empty());
  EXPECT_EQ(Send(kA, 3), 5);  // the same transaction goes on
  EXPECT_EQ(TxnStartOf(kA), 0);

  EXPECT_EQ(End(kA, ControlType::kCommit), 8);
  EXPECT_EQ(log_->log_end_offset(), 9);
  EXPECT_EQ(log_->last_stable_offset(), 9);
  EXPECT_EQ(TxnStartOf(kA), kNoTxn);
  EXPECT_TRUE(log_->AbortedTransactions(0, 9).empty());
  EXPECT_EQ(StableBatches(), (std::vector<Offset>{0, 3, 5, 8}));

  // The marker is stored as Kafka's control batch.
  Result<ReadResult> read = log_->Read(8, 1 << 20);
  ASSERT_TRUE(read.ok());
  Result<std::string> bytes = CopyReadBytes(*read);
  ASSERT_TRUE(bytes.ok());
  Result<ControlMarker> marker =
      ParseControlBatch({reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size()});
  ASSERT_TRUE(marker.ok()) << marker.status().ToString();
  EXPECT_EQ(*marker, Marker(kA, ControlType::kCommit));
}

TEST_P(PartitionLogTxnTest, AnAbortGoesToTheIndex) {
  Send(kA, 0);
  Send(kA, 3);
  EXPECT_EQ(End(kA, ControlType::kAbort), 6);
  EXPECT_EQ(log_->last_stable_offset(), 7);
  const std::vector<AbortedTxn> aborted{{kA, 0}};
  EXPECT_EQ(log_->AbortedTransactions(0, 7), aborted);
  EXPECT_EQ(log_->AbortedTransactions(6, 7), aborted);
  EXPECT_EQ(log_->AbortedTransactions(3, 4), aborted);
  EXPECT_TRUE(log_->AbortedTransactions(7, 20).empty());  // past its marker
  EXPECT_TRUE(log_->AbortedTransactions(0, 0).empty());   // before its first offset
  // A new transaction of the same producer starts after the marker.
  EXPECT_EQ(Send(kA, 6), 7);
  EXPECT_EQ(log_->last_stable_offset(), 7);
  EXPECT_EQ(TxnStartOf(kA), 7);
}

TEST_P(PartitionLogTxnTest, InterleavedProducersHoldTheStableOffsetAtTheOldest) {
  Send(kA, 0);  // 0..2
  Send(kB, 0);  // 3..5
  Send(kA, 3);  // 6..8
  EXPECT_EQ(log_->last_stable_offset(), 0);
  EXPECT_EQ(End(kA, ControlType::kAbort), 9);
  EXPECT_EQ(log_->last_stable_offset(), 3);
  // A read_committed read stops exactly below B's first batch.
  EXPECT_EQ(StableBatches(), (std::vector<Offset>{0}));
  Result<ReadResult> read = log_->Read(0, 1 << 20, ReadBound::kLastStable);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->next_offset, 3);
  // B's later batches keep its first offset.
  EXPECT_EQ(Send(kB, 3), 10);
  EXPECT_EQ(End(kB, ControlType::kCommit), 13);
  EXPECT_EQ(log_->last_stable_offset(), 14);
  EXPECT_EQ(StableBatches(), (std::vector<Offset>{0, 3, 6, 9, 10, 13}));
  EXPECT_EQ(log_->AbortedTransactions(0, 14), (std::vector<AbortedTxn>{{kA, 0}}));
  // A search from B's later abort on finds only B's.
  Send(kB, 6);
  End(kB, ControlType::kAbort);
  EXPECT_EQ(log_->AbortedTransactions(0, 18), (std::vector<AbortedTxn>{{kA, 0}, {kB, 14}}));
  EXPECT_EQ(log_->AbortedTransactions(10, 18), (std::vector<AbortedTxn>{{kB, 14}}));
}

TEST_P(PartitionLogTxnTest, MarkersAreCheckedForProducerAndCoordinatorEpochs) {
  Send(kA, 0, 3, /*epoch=*/2);
  const Offset end = log_->log_end_offset();
  EXPECT_TRUE(
      log_->AppendMarker(Marker(kA, ControlType::kCommit, 1)).status().IsInvalidProducerEpoch());
  ASSERT_TRUE(log_->AppendMarker(Marker(kA, ControlType::kCommit, 2, 5)).ok());
  EXPECT_TRUE(log_->AppendMarker(Marker(kA, ControlType::kAbort, 2, 4))
                  .status()
                  .IsTransactionCoordinatorFenced());
  EXPECT_EQ(log_->log_end_offset(), end + 1);
  EXPECT_TRUE(log_->AppendMarker(Marker(-1, ControlType::kAbort)).status().IsInvalidArgument());
  // A marker for a producer without a transaction here is written all the same.
  ASSERT_TRUE(log_->AppendMarker(Marker(kB, ControlType::kAbort, 0, 1)).ok());
  EXPECT_EQ(log_->log_end_offset(), end + 2);
  EXPECT_TRUE(log_->AbortedTransactions(0, end + 2).empty());
  // A coordinator aborting with a bumped epoch restarts the producer's sequences.
  Send(kA, 3, 3, 2);
  ASSERT_TRUE(log_->AppendMarker(Marker(kA, ControlType::kAbort, 3, 5)).ok());
  std::string stale = TxnBatch(kA, 3, 6, 1);
  EXPECT_TRUE(log_->Append(Bytes(stale)).status().IsOutOfOrderSequence());
  EXPECT_GE(Send(kA, 0, 1, 3), 0);
  std::string old_epoch = TxnBatch(kA, 2, 6, 1);
  EXPECT_TRUE(log_->Append(Bytes(old_epoch)).status().IsInvalidProducerEpoch());
}

TEST_P(PartitionLogTxnTest, BrokerWrittenTransactionalBatchesHaveNoSequence) {
  std::string offsets = TxnBatch(kA, 1, kNoSequence, 2);
  ASSERT_TRUE(log_->Append(Bytes(offsets)).ok());
  std::string more = TxnBatch(kA, 1, kNoSequence, 1);
  ASSERT_TRUE(log_->Append(Bytes(more)).ok());
  EXPECT_EQ(log_->last_stable_offset(), 0);
  EXPECT_EQ(TxnStartOf(kA), 0);
  std::string fenced = TxnBatch(kA, 0, kNoSequence, 1);
  EXPECT_TRUE(log_->Append(Bytes(fenced)).status().IsInvalidProducerEpoch());
  std::string plain = TxnBatch(kB, 0, kNoSequence, 1, /*transactional=*/false);
  EXPECT_TRUE(log_->Append(Bytes(plain)).status().IsInvalidArgument());
  EXPECT_EQ(End(kA, ControlType::kCommit, 1), 3);
  EXPECT_EQ(log_->last_stable_offset(), 4);
}

TEST_P(PartitionLogTxnTest, OngoingTransactionsNeverExpire) {
  options_.producer_id_expiration_ms = 1000;
  ASSERT_TRUE(log_->SetOptions(options_).ok());
  Send(kA, 0);
  std::string plain = TxnBatch(kB, 0, 0, 1, /*transactional=*/false);
  ASSERT_TRUE(log_->Append(Bytes(plain)).ok());
  clock_.Advance(5000);
  Result<size_t> expired = log_->ExpireProducers();
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(*expired, 1u);
  EXPECT_EQ(TxnStartOf(kA), 0);
  EXPECT_EQ(log_->last_stable_offset(), 0);
}

// Everything the state of transactions is made of, to compare across reopenings.
struct TxnView {
  Offset lso;
  std::vector<AbortedTxn> aborted;
  std::vector<ProducerInfo> producers;
  bool operator==(const TxnView&) const = default;
};

TEST_P(PartitionLogTxnTest, TheStateSurvivesRestartsCrashesAndLostSnapshots) {
  options_.segment_bytes = 300;  // a roll every few batches snapshots the state
  ASSERT_TRUE(log_->SetOptions(options_).ok());
  for (int round = 0; round < 4; ++round) {
    Send(kA, round * 3);
    End(kA, round % 2 == 0 ? ControlType::kAbort : ControlType::kCommit);
  }
  Send(kB, 0);
  Send(kA, 12);
  End(kA, ControlType::kAbort);
  Send(kA, 15);  // A's last transaction and B's stay open
  ASSERT_GT(log_->segments().size(), 2u);
  auto view = [&] {
    return TxnView{log_->last_stable_offset(), log_->AbortedTransactions(0, log_->log_end_offset()),
                   log_->ActiveProducers()};
  };
  const TxnView before = view();
  ASSERT_EQ(before.aborted.size(), 3u);
  ASSERT_EQ(before.lso, TxnStartOf(kB));

  Restart();
  EXPECT_EQ(view(), before);
  EXPECT_TRUE(backend_->GetMeta(PartitionLog::AbortedTxnMetaName(id_)).ok());
  Crash();
  EXPECT_EQ(view(), before);
  // Without a usable index or snapshot both are rebuilt from the log.
  ASSERT_TRUE(backend_->PutMeta(PartitionLog::AbortedTxnMetaName(id_), "torn").ok());
  Crash();
  EXPECT_EQ(view(), before);
  Restart();
  ASSERT_TRUE(backend_->DeleteMeta(PartitionLog::AbortedTxnMetaName(id_)).ok());
  Crash();
  EXPECT_EQ(view(), before);
  Restart();
  ASSERT_TRUE(backend_->DeleteMeta(PartitionLog::ProducerStateMetaName(id_)).ok());
  Crash();
  EXPECT_EQ(view(), before);
  // And B's commit after all that.
  End(kB, ControlType::kCommit);
  EXPECT_EQ(log_->last_stable_offset(), TxnStartOf(kA));
}

TEST_P(PartitionLogTxnTest, TruncationTakesBackMarkersAndTransactions) {
  Send(kA, 0);
  const Offset abort = End(kA, ControlType::kAbort);
  Send(kB, 0);
  ASSERT_EQ(log_->AbortedTransactions(0, 10).size(), 1u);
  ASSERT_TRUE(log_->TruncateTo(abort + 1).ok());  // B's transaction goes
  EXPECT_EQ(TxnStartOf(kB), -2);
  EXPECT_EQ(log_->last_stable_offset(), abort + 1);
  ASSERT_TRUE(log_->TruncateTo(abort).ok());  // the abort goes: A is ongoing again
  EXPECT_TRUE(log_->AbortedTransactions(0, 10).empty());
  EXPECT_EQ(TxnStartOf(kA), 0);
  EXPECT_EQ(log_->last_stable_offset(), 0);
  Restart();
  EXPECT_TRUE(log_->AbortedTransactions(0, 10).empty());
  EXPECT_EQ(log_->last_stable_offset(), 0);
  ASSERT_TRUE(log_->TruncateFullyAndStartAt(50).ok());
  EXPECT_EQ(log_->last_stable_offset(), 50);
  EXPECT_TRUE(backend_->GetMeta(PartitionLog::AbortedTxnMetaName(id_)).status().IsNotFound());
}

TEST_P(PartitionLogTxnTest, RetentionAndDeleteRecordsDropOldAborts) {
  options_.segment_bytes = 300;
  ASSERT_TRUE(log_->SetOptions(options_).ok());
  Send(kA, 0);
  const Offset first_abort = End(kA, ControlType::kAbort);
  Send(kB, 0);  // B stays open across the cut
  Send(kA, 3);
  const Offset second_abort = End(kA, ControlType::kAbort);
  for (int i = 0; i < 4; ++i) Send(kB, 3 + i * 3);
  ASSERT_EQ(log_->AbortedTransactions(0, log_->log_end_offset()).size(), 2u);
  ASSERT_TRUE(log_->DeleteRecordsBefore(first_abort + 1).ok());
  const std::vector<AbortedTxn> left{{kA, first_abort + 4}};
  EXPECT_EQ(log_->AbortedTransactions(0, log_->log_end_offset()), left);
  EXPECT_EQ(log_->last_stable_offset(), first_abort + 1);  // B's first batch
  ASSERT_TRUE(log_->DeleteRecordsBefore(second_abort + 1).ok());
  EXPECT_TRUE(log_->AbortedTransactions(0, log_->log_end_offset()).empty());
  // B began below the log start and is still open: the stable offset is the log start.
  EXPECT_EQ(log_->last_stable_offset(), second_abort + 1);
  Result<size_t> removed = log_->ApplyRetention();
  ASSERT_TRUE(removed.ok());
  EXPECT_GT(*removed, 0u);
  Restart();
  EXPECT_TRUE(log_->AbortedTransactions(0, log_->log_end_offset()).empty());
  EXPECT_EQ(log_->last_stable_offset(), log_->log_start_offset());
}

// A replicated log: a transaction holds the stable offset until its marker is below the
// high watermark, and a follower learns everything from the batches it replicates.
TEST_P(PartitionLogTxnTest, ReplicasHoldTheStableOffsetUntilTheMarkerIsReplicated) {
  options_.replicated = true;
  log_.reset();
  Open();
  Send(kA, 0);
  Send(kB, 0);
  const Offset abort = End(kA, ControlType::kAbort);
  EXPECT_EQ(log_->AdvanceHighWatermark(abort), abort);
  EXPECT_EQ(log_->last_stable_offset(), 0);
  EXPECT_TRUE(StableBatches().empty());
  log_->AdvanceHighWatermark(abort + 1);
  EXPECT_EQ(log_->last_stable_offset(), 3);
  EXPECT_EQ(StableBatches(), (std::vector<Offset>{0}));

  // The follower: the leader's batches as its fetch carries them.
  std::string bytes;
  for (Offset at = 0; at < log_->log_end_offset();) {
    Result<ReadResult> read = log_->Read(at, 1 << 20, ReadBound::kLogEnd);
    ASSERT_TRUE(read.ok());
    Result<std::string> chunk = CopyReadBytes(*read);
    ASSERT_TRUE(chunk.ok());
    bytes += *chunk;
    at = read->next_offset;
  }
  const PartitionId follower_id{"txn", 1};
  auto follower = PartitionLog::Open(follower_id, backend_.get(), options_, &clock_);
  ASSERT_TRUE(follower.ok());
  Result<Offset> end =
      (*follower)->AppendReplicated({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
  ASSERT_TRUE(end.ok()) << end.status().ToString();
  EXPECT_EQ((*follower)->AbortedTransactions(0, *end), log_->AbortedTransactions(0, *end));
  EXPECT_EQ((*follower)->ActiveProducers(), log_->ActiveProducers());
  (*follower)->AdvanceHighWatermark(*end);
  EXPECT_EQ((*follower)->last_stable_offset(), 3);
  ASSERT_TRUE((*follower)->TruncateTo(abort).ok());
  EXPECT_TRUE((*follower)->AbortedTransactions(0, abort).empty());
  EXPECT_EQ((*follower)->last_stable_offset(), 0);
}

// Appends a client's batch as Produce does, with `guard` (KIP-890 part 1).
Result<AppendResult> AppendVerified(PartitionLog& log, std::string& batch, uint64_t guard) {
  return log.AppendAsync(
      Bytes(batch), [](Status) {}, guard);
}

TEST_P(PartitionLogTxnTest, AnUnverifiedTransactionalBatchIsRefused) {
  std::string batch = TxnBatch(kA, 0, 0, 2);
  Result<AppendResult> refused = AppendVerified(*log_, batch, TxnVerifications::kNone);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.status().IsInvalidTxnState()) << refused.status().ToString();
  EXPECT_EQ(log_->log_end_offset(), 0);
  // A guard the partition never handed out is no better.
  EXPECT_TRUE(AppendVerified(*log_, batch, 12345).status().IsInvalidTxnState());
  EXPECT_EQ(TxnStartOf(kA), -2) << "the producer is unknown still";
}

TEST_P(PartitionLogTxnTest, AVerifiedBatchStartsTheTransactionAndLaterOnesNeedNoGuard) {
  const uint64_t guard = log_->StartTxnVerification(kA, 0);
  EXPECT_NE(guard, TxnVerifications::kNone);
  // A concurrent retry of the verification shares the guard.
  EXPECT_EQ(log_->StartTxnVerification(kA, 0), guard);
  std::string first = TxnBatch(kA, 0, 0, 2);
  Result<AppendResult> appended = AppendVerified(*log_, first, guard);
  ASSERT_TRUE(appended.ok()) << appended.status().ToString();
  EXPECT_EQ(TxnStartOf(kA), 0);
  // The transaction is ongoing: nothing more to verify on this partition.
  EXPECT_EQ(log_->StartTxnVerification(kA, 0), TxnVerifications::kNone);
  std::string second = TxnBatch(kA, 0, 2, 1);
  ASSERT_TRUE(AppendVerified(*log_, second, TxnVerifications::kNone).ok());
  // A retry of the first batch is answered with its offsets, guard or not.
  std::string retry = TxnBatch(kA, 0, 0, 2);
  Result<AppendResult> duplicate = AppendVerified(*log_, retry, TxnVerifications::kNone);
  ASSERT_TRUE(duplicate.ok()) << duplicate.status().ToString();
  EXPECT_TRUE(duplicate->duplicate);
  EXPECT_EQ(duplicate->base_offset, 0);
  // Once the marker ended the transaction, the next one is verified again.
  End(kA, ControlType::kCommit);
  EXPECT_NE(log_->StartTxnVerification(kA, 0), TxnVerifications::kNone);
}

TEST_P(PartitionLogTxnTest, AMarkerRetiresAGuardHandedOutBeforeIt) {
  // Verified, then aborted, then a new transaction without this partition: the late "yes"
  // must not put the batch into the new transaction.
  std::string first = TxnBatch(kA, 0, 0, 1);
  ASSERT_TRUE(AppendVerified(*log_, first, log_->StartTxnVerification(kA, 0)).ok());
  const uint64_t stale = log_->StartTxnVerification(kA, 0);
  EXPECT_EQ(stale, TxnVerifications::kNone) << "ongoing";
  End(kA, ControlType::kAbort);
  const uint64_t guard = log_->StartTxnVerification(kA, 0);
  End(kA, ControlType::kAbort);  // the coordinator aborted the transaction meanwhile
  std::string late = TxnBatch(kA, 0, 1, 1);
  EXPECT_TRUE(AppendVerified(*log_, late, guard).status().IsInvalidTxnState());
  EXPECT_EQ(log_->log_end_offset(), 3);
  // A guard of an older epoch than the producer's newest is never current.
  const uint64_t fresh = log_->StartTxnVerification(kA, 1);
  const uint64_t zombie = log_->StartTxnVerification(kA, 0);
  EXPECT_NE(zombie, fresh);
  std::string old = TxnBatch(kA, 0, 1, 1);
  EXPECT_TRUE(AppendVerified(*log_, old, zombie).status().IsInvalidTxnState());
  std::string current = TxnBatch(kA, 1, 0, 1);
  EXPECT_TRUE(AppendVerified(*log_, current, fresh).ok());
}

TEST_P(PartitionLogTxnTest, ANonTransactionalBatchDuringTheTransactionIsRefused) {
  EXPECT_EQ(Send(kA, 0), 0);
  std::string plain = TxnBatch(kA, 0, 3, 1, /*transactional=*/false);
  Result<AppendResult> refused = log_->Append(Bytes(plain));
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.status().IsInvalidTxnState()) << refused.status().ToString();
  EXPECT_EQ(log_->log_end_offset(), 3);
  // After the marker the producer may write outside a transaction again.
  End(kA, ControlType::kCommit);
  std::string after = TxnBatch(kA, 0, 3, 1, /*transactional=*/false);
  EXPECT_TRUE(log_->Append(Bytes(after)).ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, PartitionLogTxnTest, ::testing::ValuesIn(AllTestBackends()),
                         BackendParamName());

}  // namespace
}  // namespace ringlog::testing
