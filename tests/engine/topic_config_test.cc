#include "engine/log/topic_config.h"

#include <gtest/gtest.h>

#include <string>

namespace ringlog {
namespace {

const ConfigEntry* Find(const std::vector<ConfigEntry>& entries, const std::string& name) {
  for (const ConfigEntry& e : entries) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

TEST(ApplyTopicConfigsTest, NoOverridesGivesDefaults) {
  LogOptions defaults;
  defaults.segment_bytes = 4096;
  Result<LogOptions> got = ApplyTopicConfigs(defaults, {});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->segment_bytes, 4096u);
  EXPECT_EQ(got->retention_ms, defaults.retention_ms);
}

TEST(ApplyTopicConfigsTest, AppliesEveryHonouredConfig) {
  const ConfigMap overrides = {
      {"segment.bytes", "1048576"},
      {"segment.ms", "60000"},
      {"retention.ms", "-1"},
      {"retention.bytes", "5000000"},
      {"index.interval.bytes", "8192"},
      {"max.message.bytes", "2000000"},
      {"message.timestamp.type", "LogAppendTime"},
      {"flush.messages", "1"},
      {"flush.ms", "0"},
      {"cleanup.policy", "delete"},
  };
  Result<LogOptions> got = ApplyTopicConfigs(LogOptions{}, overrides);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->segment_bytes, 1048576u);
  EXPECT_EQ(got->segment_ms, 60000);
  EXPECT_EQ(got->retention_ms, -1);
  EXPECT_EQ(got->retention_bytes, 5000000);
  EXPECT_EQ(got->index_interval_bytes, 8192u);
  EXPECT_EQ(got->max_message_bytes, 2000000u);
  EXPECT_EQ(got->timestamp_type, TimestampType::kLogAppendTime);
  EXPECT_EQ(got->flush_interval_messages, 1);
  EXPECT_EQ(got->flush_interval_ms, 0);
}

TEST(ApplyTopicConfigsTest, AcceptsJavaStyleNumberSpelling) {
  Result<LogOptions> got =
      ApplyTopicConfigs(LogOptions{}, {{"retention.ms", " +3600000 "}, {"flush.ms", "0100"}});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->retention_ms, 3600000);
  EXPECT_EQ(got->flush_interval_ms, 100);
}

TEST(ApplyTopicConfigsTest, CreateTimeAndDeleteListsAccepted) {
  LogOptions defaults;
  defaults.timestamp_type = TimestampType::kLogAppendTime;
  Result<LogOptions> got = ApplyTopicConfigs(
      defaults, {{"message.timestamp.type", "CreateTime"}, {"cleanup.policy", "delete, delete"}});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->timestamp_type, TimestampType::kCreateTime);
}

struct BadCase {
  std::string name;
  std::string value;
  std::string message_part;  // the error must say this
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name << "=" << c.value; }

class RejectTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(RejectTest, InvalidArgumentNamingConfigAndValue) {
  const BadCase& c = GetParam();
  Result<LogOptions> got = ApplyTopicConfigs(LogOptions{}, {{c.name, c.value}});
  ASSERT_FALSE(got.ok());
  EXPECT_TRUE(got.status().IsInvalidArgument()) << got.status().ToString();
  const std::string msg = got.status().message();
  EXPECT_NE(msg.find(c.name), std::string::npos) << msg;
  EXPECT_NE(msg.find(c.message_part), std::string::npos) << msg;
}

INSTANTIATE_TEST_SUITE_P(
    Table, RejectTest,
    ::testing::Values(
        BadCase{"unknown.config", "1", "unknown"}, BadCase{"segment.bytes", "abc", "'abc'"},
        BadCase{"segment.bytes", "", "not a number"}, BadCase{"segment.bytes", "12ab", "'12ab'"},
        BadCase{"segment.bytes", "1.5", "'1.5'"}, BadCase{"segment.bytes", "10", "'10'"},
        BadCase{"segment.bytes", "4294967296", "'4294967296'"}, BadCase{"segment.ms", "0", "'0'"},
        BadCase{"retention.ms", "-2", "'-2'"},
        BadCase{"retention.ms", "99999999999999999999", "'99999999999999999999'"},
        BadCase{"retention.bytes", "-5", "'-5'"}, BadCase{"index.interval.bytes", "0", "'0'"},
        BadCase{"max.message.bytes", "-1", "'-1'"}, BadCase{"flush.messages", "0", "'0'"},
        BadCase{"flush.ms", "-1", "'-1'"},
        BadCase{"message.timestamp.type", "createtime", "'createtime'"},
        BadCase{"cleanup.policy", "compact", "compaction is not supported"},
        BadCase{"cleanup.policy", "delete,compact", "compaction is not supported"},
        BadCase{"cleanup.policy", "", "'"}, BadCase{"cleanup.policy", "remove", "'remove'"}),
    [](const auto& param_info) {
      std::string id = param_info.param.name + "_" + std::to_string(param_info.index);
      for (char& ch : id) {
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      }
      return id;
    });

