// TxnVerifications: guards are shared by one epoch's concurrent verifications, never
// current for an older epoch, retired by Retire and dropped once they expire.
#include "engine/producer/txn_verifications.h"

#include <gtest/gtest.h>

namespace ringlog::testing {
namespace {

constexpr int64_t kProducer = 42;

TEST(TxnVerificationsTest, OneEpochSharesItsGuardUntilItIsRetired) {
  TxnVerifications guards;
  const uint64_t guard = guards.Start(kProducer, 3, 100);
  EXPECT_NE(guard, TxnVerifications::kNone);
  EXPECT_EQ(guards.Start(kProducer, 3, 150), guard);
  EXPECT_TRUE(guards.IsCurrent(kProducer, guard));
  EXPECT_FALSE(guards.IsCurrent(kProducer + 1, guard));
  EXPECT_FALSE(guards.IsCurrent(kProducer, TxnVerifications::kNone));
  guards.Retire(kProducer);
  EXPECT_FALSE(guards.IsCurrent(kProducer, guard));
  EXPECT_NE(guards.Start(kProducer, 3, 200), guard);
}

TEST(TxnVerificationsTest, ANewerEpochReplacesTheGuardAndAnOlderNeverGetsOne) {
  TxnVerifications guards;
  const uint64_t old = guards.Start(kProducer, 1, 100);
  const uint64_t newer = guards.Start(kProducer, 2, 100);
  EXPECT_NE(old, newer);
  EXPECT_FALSE(guards.IsCurrent(kProducer, old));
  const uint64_t zombie = guards.Start(kProducer, 1, 100);
  EXPECT_FALSE(guards.IsCurrent(kProducer, zombie));
  EXPECT_TRUE(guards.IsCurrent(kProducer, newer));
}

TEST(TxnVerificationsTest, GuardsWhoseBatchNeverCameExpire) {
  TxnVerifications guards;
  const uint64_t guard = guards.Start(kProducer, 0, 1000);
  guards.Start(kProducer + 1, 0, 5000);
  guards.Expire(5999, 5000);
  EXPECT_TRUE(guards.IsCurrent(kProducer, guard));
  guards.Expire(6000, 5000);
  EXPECT_FALSE(guards.IsCurrent(kProducer, guard));
  EXPECT_EQ(guards.size(), 1u);
}

}  // namespace
}  // namespace ringlog::testing
