// `ringlog serve --config FILE`: every supported Kafka key reaches its option, the command
// line wins over the file, unknown keys warn, bad values are refused naming key and value.
// Each test restores the flags it changes (gflags::FlagSaver).
#include "net/broker/server_properties.h"

#include <gflags/gflags.h>
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <set>
#include <type_traits>

#include "net/broker/serve_flags.h"
#include "tests/support/temp_dir.h"

namespace ringlog::testing {
namespace {

template <typename T>
std::string Text(const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    return v ? "true" : "false";
  } else if constexpr (std::is_same_v<T, std::string>) {
    return v;
  } else {
    return std::to_string(v);
  }
}

#define FIELD(name) [](const ServeOptions& o) { return Text(o.name); }

struct KeyCase {
  std::string key;
  std::string value;     // in the file
  std::string expected;  // the option's value
  std::function<std::string(const ServeOptions&)> option;
};

// A value for every supported key, none of them the default.
const std::vector<KeyCase>& EveryKey() {
  static const std::vector<KeyCase> cases = {
      {"advertised.listeners", "PLAINTEXT://broker1.example:9092", "broker1.example",
       FIELD(advertised_host)},
      {"auto.create.topics.enable", "false", "false", FIELD(auto_create_topics_enable)},
      {"auto.leader.rebalance.enable", "FALSE", "false", FIELD(auto_leader_rebalance_enable)},
      {"broker.id", "7", "7", FIELD(broker_id)},
      {"controlled.shutdown.enable", "false", "false", FIELD(controlled_shutdown_enable)},
      {"default.replication.factor", "3", "3", FIELD(default_replication_factor)},
      {"group.initial.rebalance.delay.ms", "0", "0", FIELD(group_initial_rebalance_delay_ms)},
      {"leader.imbalance.check.interval.seconds", "60", "60",
       FIELD(leader_imbalance_check_interval_seconds)},
      {"leader.imbalance.per.broker.percentage", "25", "25",
       FIELD(leader_imbalance_per_broker_percentage)},
      {"listeners", "PLAINTEXT://0.0.0.0:9092", "0.0.0.0:9092", FIELD(listen)},
      {"log.dir", "/tmp/ringlog-one", "/tmp/ringlog-one", FIELD(data_dir)},
      {"log.dirs", "/var/lib/ringlog", "/var/lib/ringlog", FIELD(data_dir)},
      {"log.flush.interval.messages", "10000", "10000", FIELD(log_flush_interval_messages)},
      {"log.flush.interval.ms", "1000", "1000", FIELD(log_flush_interval_ms)},
      {"log.retention.bytes", "1073741824", "1073741824", FIELD(log_retention_bytes)},
      {"log.retention.check.interval.ms", "60000", "60000", FIELD(log_retention_check_interval_ms)},
      {"log.retention.hours", "24", "86400000", FIELD(log_retention_ms)},
      {"log.retention.minutes", "90", "5400000", FIELD(log_retention_ms)},
      {"log.retention.ms", "1234567", "1234567", FIELD(log_retention_ms)},
      {"log.roll.hours", "2", "7200000", FIELD(log_segment_ms)},
      {"log.roll.ms", "600000", "600000", FIELD(log_segment_ms)},
      {"log.segment.bytes", "104857600", "104857600", FIELD(log_segment_bytes)},
      {"message.max.bytes", "2097152", "2097152", FIELD(message_max_bytes)},
      {"min.insync.replicas", "2", "2", FIELD(min_insync_replicas)},
      {"num.network.threads", "3", "3", FIELD(num_network_threads)},
      {"num.partitions", "6", "6", FIELD(num_partitions)},
      {"offsets.topic.num.partitions", "10", "10", FIELD(offsets_topic_num_partitions)},
      {"offsets.topic.replication.factor", "3", "3", FIELD(offsets_topic_replication_factor)},
      {"producer.id.expiration.ms", "3600000", "3600000", FIELD(producer_id_expiration_ms)},
      {"queued.max.request.bytes", "1073741824", "1073741824", FIELD(queued_max_request_bytes)},
      {"replica.fetch.max.bytes", "2097152", "2097152", FIELD(replica_fetch_max_bytes)},
      {"replica.fetch.response.max.bytes", "20971520", "20971520",
       FIELD(replica_fetch_response_max_bytes)},
      {"replica.fetch.wait.max.ms", "250", "250", FIELD(replica_fetch_wait_max_ms)},
      {"replica.lag.time.max.ms", "10000", "10000", FIELD(replica_lag_time_max_ms)},
      {"socket.request.max.bytes", "52428800", "52428800", FIELD(socket_request_max_bytes)},
      {"transaction.max.timeout.ms", "60000", "60000", FIELD(transaction_max_timeout_ms)},
      {"transaction.state.log.num.partitions", "8", "8",
       FIELD(transaction_state_log_num_partitions)},
      {"transaction.state.log.replication.factor", "3", "3",
       FIELD(transaction_state_log_replication_factor)},
      {"unclean.leader.election.enable", "true", "true", FIELD(unclean_leader_election_enable)},
      {"zookeeper.connect", "zk1:2181,zk2:2181/ringlog", "zk1:2181,zk2:2181/ringlog",
       FIELD(zookeeper_connect)},
      {"zookeeper.connection.timeout.ms", "18000", "18000", FIELD(zookeeper_connection_timeout_ms)},
      {"zookeeper.session.timeout.ms", "18000", "18000", FIELD(zookeeper_session_timeout_ms)},
  };
  return cases;
}

class ServerPropertiesTest : public ::testing::Test {
 protected:
  // Writes `text` as the config file and returns its path.
  std::string Write(const std::string& text) {
    const std::string path = dir_.Sub("server.properties");
    std::ofstream(path, std::ios::trunc) << text;
    return path;
  }