TEST(DescribeTopicConfigsTest, ListsEveryConfigSortedWithDefaults) {
  const std::vector<ConfigEntry> entries = DescribeTopicConfigs(LogOptions{}, {});
  // Every config of the catalog, the honoured ones among them.
  const std::vector<std::string> honoured = {"cleanup.policy",    "flush.messages",
                                             "flush.ms",          "index.interval.bytes",
                                             "max.message.bytes", "message.timestamp.type",
                                             "retention.bytes",   "retention.ms",
                                             "segment.bytes",     "segment.ms"};
  ASSERT_EQ(entries.size(), TopicConfigCatalog().size());
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].name, TopicConfigCatalog()[i].name);
    EXPECT_TRUE(entries[i].is_default) << entries[i].name;
    EXPECT_FALSE(entries[i].read_only) << entries[i].name;
  }
  for (const std::string& name : honoured) ASSERT_NE(Find(entries, name), nullptr) << name;
  EXPECT_EQ(Find(entries, "cleanup.policy")->value, "delete");
  EXPECT_EQ(Find(entries, "flush.messages")->value, "9223372036854775807");
  EXPECT_EQ(Find(entries, "flush.ms")->value, "9223372036854775807");
  EXPECT_EQ(Find(entries, "index.interval.bytes")->value, "4096");
  EXPECT_EQ(Find(entries, "max.message.bytes")->value, "1048588");
  EXPECT_EQ(Find(entries, "message.timestamp.type")->value, "CreateTime");
  EXPECT_EQ(Find(entries, "retention.bytes")->value, "-1");
  EXPECT_EQ(Find(entries, "retention.ms")->value, "604800000");
  EXPECT_EQ(Find(entries, "segment.bytes")->value, "1073741824");
  EXPECT_EQ(Find(entries, "segment.ms")->value, "604800000");
}

TEST(DescribeTopicConfigsTest, OverridesShowEffectiveValueAndAreNotDefault) {
  const std::vector<ConfigEntry> entries = DescribeTopicConfigs(
      LogOptions{},
      {{"retention.ms", "+0100"}, {"message.timestamp.type", "LogAppendTime"}, {"junk", "x"}});
  EXPECT_EQ(entries.size(), TopicConfigCatalog().size());
  EXPECT_EQ(Find(entries, "retention.ms")->value, "100");
  EXPECT_FALSE(Find(entries, "retention.ms")->is_default);
  EXPECT_EQ(Find(entries, "message.timestamp.type")->value, "LogAppendTime");
  EXPECT_FALSE(Find(entries, "message.timestamp.type")->is_default);
  EXPECT_TRUE(Find(entries, "segment.ms")->is_default);
  EXPECT_EQ(Find(entries, "junk"), nullptr);
}

TEST(DescribeTopicConfigsTest, UnparsableOverrideDescribedAsDefault) {
  const std::vector<ConfigEntry> entries =
      DescribeTopicConfigs(LogOptions{}, {{"segment.ms", "soon"}});
  EXPECT_EQ(Find(entries, "segment.ms")->value, "604800000");
  EXPECT_TRUE(Find(entries, "segment.ms")->is_default);
}

TEST(DescribeTopicConfigsTest, RoundTripsThroughApply) {
  const ConfigMap overrides = {{"segment.bytes", "65536"}, {"retention.bytes", "123456"}};
  ConfigMap described;
  for (const ConfigEntry& e : DescribeTopicConfigs(LogOptions{}, overrides)) {
    described[e.name] = e.value;
  }
  Result<LogOptions> direct = ApplyTopicConfigs(LogOptions{}, overrides);
  Result<LogOptions> again = ApplyTopicConfigs(LogOptions{}, described);
  ASSERT_TRUE(direct.ok());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->segment_bytes, direct->segment_bytes);
  EXPECT_EQ(again->retention_bytes, direct->retention_bytes);
  EXPECT_EQ(again->flush_interval_messages, direct->flush_interval_messages);
}

}  // namespace
}  // namespace ringlog
