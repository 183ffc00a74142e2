// The records of __transaction_state (Kafka's TransactionLogKey/Value v0, byte for byte)
// and the transaction state machine's rules.
#include "engine/txn/txn_record.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/txn/txn_metadata.h"

namespace ringlog::testing {
namespace {

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    out += kDigits[static_cast<uint8_t>(c) >> 4];
    out += kDigits[static_cast<uint8_t>(c) & 0xF];
  }
  return out;
}

TxnLogEntry Ongoing() {
  TxnLogEntry entry;
  entry.producer_id = 0x0102030405060708;
  entry.producer_epoch = 9;
  entry.transaction_timeout_ms = 60000;
  entry.state = TxnState::kOngoing;
  entry.partitions = {{"b", 2}, {"a", 1}, {"b", 0}};
  entry.last_update_timestamp = 1000;
  entry.start_timestamp = 900;
  return entry;
}

TEST(TxnRecordTest, KeyIsKafkasVersionZeroLayout) {
  EXPECT_EQ(Hex(EncodeTxnKey("tx")),
            "0000"
            "0002"
            "7478");
  Result<std::string> id = DecodeTxnKey(EncodeTxnKey("my-txn"));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(*id, "my-txn");
}

TEST(TxnRecordTest, ValueIsKafkasVersionZeroLayoutGroupedByTopic) {
  const std::string expected =
      "0000"              // version 0
      "0102030405060708"  // producer id
      "0009"              // epoch
      "0000ea60"          // timeout 60000
      "01"                // Ongoing
      "00000002"          // two topics
      "0001"
      "61"
      "00000001"
      "00000001"  // a: [1]
      "0001"
      "62"
      "00000002"
      "00000000"
      "00000002"           // b: [0, 2]
      "00000000000003e8"   // last update 1000
      "0000000000000384";  // start 900
  EXPECT_EQ(Hex(EncodeTxnValue(Ongoing())), expected);
}

TEST(TxnRecordTest, ValuesRoundTripWithAndWithoutPartitions) {
  Result<TxnLogEntry> ongoing = DecodeTxnValue(EncodeTxnValue(Ongoing()));
  ASSERT_TRUE(ongoing.ok()) << ongoing.status().ToString();
  EXPECT_EQ(*ongoing, Ongoing());

  TxnLogEntry empty;
  empty.producer_id = 5;
  empty.producer_epoch = 0;
  empty.state = TxnState::kCompleteCommit;
  const std::string bytes = EncodeTxnValue(empty);
  EXPECT_EQ(Hex(bytes.substr(17, 4)), "ffffffff") << "no partitions are written as null";
  Result<TxnLogEntry> decoded = DecodeTxnValue(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, empty);
}

TEST(TxnRecordTest, MalformedRecordsAreRefused) {
  const std::string value = EncodeTxnValue(Ongoing());
  EXPECT_TRUE(DecodeTxnValue(value.substr(0, value.size() - 1)).status().IsCorruption());
  EXPECT_TRUE(DecodeTxnValue(value + "x").status().IsCorruption());
  std::string future = value;
  future[1] = 1;
  EXPECT_TRUE(DecodeTxnValue(future).status().IsNotSupported());
  std::string bad_state = value;
  bad_state[16] = 8;
  EXPECT_TRUE(DecodeTxnValue(bad_state).status().IsCorruption());
  std::string huge_count = value;
  huge_count[17] = 0x7f;
  EXPECT_TRUE(DecodeTxnValue(huge_count).status().IsCorruption());
  EXPECT_TRUE(DecodeTxnKey(std::string("\0\0\0\5ab", 6)).status().IsCorruption());
}

TEST(TxnMetadataTest, StatesHaveKafkasNamesAndIds) {
  EXPECT_EQ(TxnStateName(TxnState::kPrepareEpochFence), "PrepareEpochFence");
  EXPECT_EQ(ParseTxnStateName("CompleteAbort"), TxnState::kCompleteAbort);
  EXPECT_FALSE(ParseTxnStateName("ongoing").has_value());
  EXPECT_EQ(TxnStateFromId(3), TxnState::kPrepareAbort);
  EXPECT_FALSE(TxnStateFromId(8).has_value());
  EXPECT_FALSE(TxnStateFromId(-1).has_value());
}

TEST(TxnMetadataTest, TransitionsFollowKafkasValidPreviousStates) {
  using enum TxnState;
  EXPECT_TRUE(IsValidTxnTransition(kEmpty, kOngoing));
  EXPECT_TRUE(IsValidTxnTransition(kOngoing, kOngoing));
  EXPECT_TRUE(IsValidTxnTransition(kCompleteAbort, kOngoing));
  EXPECT_TRUE(IsValidTxnTransition(kOngoing, kPrepareCommit));
  EXPECT_TRUE(IsValidTxnTransition(kPrepareEpochFence, kPrepareAbort));
  EXPECT_TRUE(IsValidTxnTransition(kPrepareCommit, kCompleteCommit));
  EXPECT_TRUE(IsValidTxnTransition(kCompleteCommit, kDead));
  EXPECT_FALSE(IsValidTxnTransition(kEmpty, kPrepareCommit));
  EXPECT_FALSE(IsValidTxnTransition(kPrepareCommit, kCompleteAbort));
  EXPECT_FALSE(IsValidTxnTransition(kPrepareAbort, kOngoing));
  EXPECT_FALSE(IsValidTxnTransition(kOngoing, kDead));
  EXPECT_FALSE(IsValidTxnTransition(kEmpty, kPrepareEpochFence));
}

TEST(TxnMetadataTest, EpochsNearTheTopAreExhausted) {
  EXPECT_FALSE(IsProducerEpochExhausted(0));
  EXPECT_FALSE(IsProducerEpochExhausted(32765));
  EXPECT_TRUE(IsProducerEpochExhausted(32766));
  EXPECT_TRUE(IsProducerEpochExhausted(32767));
}

}  // namespace
}  // namespace ringlog::testing
