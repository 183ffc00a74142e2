// The producer state snapshot blob: what is written reads back the same, and a torn,
// damaged or foreign blob is refused rather than half-read.
#include "engine/producer/producer_snapshot.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "engine/big_endian.h"
#include "engine/log/crc32c.h"
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

TEST(ProducerSnapshotTest, TransactionsAndMarkerOnlyProducersRoundTrip) {
  ProducerState state = SomeState();
  state.Record(13, 1, {0, 2, 150, 152, 7}, /*transactional=*/true);
  state.RecordMarker(11, 2, 9, /*aborted=*/true, 180, 8);   // no transaction: epochs only
  state.RecordMarker(14, 4, 1, /*aborted=*/false, 190, 9);  // an entry without batches
  Result<ProducerSnapshot> read = DecodeProducerSnapshot(EncodeProducerSnapshot(state, 204));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_FALSE(read->before_txns);
  EXPECT_EQ(read->state, state);
  EXPECT_EQ(read->state.OngoingTxn(13), 150);
  EXPECT_EQ(read->state.entries().at(11).coordinator_epoch, 9);
  EXPECT_TRUE(read->state.entries().at(14).batches.empty());
  // A transaction at or past the end is inconsistent.
  ProducerState late;
  late.Record(13, 1, {0, 2, 150, 152, 7}, true);
  EXPECT_TRUE(DecodeProducerSnapshot(EncodeProducerSnapshot(late, 150)).status().IsCorruption());
}

// A version 1 blob, as written before transactions: "RLPS", 1, end, count, per producer id,
// epoch, batch count and batches; CRC-32C.
std::string VersionOneBlob() {
  std::string out = "RLPS";
  auto put = [&out](auto value) {
    uint8_t bytes[sizeof(value)];
    StoreBigEndian(bytes, value);
    out.append(reinterpret_cast<const char*>(bytes), sizeof(value));
  };
  put(int16_t{1});
  put(int64_t{300});
  put(int32_t{1});
  put(int64_t{21});
  put(int16_t{3});
  put(int8_t{2});
  for (int32_t b = 0; b < 2; ++b) {
    put(int32_t{b * 5});
    put(int32_t{b * 5 + 4});
    put(int64_t{100 + b * 5});
    put(int64_t{104 + b * 5});
    put(int64_t{1000 + b});
  }
  put(Crc32c({reinterpret_cast<const uint8_t*>(out.data()), out.size()}));
  return out;
}

TEST(ProducerSnapshotTest, VersionOneIsStillRead) {
  Result<ProducerSnapshot> read = DecodeProducerSnapshot(VersionOneBlob());
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_TRUE(read->before_txns);
  EXPECT_EQ(read->end, 300);
  const ProducerEntry& entry = read->state.entries().at(21);
  EXPECT_EQ(entry.epoch, 3);
  ASSERT_EQ(entry.batches.size(), 2u);
  EXPECT_EQ(entry.batches.back(), (ProducerBatch{5, 9, 105, 109, 1001}));
  EXPECT_EQ(entry.last_timestamp, 1001);
  EXPECT_EQ(entry.txn_first_offset, kNoTxn);
  EXPECT_EQ(entry.coordinator_epoch, -1);
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
