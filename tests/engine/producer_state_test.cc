// The sequence checks of an idempotent producer's batches: retries of any of the last five
// batches are duplicates answered with their first offsets; gaps, old epochs and unknown
// producers are refused; sequences wrap at INT32_MAX.
#include "engine/producer/producer_state.h"

#include <gtest/gtest.h>

#include <limits>
#include <optional>

namespace ringlog {
namespace {

using Verdict = SequenceCheck::Verdict;

constexpr int64_t kProducer = 4000;

ProducerBatch Batch(int32_t first_sequence, int32_t count, Offset first_offset) {
  return {first_sequence, first_sequence + count - 1, first_offset, first_offset + count - 1,
          1'700'000'000'000};
}

// Checks and records `count` records at `first_sequence`, as an append would.
void Append(ProducerState& state, int16_t epoch, int32_t first_sequence, int32_t count,
            Offset first_offset) {
  const ProducerBatch batch = Batch(first_sequence, count, first_offset);
  ASSERT_EQ(state
                .Check(kProducer, epoch, batch.first_sequence, batch.last_sequence,
                       /*transactional=*/false)
                .verdict,
            Verdict::kAppend);
  state.Record(kProducer, epoch, batch);
}

TEST(ProducerStateTest, ANewProducerStartsAtSequenceZero) {
  ProducerState state;
  EXPECT_EQ(state.Check(kProducer, 0, 0, 9, /*transactional=*/false).verdict, Verdict::kAppend);
  EXPECT_EQ(state.Check(kProducer, 0, 5, 9, /*transactional=*/false).verdict,
            Verdict::kUnknownProducerId);
}

TEST(ProducerStateTest, InOrderBatchesAppendAndGapsAreRefused) {
  ProducerState state;
  Append(state, 0, 0, 10, 100);
  Append(state, 0, 10, 5, 110);
  EXPECT_EQ(state.Check(kProducer, 0, 16, 20, /*transactional=*/false).verdict,
            Verdict::kOutOfOrderSequence);
  EXPECT_EQ(state.Check(kProducer, 0, 14, 20, /*transactional=*/false).verdict,
            Verdict::kOutOfOrderSequence);
  EXPECT_EQ(state.Check(kProducer, 0, 15, 20, /*transactional=*/false).verdict, Verdict::kAppend);
}

TEST(ProducerStateTest, ARetryOfAnyOfTheLastFiveBatchesIsADuplicateWithItsOffsets) {
  ProducerState state;
  for (int i = 0; i < 7; ++i) Append(state, 0, i * 2, 2, 1000 + i * 2);
  // Batches 2..6 are cached; 0 and 1 have gone.
  for (int i = 2; i < 7; ++i) {
    const SequenceCheck check =
        state.Check(kProducer, 0, i * 2, i * 2 + 1, /*transactional=*/false);
    EXPECT_EQ(check.verdict, Verdict::kDuplicate) << "batch " << i;
    ASSERT_TRUE(check.duplicate_of.has_value());
    EXPECT_EQ(check.duplicate_of->first_offset, 1000 + i * 2);
    EXPECT_EQ(check.duplicate_of->last_offset, 1000 + i * 2 + 1);
  }
  EXPECT_EQ(state.Check(kProducer, 0, 2, 3, /*transactional=*/false).verdict,
            Verdict::kOutOfOrderSequence);
}

TEST(ProducerStateTest, EpochsOnlyMoveForwardAndANewEpochStartsAtZero) {
  ProducerState state;
  Append(state, 3, 0, 4, 0);
  EXPECT_EQ(state.Check(kProducer, 2, 4, 4, /*transactional=*/false).verdict,
            Verdict::kInvalidProducerEpoch);
  EXPECT_EQ(state.Check(kProducer, 4, 4, 4, /*transactional=*/false).verdict,
            Verdict::kOutOfOrderSequence);
  Append(state, 4, 0, 1, 4);
  // The old epoch's batches are forgotten: its retry is now an old epoch.
  EXPECT_EQ(state.Check(kProducer, 3, 0, 3, /*transactional=*/false).verdict,
            Verdict::kInvalidProducerEpoch);
  EXPECT_EQ(state.Check(kProducer, 4, 0, 0, /*transactional=*/false).verdict, Verdict::kDuplicate);
}

TEST(ProducerStateTest, SequencesWrapAtInt32Max) {
  constexpr int32_t kMax = std::numeric_limits<int32_t>::max();
  EXPECT_EQ(ProducerState::NextSequence(kMax), 0);
  EXPECT_EQ(ProducerState::NextSequence(41), 42);
  ProducerState state;
  state.Record(kProducer, 0, {kMax - 1, kMax, 500, 501, 0});
  EXPECT_EQ(state.Check(kProducer, 0, 0, 2, /*transactional=*/false).verdict, Verdict::kAppend);
  EXPECT_EQ(state.Check(kProducer, 0, 1, 2, /*transactional=*/false).verdict,
            Verdict::kOutOfOrderSequence);
}

TEST(ProducerStateTest, ProducersAreIndependent) {
  ProducerState state;
  Append(state, 0, 0, 3, 0);
  EXPECT_EQ(state.Check(kProducer + 1, 0, 0, 0, /*transactional=*/false).verdict, Verdict::kAppend);
  EXPECT_EQ(state.Check(kProducer + 1, 0, 3, 3, /*transactional=*/false).verdict,
            Verdict::kUnknownProducerId);
  EXPECT_EQ(state.producer_count(), 1u);
}

TEST(ProducerStateTxnTest, ATransactionalBatchStartsATransactionAMarkerEndsIt) {
  ProducerState state;
  state.Record(kProducer, 0, Batch(0, 3, 10), /*transactional=*/true);
  state.Record(kProducer, 0, Batch(3, 3, 20), /*transactional=*/true);
  EXPECT_EQ(state.OngoingTxn(kProducer), 10);
  EXPECT_EQ(state.OldestOngoingTxn(), 10);
  state.Record(kProducer + 1, 0, Batch(0, 1, 5), /*transactional=*/true);
  EXPECT_EQ(state.OldestOngoingTxn(), 5);
  const std::optional<CompletedTxn> done = state.RecordMarker(kProducer, 0, 7, true, 30, 99);
  EXPECT_EQ(done, (CompletedTxn{kProducer, 10, 30, true}));
  EXPECT_EQ(state.OngoingTxn(kProducer), kNoTxn);
  EXPECT_EQ(state.OldestOngoingTxn(), 5);
  const ProducerInfo info = state.Producers()[0];
  EXPECT_EQ(info.coordinator_epoch, 7);
  EXPECT_EQ(info.last_timestamp, 99);
  EXPECT_EQ(info.current_txn_start_offset, kNoTxn);
  EXPECT_EQ(state.Producers()[1].current_txn_start_offset, 5);
  // A marker without a transaction ends none, and still leaves an entry.
  EXPECT_EQ(state.RecordMarker(kProducer + 2, 0, 1, false, 40, 99), std::nullopt);
  EXPECT_EQ(state.producer_count(), 3u);
}

TEST(ProducerStateTxnTest, MarkersAreCheckedForBothEpochs) {
  ProducerState state;
  EXPECT_EQ(state.CheckMarker(kProducer, 0, 0), MarkerCheck::kAppend);
  state.Record(kProducer, 2, Batch(0, 1, 0), true);
  state.RecordMarker(kProducer, 2, 5, false, 1, 1);
  EXPECT_EQ(state.CheckMarker(kProducer, 1, 5), MarkerCheck::kInvalidProducerEpoch);
  EXPECT_EQ(state.CheckMarker(kProducer, 2, 4), MarkerCheck::kCoordinatorFenced);
  EXPECT_EQ(state.CheckMarker(kProducer, 3, 5), MarkerCheck::kAppend);
}

TEST(ProducerStateTxnTest, AMarkerAtANewEpochRestartsTheSequences) {
  ProducerState state;
  Append(state, 0, 0, 5, 0);
  state.RecordMarker(kProducer, 1, 0, true, 5, 1);
  EXPECT_EQ(state.Check(kProducer, 1, 5, 5, /*transactional=*/false).verdict,
            Verdict::kOutOfOrderSequence);
  EXPECT_EQ(state.Check(kProducer, 1, 0, 0, /*transactional=*/false).verdict, Verdict::kAppend);
  EXPECT_EQ(state.Check(kProducer, 0, 5, 5, /*transactional=*/false).verdict,
            Verdict::kInvalidProducerEpoch);
  EXPECT_EQ(state.Producers()[0].last_sequence, kNoSequence);
  EXPECT_EQ(state.Producers()[0].last_offset, -1);
}

TEST(ProducerStateTxnTest, BatchesWithoutSequencesAreCheckedForTheirEpochOnly) {
  ProducerState state;
  EXPECT_EQ(state.Check(kProducer, 3, kNoSequence, kNoSequence, /*transactional=*/true).verdict,
            Verdict::kAppend);
  state.Record(kProducer, 3, {kNoSequence, kNoSequence, 0, 1, 1}, true);
  EXPECT_EQ(state.Check(kProducer, 3, kNoSequence, kNoSequence, /*transactional=*/true).verdict,
            Verdict::kAppend);
  EXPECT_EQ(state.Check(kProducer, 2, kNoSequence, kNoSequence, /*transactional=*/true).verdict,
            Verdict::kInvalidProducerEpoch);
  EXPECT_EQ(state.OngoingTxn(kProducer), 0);
}

TEST(ProducerStateTxnTest, OngoingTransactionsNeverExpireAndEmptyEntriesGoWithRetention) {
  ProducerState state;
  state.Record(kProducer, 0, Batch(0, 1, 0), /*transactional=*/true);
  state.Record(kProducer + 1, 0, Batch(0, 1, 1));
  EXPECT_EQ(state.Expire(1'800'000'000'000, 1000), 1u);
  EXPECT_EQ(state.OngoingTxn(kProducer), 0);
  state.RecordMarker(kProducer + 2, 0, 0, false, 5, 1);
  EXPECT_EQ(state.DropBefore(0), 1u);  // the marker-only entry
  EXPECT_EQ(state.producer_count(), 1u);
}

TEST(ProducerStateTxnTest, ANonTransactionalBatchDuringTheTransactionIsInvalidTxnState) {
  ProducerState state;
  state.Record(kProducer, 0, Batch(0, 2, 0), /*transactional=*/true);
  EXPECT_EQ(state.Check(kProducer, 0, 2, 2, /*transactional=*/false).verdict,
            Verdict::kInvalidTxnState);
  EXPECT_EQ(state.Check(kProducer, 0, 2, 2, /*transactional=*/true).verdict, Verdict::kAppend);
  // The epoch and sequence checks come first; a retry is still a duplicate.
  EXPECT_EQ(state.Check(kProducer, 0, 5, 5, /*transactional=*/false).verdict,
            Verdict::kOutOfOrderSequence);
  EXPECT_EQ(state.Check(kProducer, 0, 0, 1, /*transactional=*/false).verdict, Verdict::kDuplicate);
  EXPECT_TRUE(state.HasOngoingTxn(kProducer, 0));
  EXPECT_FALSE(state.HasOngoingTxn(kProducer, 1));
  state.RecordMarker(kProducer, 0, 0, /*aborted=*/false, 2, 1);
  EXPECT_FALSE(state.HasOngoingTxn(kProducer, 0));
  EXPECT_EQ(state.Check(kProducer, 0, 2, 2, /*transactional=*/false).verdict, Verdict::kAppend);
}

}  // namespace
}  // namespace ringlog
