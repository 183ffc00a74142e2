// The rules of pending transactional offsets in one offsets partition, in memory: COMMIT
// and ABORT, plain commits and tombstones mixed with them, several producers, and what a
// snapshot may write again and must keep.
#include "engine/group/offset_partition_state.h"

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ringlog::testing {
namespace {

const PartitionId kT0{"t", 0};
const PartitionId kT1{"t", 1};
constexpr int64_t kProducer = 7;
constexpr int64_t kOther = 8;

OffsetKey Key(const std::string& group, const PartitionId& partition) {
  return OffsetKey{group, partition};
}

CommittedOffset Value(Offset offset) { return CommittedOffset{offset, -1, std::nullopt, 0}; }

std::optional<Offset> OffsetOf(const OffsetPartitionState& state, const std::string& group,
                               const PartitionId& partition) {
  std::optional<CommittedOffset> committed = state.Get(group, partition);
  if (!committed) return std::nullopt;
  return committed->offset;
}

TEST(OffsetPartitionStateTest, CommitMakesPendingOffsetsCommitted) {
  OffsetPartitionState state;
  state.ApplyPending(kProducer, Key("g", kT0), Value(10), 0);
  state.ApplyPending(kProducer, Key("g", kT1), Value(11), 1);
  EXPECT_FALSE(state.Get("g", kT0).has_value()) << "pending is not committed";
  EXPECT_EQ(state.PendingPartitions("g"), (std::set<PartitionId>{kT0, kT1}));
  EXPECT_TRUE(state.HasGroup("g")) << "a group with only pending offsets exists";
  EXPECT_EQ(state.Groups(), std::vector<std::string>{"g"});
  EXPECT_EQ(state.live(), 0u);

  state.Complete(kProducer, ControlType::kCommit);
  EXPECT_EQ(OffsetOf(state, "g", kT0), 10);
  EXPECT_EQ(OffsetOf(state, "g", kT1), 11);
  EXPECT_TRUE(state.PendingPartitions("g").empty());
  EXPECT_EQ(state.live(), 2u);
}

TEST(OffsetPartitionStateTest, AbortDropsPendingOffsets) {
  OffsetPartitionState state;
  state.Apply(Key("g", kT0), Value(5), 0);
  state.ApplyPending(kProducer, Key("g", kT0), Value(10), 1);
  state.Complete(kProducer, ControlType::kAbort);
  EXPECT_EQ(OffsetOf(state, "g", kT0), 5) << "the committed offset stays";
  EXPECT_TRUE(state.PendingPartitions("g").empty());
  state.Complete(kProducer, ControlType::kCommit);
  EXPECT_EQ(OffsetOf(state, "g", kT0), 5) << "a second marker finds nothing to commit";
}

TEST(OffsetPartitionStateTest, TheNewestRecordWinsWhenPlainAndTransactionalCommitsMix) {
  OffsetPartitionState state;
  state.Apply(Key("g", kT0), Value(10), 5);
  state.ApplyPending(kProducer, Key("g", kT0), Value(20), 8);
  state.Apply(Key("g", kT0), Value(30), 9);
  EXPECT_EQ(state.PendingPartitions("g"), std::set<PartitionId>{kT0})
      << "a later plain commit does not end the transaction";
  state.Complete(kProducer, ControlType::kCommit);
  EXPECT_EQ(OffsetOf(state, "g", kT0), 30) << "@9 is newer than the pending @8";

  state.ApplyPending(kProducer, Key("g", kT0), Value(40), 12);
  state.Complete(kProducer, ControlType::kCommit);
  EXPECT_EQ(OffsetOf(state, "g", kT0), 40) << "@12 is newer than @9";
}

TEST(OffsetPartitionStateTest, ProducersCompleteIndependently) {
  OffsetPartitionState state;
  state.ApplyPending(kProducer, Key("g", kT0), Value(1), 0);
  state.ApplyPending(kOther, Key("g", kT1), Value(2), 1);
  state.ApplyPending(kOther, Key("h", kT0), Value(3), 2);
  state.Complete(kOther, ControlType::kAbort);
  EXPECT_EQ(state.PendingPartitions("g"), std::set<PartitionId>{kT0});
  EXPECT_FALSE(state.HasGroup("h"));
  state.Complete(kProducer, ControlType::kCommit);
  EXPECT_EQ(OffsetOf(state, "g", kT0), 1);
  EXPECT_FALSE(state.Get("g", kT1).has_value());
}

TEST(OffsetPartitionStateTest, PendingOffsetsOfOneTransactionReplaceEachOther) {
  OffsetPartitionState state;
  state.ApplyPending(kProducer, Key("g", kT0), Value(1), 0);
  state.ApplyPending(kProducer, Key("g", kT0), Value(2), 1);
  state.Complete(kProducer, ControlType::kCommit);
  EXPECT_EQ(OffsetOf(state, "g", kT0), 2);
}

TEST(OffsetPartitionStateTest, TombstonesDropPendingOffsetsOfEveryProducer) {
  OffsetPartitionState state;
  state.Apply(Key("g", kT0), Value(1), 0);
  state.ApplyPending(kProducer, Key("g", kT0), Value(2), 1);
  state.ApplyPending(kOther, Key("g", kT0), Value(3), 2);
  state.ApplyPending(kOther, Key("g", kT1), Value(4), 3);
  EXPECT_EQ(state.Keys([](const OffsetKey& key) { return key.partition == kT1; }),
            std::vector<OffsetKey>{Key("g", kT1)})
      << "a key with only a pending offset is still a key to delete";
  state.Apply(Key("g", kT0), std::nullopt, 4);
  EXPECT_FALSE(state.Get("g", kT0).has_value());
  EXPECT_EQ(state.PendingPartitions("g"), std::set<PartitionId>{kT1});
  state.Complete(kProducer, ControlType::kCommit);
  state.Complete(kOther, ControlType::kCommit);
  EXPECT_FALSE(state.Get("g", kT0).has_value()) << "the deleted offset does not come back";
  EXPECT_EQ(OffsetOf(state, "g", kT1), 4);
}

TEST(OffsetPartitionStateTest, TransactionalTombstonesDropOnlyTheirProducersPendingOffset) {
  OffsetPartitionState state;
  state.Apply(Key("g", kT0), Value(1), 0);
  state.ApplyPending(kProducer, Key("g", kT0), Value(2), 1);
  state.ApplyPending(kOther, Key("g", kT0), Value(3), 2);
  state.ApplyPending(kProducer, Key("g", kT0), std::nullopt, 3);
  state.Complete(kProducer, ControlType::kCommit);
  EXPECT_EQ(OffsetOf(state, "g", kT0), 1);
  state.Complete(kOther, ControlType::kCommit);
  EXPECT_EQ(OffsetOf(state, "g", kT0), 3);
}

TEST(OffsetPartitionStateTest, SnapshotsLeaveKeysWithPendingOffsetsToTheirRecords) {
  OffsetPartitionState state;
  EXPECT_FALSE(state.OldestNeeded().has_value());
  state.Apply(Key("g", kT0), Value(1), 3);
  state.Apply(Key("g", kT1), Value(2), 4);
  state.Apply(Key("h", kT0), Value(3), 5);
  state.ApplyPending(kProducer, Key("g", kT1), Value(5), 9);
  state.ApplyPending(kOther, Key("i", kT0), Value(6), 7);
  const auto restatable = state.Restatable();
  ASSERT_EQ(restatable.size(), 2u);
  EXPECT_EQ(restatable[0].first, Key("g", kT0));
  EXPECT_EQ(restatable[1].first, Key("h", kT0));
  EXPECT_EQ(restatable[1].second.offset, 3);
  EXPECT_EQ(state.OldestNeeded(), 4) << "the committed record of g/t-1, which is pending";

  state.Complete(kProducer, ControlType::kCommit);
  EXPECT_EQ(state.OldestNeeded(), 7) << "only i/t-0 is pending now";
  state.Complete(kOther, ControlType::kAbort);
  EXPECT_FALSE(state.OldestNeeded().has_value());
  EXPECT_EQ(state.Restatable().size(), 3u);
}

}  // namespace
}  // namespace ringlog::testing
