// LeaderEpochHistory: Kafka's LeaderEpochFileCache rules, and the stored blob.
#include "engine/log/leader_epoch_history.h"

#include <gtest/gtest.h>

#include <vector>

namespace ringlog {
namespace {

LeaderEpochHistory Make(const std::vector<EpochStart>& entries) {
  LeaderEpochHistory history;
  for (const EpochStart& e : entries) history.Assign(e.epoch, e.start_offset);
  return history;
}

TEST(LeaderEpochHistoryTest, AnswersWhereEachEpochEnds) {
  const LeaderEpochHistory h = Make({{0, 0}, {3, 120}, {5, 300}});
  EXPECT_EQ(h.latest_epoch(), 5);
  EXPECT_EQ(h.EndOffsetFor(5, 450), (EpochEndOffset{5, 450}));
  EXPECT_EQ(h.EndOffsetFor(3, 450), (EpochEndOffset{3, 300}));
  EXPECT_EQ(h.EndOffsetFor(0, 450), (EpochEndOffset{0, 120}));
  EXPECT_EQ(h.EndOffsetFor(4, 450), (EpochEndOffset{3, 300}));
  EXPECT_EQ(h.EndOffsetFor(1, 450), (EpochEndOffset{0, 120}));
  EXPECT_EQ(h.EndOffsetFor(6, 450), (EpochEndOffset{}));
  EXPECT_EQ(h.EndOffsetFor(-1, 450), (EpochEndOffset{}));
  EXPECT_EQ(LeaderEpochHistory().EndOffsetFor(0, 0), (EpochEndOffset{}));
  EXPECT_EQ(LeaderEpochHistory().latest_epoch(), -1);
}

TEST(LeaderEpochHistoryTest, AnEpochOlderThanAllEndsWhereTheFirstStarts) {
  const LeaderEpochHistory h = Make({{4, 50}, {7, 90}});
  EXPECT_EQ(h.EndOffsetFor(2, 100), (EpochEndOffset{2, 50}));
}

TEST(LeaderEpochHistoryTest, AssignIgnoresTheLatestAgainAndDropsConflictingEntries) {
  LeaderEpochHistory h = Make({{0, 0}, {3, 120}});
  EXPECT_FALSE(h.Assign(3, 150));
  EXPECT_EQ(h.entries(), (std::vector<EpochStart>{{0, 0}, {3, 120}}));
  // The same latest epoch starting lower replaces it.
  EXPECT_TRUE(h.Assign(3, 100));
  EXPECT_EQ(h.entries(), (std::vector<EpochStart>{{0, 0}, {3, 100}}));
  // A newer epoch at an offset some entries start at or after: they go.
  EXPECT_TRUE(h.Assign(5, 100));
  EXPECT_EQ(h.entries(), (std::vector<EpochStart>{{0, 0}, {5, 100}}));
  // An older epoch than the latest: the newer ones go.
  EXPECT_TRUE(h.Assign(2, 200));
  EXPECT_EQ(h.entries(), (std::vector<EpochStart>{{0, 0}, {2, 200}}));
}

TEST(LeaderEpochHistoryTest, TruncatesFromTheEnd) {
  LeaderEpochHistory h = Make({{0, 0}, {3, 120}, {5, 300}});
  EXPECT_FALSE(h.TruncateFromEnd(301));
  EXPECT_TRUE(h.TruncateFromEnd(300));
  EXPECT_EQ(h.entries(), (std::vector<EpochStart>{{0, 0}, {3, 120}}));
  EXPECT_TRUE(h.TruncateFromEnd(0));
  EXPECT_TRUE(h.empty());
}

TEST(LeaderEpochHistoryTest, TruncatesFromTheStartKeepingTheEpochThatHoldsIt) {
  LeaderEpochHistory h = Make({{0, 0}, {3, 120}, {5, 300}});
  EXPECT_FALSE(h.TruncateFromStart(0));
  EXPECT_TRUE(h.TruncateFromStart(150));
  EXPECT_EQ(h.entries(), (std::vector<EpochStart>{{3, 150}, {5, 300}}));
  EXPECT_FALSE(h.TruncateFromStart(150));
  EXPECT_TRUE(h.TruncateFromStart(300));
  EXPECT_EQ(h.entries(), (std::vector<EpochStart>{{5, 300}}));
  EXPECT_TRUE(h.TruncateFromStart(400));
  EXPECT_EQ(h.entries(), (std::vector<EpochStart>{{5, 400}}));
  LeaderEpochHistory later = Make({{2, 10}});
  EXPECT_FALSE(later.TruncateFromStart(5));
}

TEST(LeaderEpochHistoryTest, RoundTripsThroughItsBlob) {
  const LeaderEpochHistory h = Make({{0, 0}, {3, 120}, {5, 300}});
  EXPECT_EQ(h.Encode(), "ringlog-leader-epochs 1\ncount 3\n0 0\n3 120\n5 300\n");
  auto decoded = LeaderEpochHistory::Decode(h.Encode());
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->entries(), h.entries());
  auto empty = LeaderEpochHistory::Decode(LeaderEpochHistory().Encode());
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(LeaderEpochHistoryTest, RefusesBlobsItDidNotWrite) {
  for (const char* blob : {
           "",
           "ringlog-leader-epochs 2\ncount 0\n",
           "ringlog-leader-epochs 1\ncount x\n",
           "ringlog-leader-epochs 1\ncount 2\n0 0\n",
           "ringlog-leader-epochs 1\ncount 1\n0\n",
           "ringlog-leader-epochs 1\ncount 1\n-1 0\n",
           "ringlog-leader-epochs 1\ncount 2\n3 10\n2 20\n",
           "ringlog-leader-epochs 1\ncount 2\n2 10\n3 10\n",
           "ringlog-leader-epochs 1\ncount 1\n0 0\nextra",
       }) {
    EXPECT_TRUE(LeaderEpochHistory::Decode(blob).status().IsCorruption()) << blob;
  }
}

}  // namespace
}  // namespace ringlog
