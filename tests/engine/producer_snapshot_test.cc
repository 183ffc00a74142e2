// The producer state snapshot blob: what is written reads back the same, and a torn,
// damaged or foreign blob is refused rather than half-read.
#include "engine/producer/producer_snapshot.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "engine/producer/producer_batch_replay.h"

namespace ringlog {
namespace {

ProducerState SomeState() {
  ProducerState state;
  for (int i = 0; i < 7; ++i) state.Record(11, 2, {i * 4, i * 4 + 3, 100 + i * 4, 103 + i * 4, 5});
  state.Record(12, 0, {std::numeric_limits<int32_t>::max() - 1, 1, 200, 203, 6});
  return state;
}

TEST(ProducerSnapshotTest, RoundTrips) {
  const ProducerState state = SomeState();
  Result<ProducerSnapshot> read = DecodeProducerSnapshot(EncodeProducerSnapshot(state, 204));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->end, 204);
  EXPECT_EQ(read->state, state);
  EXPECT_EQ(read->state.entries().at(11).batches.size(), ProducerState::kMaxCachedBatches);

  Result<ProducerSnapshot> empty = DecodeProducerSnapshot(EncodeProducerSnapshot({}, 0));
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(empty->state.producer_count(), 0u);
}

TEST(ProducerSnapshotTest, TornDamagedAndForeignBlobsAreRefused) {
  const std::string blob = EncodeProducerSnapshot(SomeState(), 204);
  for (size_t cut = 0; cut < blob.size(); ++cut) {
    EXPECT_TRUE(DecodeProducerSnapshot(blob.substr(0, cut)).status().IsCorruption()) << cut;
  }
  for (size_t at = 0; at < blob.size(); ++at) {
    std::string damaged = blob;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x10);
    EXPECT_TRUE(DecodeProducerSnapshot(damaged).status().IsCorruption()) << at;
  }
  EXPECT_TRUE(DecodeProducerSnapshot("ringlog-producer-ids 1\n").status().IsCorruption());
  // A batch at or past the end it claims to cover is inconsistent.
  EXPECT_TRUE(
      DecodeProducerSnapshot(EncodeProducerSnapshot(SomeState(), 150)).status().IsCorruption());
}

TEST(ProducerBatchReplayTest, LastSequencesWrapPastInt32Max) {
  constexpr int32_t kMax = std::numeric_limits<int32_t>::max();
  EXPECT_EQ(LastSequenceOf(0, 0), 0);
  EXPECT_EQ(LastSequenceOf(10, 4), 14);
  EXPECT_EQ(LastSequenceOf(kMax - 4, 4), kMax);
  EXPECT_EQ(LastSequenceOf(kMax - 4, 5), 0);
  EXPECT_EQ(LastSequenceOf(kMax, 3), 2);
}

}  // namespace
}  // namespace ringlog
