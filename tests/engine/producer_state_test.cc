// The sequence checks of an idempotent producer's batches: retries of any of the last five
// batches are duplicates answered with their first offsets; gaps, old epochs and unknown
// producers are refused; sequences wrap at INT32_MAX.
#include "engine/producer/producer_state.h"

#include <gtest/gtest.h>

#include <limits>

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
  ASSERT_EQ(state.Check(kProducer, epoch, batch.first_sequence, batch.last_sequence).verdict,
            Verdict::kAppend);
  state.Record(kProducer, epoch, batch);
}

TEST(ProducerStateTest, ANewProducerStartsAtSequenceZero) {
  ProducerState state;
  EXPECT_EQ(state.Check(kProducer, 0, 0, 9).verdict, Verdict::kAppend);
  EXPECT_EQ(state.Check(kProducer, 0, 5, 9).verdict, Verdict::kUnknownProducerId);
}

TEST(ProducerStateTest, InOrderBatchesAppendAndGapsAreRefused) {
  ProducerState state;
  Append(state, 0, 0, 10, 100);
  Append(state, 0, 10, 5, 110);
  EXPECT_EQ(state.Check(kProducer, 0, 16, 20).verdict, Verdict::kOutOfOrderSequence);
  EXPECT_EQ(state.Check(kProducer, 0, 14, 20).verdict, Verdict::kOutOfOrderSequence);
  EXPECT_EQ(state.Check(kProducer, 0, 15, 20).verdict, Verdict::kAppend);
}

TEST(ProducerStateTest, ARetryOfAnyOfTheLastFiveBatchesIsADuplicateWithItsOffsets) {
  ProducerState state;
  for (int i = 0; i < 7; ++i) Append(state, 0, i * 2, 2, 1000 + i * 2);
  // Batches 2..6 are cached; 0 and 1 have gone.
  for (int i = 2; i < 7; ++i) {
    const SequenceCheck check = state.Check(kProducer, 0, i * 2, i * 2 + 1);
    EXPECT_EQ(check.verdict, Verdict::kDuplicate) << "batch " << i;
    ASSERT_TRUE(check.duplicate_of.has_value());
    EXPECT_EQ(check.duplicate_of->first_offset, 1000 + i * 2);
    EXPECT_EQ(check.duplicate_of->last_offset, 1000 + i * 2 + 1);
  }
  EXPECT_EQ(state.Check(kProducer, 0, 2, 3).verdict, Verdict::kOutOfOrderSequence);
}

TEST(ProducerStateTest, EpochsOnlyMoveForwardAndANewEpochStartsAtZero) {
  ProducerState state;
  Append(state, 3, 0, 4, 0);
  EXPECT_EQ(state.Check(kProducer, 2, 4, 4).verdict, Verdict::kInvalidProducerEpoch);
  EXPECT_EQ(state.Check(kProducer, 4, 4, 4).verdict, Verdict::kOutOfOrderSequence);
  Append(state, 4, 0, 1, 4);
  // The old epoch's batches are forgotten: its retry is now an old epoch.
  EXPECT_EQ(state.Check(kProducer, 3, 0, 3).verdict, Verdict::kInvalidProducerEpoch);
  EXPECT_EQ(state.Check(kProducer, 4, 0, 0).verdict, Verdict::kDuplicate);
}

TEST(ProducerStateTest, SequencesWrapAtInt32Max) {
  constexpr int32_t kMax = std::numeric_limits<int32_t>::max();
  EXPECT_EQ(ProducerState::NextSequence(kMax), 0);
  EXPECT_EQ(ProducerState::NextSequence(41), 42);
  ProducerState state;
  state.Record(kProducer, 0, {kMax - 1, kMax, 500, 501, 0});
  EXPECT_EQ(state.Check(kProducer, 0, 0, 2).verdict, Verdict::kAppend);
  EXPECT_EQ(state.Check(kProducer, 0, 1, 2).verdict, Verdict::kOutOfOrderSequence);
}

TEST(ProducerStateTest, ProducersAreIndependent) {
  ProducerState state;
  Append(state, 0, 0, 3, 0);
  EXPECT_EQ(state.Check(kProducer + 1, 0, 0, 0).verdict, Verdict::kAppend);
  EXPECT_EQ(state.Check(kProducer + 1, 0, 3, 3).verdict, Verdict::kUnknownProducerId);
  EXPECT_EQ(state.producer_count(), 1u);
}

}  // namespace
}  // namespace ringlog
