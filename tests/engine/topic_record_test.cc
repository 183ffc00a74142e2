// The topic record codec, and the limits it holds a record to: the same as a CreateTopics
// request's, so that a damaged record cannot make start-up build what no request could.
#include "engine/log/topic_record.h"

#include <gtest/gtest.h>

#include "engine/log/topic_limits.h"

namespace ringlog {
namespace {

TEST(TopicRecordTest, RoundTripsNamesCountsAndAnyConfigBytes) {
  const TopicInfo info{
      "orders.v2", 12, {{"retention.ms", "1000"}, {"odd key", "a b\n%\x01\xff"}}, Uuid::Random()};
  Result<TopicInfo> decoded =
      DecodeTopicRecord(TopicRecordName(info.name), EncodeTopicRecord(info));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->name, info.name);
  EXPECT_EQ(decoded->partitions, 12);
  EXPECT_EQ(decoded->configs, info.configs);
  EXPECT_EQ(decoded->id, info.id);
}

// Records written before topics had ids (version 1) decode with a zero id, which
// LogManager then replaces; a current record must carry a valid one.
TEST(TopicRecordTest, ReadsRecordsWithoutIdsAndRequiresOneFromVersion2) {
  Result<TopicInfo> old = DecodeTopicRecord("topic.t", "ringlog-topic 1\npartitions 3\n");
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_TRUE(old->id.IsZero());
  EXPECT_EQ(old->partitions, 3);

  const Uuid id = Uuid::Random();
  Result<TopicInfo> current =
      DecodeTopicRecord("topic.t", "ringlog-topic 2\nid " + id.ToString() + "\npartitions 3\n");
  ASSERT_TRUE(current.ok()) << current.status().ToString();
  EXPECT_EQ(current->id, id);

  for (const std::string& blob :
       {std::string("ringlog-topic 2\npartitions 3\n"),
        "ringlog-topic 1\nid " + id.ToString() + "\npartitions 3\n",
        "ringlog-topic 2\nid " + id.ToString() + "\nid " + id.ToString() + "\npartitions 3\n",
        "ringlog-topic 2\nid " + Uuid{}.ToString() + "\npartitions 3\n",
        std::string("ringlog-topic 2\nid xyz\npartitions 3\n")}) {
    EXPECT_TRUE(DecodeTopicRecord("topic.t", blob).status().IsCorruption()) << blob;
  }
}

TEST(TopicRecordTest, RefusesPartitionCountsBeyondTheTopicLimits) {
  Result<TopicInfo> huge =
      DecodeTopicRecord("topic.huge", "ringlog-topic 1\npartitions 99999999\n");
  ASSERT_TRUE(huge.status().IsCorruption()) << huge.status().ToString();
  EXPECT_NE(huge.status().message().find("topic.huge"), std::string::npos);
  EXPECT_NE(huge.status().message().find("99999999"), std::string::npos);
  EXPECT_NE(huge.status().message().find(std::to_string(kMaxPartitionsPerTopic)),
            std::string::npos);

  const std::string at_limit = std::to_string(kMaxPartitionsPerTopic);
  const std::string above = std::to_string(kMaxPartitionsPerTopic + 1);
  EXPECT_TRUE(DecodeTopicRecord("topic.t", "ringlog-topic 1\npartitions " + at_limit + "\n").ok());
  for (const std::string& count :
       {above, std::string("0"), std::string("-1"), std::string("99999999999999999999"),
        std::string("12x"), std::string(""), std::string(" 5")}) {
    EXPECT_TRUE(DecodeTopicRecord("topic.t", "ringlog-topic 1\npartitions " + count + "\n")
                    .status()
                    .IsCorruption())
        << count;
  }
}

TEST(TopicRecordTest, RefusesRecordsNamingIllegalTopics) {
  const std::string blob = "ringlog-topic 1\npartitions 1\n";
  for (const std::string& name :
       {std::string("topic."), std::string("topic.."),
        std::string("topic." + std::string(250, 'n')), std::string("other.t")}) {
    EXPECT_TRUE(DecodeTopicRecord(name, blob).status().IsCorruption()) << name;
  }
  EXPECT_TRUE(DecodeTopicRecord("topic." + std::string(249, 'n'), blob).ok());
}

TEST(TopicRecordTest, RefusesDamagedText) {
  for (const std::string& blob :
       {std::string(""), std::string("ringlog-topic 1\n"),
        std::string("ringlog-topic 1\npartitions 1"), std::string("nonsense 1\npartitions 1\n"),
        std::string("ringlog-topic 1\npartitions 1\nx y\n"),
        std::string("ringlog-topic 1\npartitions 1\nconfig a%zz 1\n"),
        std::string("ringlog-topic 1\npartitions 1\nconfig novalue\n")}) {
    EXPECT_TRUE(DecodeTopicRecord("topic.t", blob).status().IsCorruption()) << blob;
  }
  EXPECT_TRUE(
      DecodeTopicRecord("topic.t", "ringlog-topic 9\npartitions 1\n").status().IsNotSupported());
}

}  // namespace
}  // namespace ringlog
