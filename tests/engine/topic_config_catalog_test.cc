// The topic config catalog: every config Kafka 3.x defines is taken with a valid value and
// described; a value of the wrong type or out of range is refused naming the key.
#include "engine/log/topic_config_catalog.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "engine/log/topic_config.h"

namespace ringlog {
namespace {

// One valid value, other than Kafka's default, and one refused value for every config.
struct Sample {
  std::string valid;
  std::string invalid;
};

const std::map<std::string, Sample>& Samples() {
  static const auto* samples = new std::map<std::string, Sample>{
      {"cleanup.policy", {"delete", "sometimes"}},
      {"compression.gzip.level", {"9", "0"}},
      {"compression.lz4.level", {"17", "18"}},
      {"compression.type", {"zstd", "brotli"}},
      {"compression.zstd.level", {"-5", "23"}},
      {"delete.retention.ms", {"1000", "-1"}},
      {"file.delete.delay.ms", {"0", "soon"}},
      {"flush.messages", {"1", "0"}},
      {"flush.ms", {"1000", "-1"}},
      {"follower.replication.throttled.replicas", {"0:1,1:1", "0-1"}},
      {"index.interval.bytes", {"8192", "0"}},
      {"leader.replication.throttled.replicas", {"*", "all"}},
      {"local.retention.bytes", {"-2", "-3"}},
      {"local.retention.ms", {"3600000", "-3"}},
      {"max.compaction.lag.ms", {"60000", "0"}},
      {"max.message.bytes", {"2000000", "2147483648"}},
      {"message.downconversion.enable", {"FALSE", "no"}},
      {"message.format.version", {"2.8-IV1", "latest"}},
      {"message.timestamp.after.max.ms", {"3600000", "-1"}},
      {"message.timestamp.before.max.ms", {"3600000", "1.5"}},
      {"message.timestamp.difference.max.ms", {"60000", "-1"}},
      {"message.timestamp.type", {"LogAppendTime", "AppendTime"}},
      {"min.cleanable.dirty.ratio", {"0.25", "1.5"}},
      {"min.compaction.lag.ms", {"100", "-1"}},
      {"min.insync.replicas", {"2", "0"}},
      {"preallocate", {"true", "1"}},
      {"remote.log.copy.disable", {"true", "yes"}},
      {"remote.log.delete.on.disable", {"true", ""}},
      {"remote.storage.enable", {"false", "on"}},
      {"retention.bytes", {"1048576", "-2"}},
      {"retention.ms", {"-1", "-2"}},
      {"segment.bytes", {"1048576", "10"}},
      {"segment.index.bytes", {"4096", "3"}},
      {"segment.jitter.ms", {"100", "-100"}},
      {"segment.ms", {"60000", "0"}},
      {"unclean.leader.election.enable", {"true", "maybe"}},
  };
  return *samples;
}

TEST(TopicConfigCatalogTest, HoldsEveryKafkaTopicConfigSorted) {
  std::set<std::string> names;
  std::string previous;
  for (const TopicConfigSpec& spec : TopicConfigCatalog()) {
    EXPECT_LT(previous, spec.name);
    previous = spec.name;
    names.insert(std::string(spec.name));
    EXPECT_EQ(FindTopicConfig(spec.name), &spec);
    EXPECT_FALSE(spec.documentation.empty()) << spec.name;
  }
  std::set<std::string> expected;
  for (const auto& [name, sample] : Samples()) expected.insert(name);
  EXPECT_EQ(names, expected);
  EXPECT_EQ(FindTopicConfig("no.such.config"), nullptr);
}

TEST(TopicConfigCatalogTest, EveryConfigTakesAValidValueAndItsDefault) {
  for (const TopicConfigSpec& spec : TopicConfigCatalog()) {
    const std::string name(spec.name);
    const Sample& sample = Samples().at(name);
    Result<LogOptions> set = ApplyTopicConfigs(LogOptions{}, {{name, sample.valid}});
    EXPECT_TRUE(set.ok()) << name << "=" << sample.valid << ": " << set.status().ToString();
    Result<LogOptions> by_default =
        ApplyTopicConfigs(LogOptions{}, {{name, std::string(spec.kafka_default)}});
    EXPECT_TRUE(by_default.ok()) << name << ": " << by_default.status().ToString();
  }
}

TEST(TopicConfigCatalogTest, EveryConfigRefusesABadValueNamingTheKey) {
  for (const TopicConfigSpec& spec : TopicConfigCatalog()) {
    const std::string name(spec.name);
    const Sample& sample = Samples().at(name);
    Result<LogOptions> got = ApplyTopicConfigs(LogOptions{}, {{name, sample.invalid}});
    ASSERT_FALSE(got.ok()) << name << "=" << sample.invalid;
    EXPECT_TRUE(got.status().IsInvalidArgument()) << got.status().ToString();
    EXPECT_NE(got.status().message().find(name), std::string::npos) << got.status().ToString();
  }
}

TEST(TopicConfigCatalogTest, EveryOverrideIsDescribedAsSetWithItsType) {
  ConfigMap overrides;
  for (const auto& [name, sample] : Samples()) overrides[name] = sample.valid;
  ASSERT_TRUE(ApplyTopicConfigs(LogOptions{}, overrides).ok());
  const std::vector<ConfigEntry> entries = DescribeTopicConfigs(LogOptions{}, overrides);
  ASSERT_EQ(entries.size(), TopicConfigCatalog().size());
  for (const ConfigEntry& entry : entries) {
    EXPECT_EQ(entry.value, Samples().at(entry.name).valid) << entry.name;
    EXPECT_FALSE(entry.is_default) << entry.name;
    EXPECT_EQ(entry.source, ConfigSource::kTopic) << entry.name;
    EXPECT_EQ(entry.type, FindTopicConfig(entry.name)->type) << entry.name;
  }
}

TEST(TopicConfigCatalogTest, DefaultsAreKafkasOrTheBrokersSetting) {
  LogOptions broker;
  broker.retention_ms = 3'600'000;  // as if set by flag
  const std::vector<ConfigEntry> entries = DescribeTopicConfigs(broker, {});
  for (const ConfigEntry& entry : entries) {
    EXPECT_TRUE(entry.is_default) << entry.name;
    if (entry.name == "retention.ms") {
      EXPECT_EQ(entry.value, "3600000");
      EXPECT_EQ(entry.source, ConfigSource::kStaticBroker);
    } else {
      EXPECT_EQ(entry.value, FindTopicConfig(entry.name)->kafka_default) << entry.name;
      EXPECT_EQ(entry.source, ConfigSource::kDefault) << entry.name;
    }
  }
}

TEST(TopicConfigCatalogTest, CompressionTypeIsHonoured) {
  const std::map<std::string, std::optional<CompressionType>> expected = {
      {"producer", std::nullopt},       {"uncompressed", CompressionType::kNone},
      {"gzip", CompressionType::kGzip}, {"snappy", CompressionType::kSnappy},
      {"lz4", CompressionType::kLz4},   {"zstd", CompressionType::kZstd},
  };
  for (const auto& [value, codec] : expected) {
    Result<LogOptions> got = ApplyTopicConfigs(LogOptions{}, {{"compression.type", value}});
    ASSERT_TRUE(got.ok()) << value;
    EXPECT_EQ(got->compression, codec) << value;
  }
}

}  // namespace
}  // namespace ringlog