  Result<ServeOptions> Load(const std::string& text) {
    return ServeOptionsFromConfigAndFlags(Write(text));
  }

  // The message of a refused config, which must be InvalidArgument.
  std::string Refusal(const std::string& text) {
    Result<ServeOptions> loaded = Load(text);
    EXPECT_FALSE(loaded.ok()) << text;
    if (loaded.ok()) return "";
    EXPECT_TRUE(loaded.status().IsInvalidArgument()) << loaded.status().ToString();
    return loaded.status().message();
  }

  gflags::FlagSaver saver_;
  TempDir dir_;
};

TEST_F(ServerPropertiesTest, EveryMappedKeyHasACaseAndAServeFlag) {
  std::set<std::string> keys;
  for (const KeyCase& c : EveryKey()) keys.insert(c.key);
  std::set<std::string> serve_flags;
  for (const gflags::CommandLineFlagInfo& flag : ServeFlags()) serve_flags.insert(flag.name);
  std::string previous;
  for (const ServerPropertyMapping& m : ServerPropertyMappings()) {
    EXPECT_TRUE(keys.erase(std::string(m.key))) << m.key << " has no case here";
    EXPECT_TRUE(serve_flags.contains(std::string(m.flag))) << m.key << " -> " << m.flag;
    EXPECT_LT(previous, m.key) << "the table is searched by key: keep it sorted";
    previous = m.key;
  }
  EXPECT_TRUE(keys.empty()) << *keys.begin() << " is not supported";
}

// A new serve flag either gets its Kafka key in the table or joins this list.
TEST_F(ServerPropertiesTest, EveryServeFlagWithAKafkaEquivalentIsMapped) {
  std::set<std::string> mapped;
  for (const ServerPropertyMapping& m : ServerPropertyMappings())
    mapped.insert(std::string(m.flag));
  const std::set<std::string> ringlog_only = {
      "backend",           "config",         "controlled_shutdown_timeout_ms",
      "flush_on_acks_all", "metrics_listen", "zero_copy"};
  for (const gflags::CommandLineFlagInfo& flag : ServeFlags()) {
    EXPECT_TRUE(mapped.contains(flag.name) || ringlog_only.contains(flag.name))
        << "--" << flag.name << " has no server.properties key";
  }
}

TEST_F(ServerPropertiesTest, EachKeyRoundTripsToItsOption) {
  for (const KeyCase& c : EveryKey()) {
    SCOPED_TRACE(c.key);
    gflags::FlagSaver per_key;
    Result<ServeOptions> loaded = Load("# one key\n" + c.key + " = " + c.value + "  \n");
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    EXPECT_EQ(c.option(*loaded), c.expected);
  }
}

TEST_F(ServerPropertiesTest, AWholeFileRoundTrips) {
  std::string text;
  for (const KeyCase& c : EveryKey()) text += c.key + "=" + c.value + "\n";
  Result<AppliedServerProperties> applied = ApplyServerProperties(Write(text));
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_TRUE(applied->warnings.empty());
  EXPECT_TRUE(applied->overridden.empty());
  const ServeOptions o = ServeOptionsFromFlags();
  EXPECT_TRUE(ValidateServeOptions(o).ok()) << ValidateServeOptions(o).ToString();
  for (const KeyCase& c : EveryKey()) {
    // Of the keys that set one flag, the highest rank wins, as in Kafka.
    if (c.key == "log.dir" || c.key == "log.retention.hours" || c.key == "log.retention.minutes" ||
        c.key == "log.roll.hours") {
      continue;
    }
    EXPECT_EQ(c.option(o), c.expected) << c.key;
  }
  // The file's values are defaults now: the command line's flags stay "not given".
  EXPECT_TRUE(gflags::GetCommandLineFlagInfoOrDie("log_segment_bytes").is_default);
}

TEST_F(ServerPropertiesTest, TheCommandLineWins) {
  // As gflags::ParseCommandLineFlags would for --log_segment_bytes=2000000 --listen=...
  gflags::SetCommandLineOption("log_segment_bytes", "2000000");
  gflags::SetCommandLineOption("listen", "127.0.0.1:29092");
  Result<AppliedServerProperties> applied =
      ApplyServerProperties(Write("log.segment.bytes=3000000\nnum.partitions=4\n"
                                  "listeners=PLAINTEXT://127.0.0.1:9092\n"));
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  const ServeOptions o = ServeOptionsFromFlags();
  EXPECT_EQ(o.log_segment_bytes, 2000000);
  EXPECT_EQ(o.listen, "127.0.0.1:29092");
  EXPECT_EQ(o.num_partitions, 4);
  std::set<std::string> overridden;
  for (const AppliedProperty& a : applied->overridden) overridden.insert(a.property.key);
  EXPECT_EQ(overridden, (std::set<std::string>{"listeners", "log.segment.bytes"}));
  ASSERT_EQ(applied->applied.size(), 1u);
  EXPECT_EQ(applied->applied[0].property.key, "num.partitions");
}

TEST_F(ServerPropertiesTest, TheHighestRankedKeyWinsInAnyOrder) {
  Result<ServeOptions> o = Load(
      "log.retention.ms=5000\nlog.retention.hours=1\nlog.retention.minutes=2\n"
      "log.dirs=/b\nlog.dir=/a\nlog.roll.ms=9000\nlog.roll.hours=3\n");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->log_retention_ms, 5000);
  EXPECT_EQ(o->data_dir, "/b");
  EXPECT_EQ(o->log_segment_ms, 9000);

