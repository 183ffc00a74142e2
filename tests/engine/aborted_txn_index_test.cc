// The aborted-transaction index: which aborts a read of [from, upto) must name, and its
// blob, which reads back the same or is refused when torn, damaged or inconsistent.
#include "engine/log/aborted_txn_index.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/log/unstable_txns.h"

namespace ringlog {
namespace {

// Three aborts: producer 1 [0, 10] while producer 2 was open from 5; producer 2 [5, 20]
// with nothing open after it; producer 3 [30, 40].
AbortedTxnIndex SomeIndex() {
  AbortedTxnIndex index;
  index.Add({1, 0, 10, 5});
  index.Add({2, 5, 20, 21});
  index.Add({3, 30, 40, 41});
  return index;
}

std::vector<int64_t> ProducersOf(const std::vector<AbortedTxnEntry>& entries) {
  std::vector<int64_t> ids;
  for (const AbortedTxnEntry& e : entries) ids.push_back(e.producer_id);
  return ids;
}

TEST(AbortedTxnIndexTest, CollectNamesTheAbortsOverlappingTheRange) {
  const AbortedTxnIndex index = SomeIndex();
  EXPECT_EQ(ProducersOf(index.Collect(0, 50)), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(ProducersOf(index.Collect(0, 5)), (std::vector<int64_t>{1}));
  EXPECT_EQ(ProducersOf(index.Collect(6, 8)), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(ProducersOf(index.Collect(11, 30)), (std::vector<int64_t>{2}));
  EXPECT_EQ(ProducersOf(index.Collect(21, 30)), (std::vector<int64_t>{}));
  EXPECT_EQ(ProducersOf(index.Collect(35, 36)), (std::vector<int64_t>{3}));
  EXPECT_EQ(ProducersOf(index.Collect(41, 99)), (std::vector<int64_t>{}));
}

TEST(AbortedTxnIndexTest, DropBeforeForgetsAbortsEndingBelowTheLogStart) {
  AbortedTxnIndex index = SomeIndex();
  EXPECT_EQ(index.DropBefore(10), 0u);
  EXPECT_EQ(index.DropBefore(11), 1u);
  EXPECT_EQ(ProducersOf(index.Collect(0, 50)), (std::vector<int64_t>{2, 3}));
}

TEST(AbortedTxnIndexTest, BlobRoundTripsAndRefusesDamage) {
  const AbortedTxnIndex index = SomeIndex();
  const std::string blob = EncodeAbortedTxnIndex(index, 41);
  Result<AbortedTxnSnapshot> read = DecodeAbortedTxnIndex(blob);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->end, 41);
  EXPECT_EQ(read->index, index);
  Result<AbortedTxnSnapshot> empty = DecodeAbortedTxnIndex(EncodeAbortedTxnIndex({}, 0));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->index.entries().empty());
  for (size_t cut = 0; cut < blob.size(); ++cut) {
    EXPECT_TRUE(DecodeAbortedTxnIndex(blob.substr(0, cut)).status().IsCorruption()) << cut;
  }
  for (size_t at = 0; at < blob.size(); ++at) {
    std::string damaged = blob;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x04);
    EXPECT_TRUE(DecodeAbortedTxnIndex(damaged).status().IsCorruption()) << at;
  }
  // An abort at or past the end it claims to cover.
  EXPECT_TRUE(DecodeAbortedTxnIndex(EncodeAbortedTxnIndex(index, 40)).status().IsCorruption());
}

TEST(UnstableTxnsTest, AnEndedTransactionHoldsUntilItsMarkerIsBelowTheHighWatermark) {
  UnstableTxns txns;
  EXPECT_EQ(txns.FirstUnstable(10), 10);
  txns.Begin(1, 4);
  txns.Begin(2, 6);
  EXPECT_EQ(txns.FirstUnstable(10), 4);
  EXPECT_EQ(txns.FirstUnstable(3), 3);
  txns.End(4, 8);
  EXPECT_EQ(txns.FirstUnstable(8), 4);  // the marker at 8 is not readable yet
  EXPECT_EQ(txns.FirstUnstable(9), 6);
  txns.DropStable(9);
  txns.Retain([](int64_t producer, Offset) { return producer != 2; });
  EXPECT_EQ(txns.FirstUnstable(20), 20);
}

}  // namespace
}  // namespace ringlog
