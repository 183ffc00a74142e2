#include <gtest/gtest.h>

#include <string>

#include "net/server/reply_order.h"
#include "tests/net/server_test_util.h"

namespace ringlog::testing {
namespace {

std::string Body(const Reply& reply) { return *reply.frame.Flatten(); }

TEST(ReplyOrderTest, RepliesComeOutInRequestOrder) {
  ReplyOrder order;
  const uint64_t a = order.Reserve();
  const uint64_t b = order.Reserve();
  const uint64_t c = order.Reserve();
  EXPECT_EQ(order.pending(), 3u);

  order.Fill(c, BytesReply("c"));
  EXPECT_FALSE(order.PopReady().has_value());
  order.Fill(a, BytesReply("a"));
  std::optional<Reply> first = order.PopReady();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(Body(*first), "a");
  EXPECT_FALSE(order.PopReady().has_value());

  order.Fill(b, Reply::None());
  std::optional<Reply> second = order.PopReady();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->kind, Reply::Kind::kNoResponse);
  std::optional<Reply> third = order.PopReady();
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(Body(*third), "c");
  EXPECT_EQ(order.pending(), 0u);
}

TEST(ReplyOrderTest, SequenceNumbersKeepGrowing) {
  ReplyOrder order;
  for (uint64_t i = 0; i < 10; ++i) {
    EXPECT_EQ(order.Reserve(), i);
    order.Fill(i, Reply::Close());
    EXPECT_EQ(order.PopReady()->kind, Reply::Kind::kClose);
  }
}

TEST(ReplyOrderDeathTest, SecondReplyToOneRequestIsABug) {
  ReplyOrder order;
  const uint64_t a = order.Reserve();
  order.Reserve();
  order.Fill(a, Reply::None());
  EXPECT_DEATH(order.Fill(a, Reply::None()), "two replies");
}

}  // namespace
}  // namespace ringlog::testing