  gflags::FlagSaver again;
  o = Load("log.retention.minutes=2\nlog.retention.hours=1\nlog.retention.hours=-1\n");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->log_retention_ms, 120000);
}

TEST_F(ServerPropertiesTest, MinusOneHoursIsNoLimit) {
  Result<ServeOptions> o = Load("log.retention.hours=-1\n");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->log_retention_ms, -1);
}

TEST_F(ServerPropertiesTest, UnknownAndRepeatedKeysWarnByName) {
  Result<AppliedServerProperties> applied = ApplyServerProperties(
      Write("num.io.threads=8\nbroker.id=1\nlog.segmnet.bytes=5\nbroker.id=2\n"));
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  ASSERT_EQ(applied->warnings.size(), 3u);
  EXPECT_NE(applied->warnings[0].find("line 1: unknown key 'num.io.threads'"), std::string::npos)
      << applied->warnings[0];
  EXPECT_NE(applied->warnings[1].find("'log.segmnet.bytes'"), std::string::npos);
  EXPECT_NE(applied->warnings[2].find("broker.id repeats line 2"), std::string::npos)
      << applied->warnings[2];
  EXPECT_EQ(ServeOptionsFromFlags().broker_id, 2);
}

TEST_F(ServerPropertiesTest, AValueOfTheWrongTypeIsRefusedNamingKeyAndValueAndNothingIsSet) {
  for (const char* bad :
       {"num.partitions=six", "auto.create.topics.enable=yes", "broker.id=99999999999",
        "log.segment.bytes=1e9", "log.retention.hours=1.5",
        "num.partitions=", "listeners=SSL://:9093", "listeners=PLAINTEXT://:9092,PLAINTEXT://:9093",
        "listeners=PLAINTEXT://nowhere", "log.dirs=/a,/b", "controlled.shutdown.enable=1"}) {
    SCOPED_TRACE(bad);
    const std::string message = Refusal(std::string("num.network.threads=5\n") + bad + "\n");
    EXPECT_NE(message.find(std::string("line 2: ") + bad), std::string::npos) << message;
    EXPECT_NE(message.find(dir_.Sub("server.properties")), std::string::npos) << message;
    EXPECT_EQ(ServeOptionsFromFlags().num_network_threads, 0) << "set before the error";
  }
}

TEST_F(ServerPropertiesTest, AnOutOfRangeValueIsRefusedNamingKeyAndValue) {
  for (const char* bad :
       {"log.segment.bytes=10", "num.partitions=0", "broker.id=-1", "log.retention.ms=-7",
        "log.roll.hours=-1", "leader.imbalance.per.broker.percentage=101"}) {
    SCOPED_TRACE(bad);
    gflags::FlagSaver per_value;
    const std::string message = Refusal(std::string(bad) + "\n");
    EXPECT_NE(message.find(std::string("line 1: ") + bad), std::string::npos) << message;
  }
  // num.partitions is not the setting at fault.
  const std::string message = Refusal("num.partitions=3\noffsets.topic.num.partitions=0\n");
  EXPECT_NE(message.find("offsets.topic.num.partitions=0"), std::string::npos) << message;
  EXPECT_EQ(message.find("line 1"), std::string::npos) << message;
}

TEST_F(ServerPropertiesTest, AnAdvertisedPortOtherThanTheListenPortIsRefused) {
  const std::string message = Refusal("advertised.listeners=PLAINTEXT://h.example:9093\n");
  EXPECT_NE(message.find("advertised.listeners=PLAINTEXT://h.example:9093"), std::string::npos)
      << message;
  EXPECT_NE(message.find("9092"), std::string::npos) << message;

  gflags::FlagSaver again;
  Result<ServeOptions> o =
      Load("listeners=PLAINTEXT://:9093\nadvertised.listeners=PLAINTEXT://h.example:9093\n");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->advertised_host, "h.example");
  EXPECT_EQ(o->listen, ":9093");
}

TEST_F(ServerPropertiesTest, AMissingFileIsAnError) {
  Result<ServeOptions> loaded = ServeOptionsFromConfigAndFlags(dir_.Sub("nothing.properties"));
  ASSERT_FALSE(loaded.ok());
  EXPECT_TRUE(loaded.status().IsIOError());
  EXPECT_NE(loaded.status().message().find("nothing.properties"), std::string::npos);
}

TEST_F(ServerPropertiesTest, NoConfigFileIsTheFlagsAlone) {
  gflags::SetCommandLineOption("num_partitions", "9");
  Result<ServeOptions> o = ServeOptionsFromConfigAndFlags("");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->num_partitions, 9);
}

// The example shipped in scripts/ loads without a warning.
TEST_F(ServerPropertiesTest, TheExampleFileLoadsCleanly) {
  Result<AppliedServerProperties> applied =
      ApplyServerProperties(RINGLOG_TEST_DATA_DIR "/../../scripts/server.properties");
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  for (const std::string& warning : applied->warnings) ADD_FAILURE() << warning;
  EXPECT_FALSE(applied->applied.empty());
  EXPECT_TRUE(ValidateServeOptions(ServeOptionsFromFlags()).ok());
}

}  // namespace
}  // namespace ringlog::testing
