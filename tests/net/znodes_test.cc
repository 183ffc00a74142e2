// The znode codecs: Kafka's JSON byte for byte where Kafka's layout is fixed, round trips,
// what Kafka itself writes decodes, and bad input of every shape is Corruption, never a
// crash or an exception.
#include "net/cluster/znodes.h"

#include <gtest/gtest.h>

#include <random>

namespace ringlog::znodes {
namespace {

TEST(ZnodesTest, PathsFollowKafkasLayout) {
  EXPECT_EQ(BrokerPath(3), "/brokers/ids/3");
  EXPECT_EQ(TopicPath("orders"), "/brokers/topics/orders");
  EXPECT_EQ(PartitionsPath("orders"), "/brokers/topics/orders/partitions");
  EXPECT_EQ(PartitionPath("orders", 7), "/brokers/topics/orders/partitions/7");
  EXPECT_EQ(PartitionStatePath("orders", 7), "/brokers/topics/orders/partitions/7/state");
  EXPECT_EQ(TopicConfigPath("orders"), "/config/topics/orders");
}

TEST(ZnodesTest, BrokerRegistrationIsKafkasVersion5) {
  BrokerRegistration broker{
      .broker_id = 2, .host = "10.0.0.2", .port = 9093, .timestamp_ms = 1700000000123};
  EXPECT_EQ(EncodeBrokerRegistration(broker),
            R"({"endpoints":["PLAINTEXT://10.0.0.2:9093"],"features":{},"host":"10.0.0.2",)"
            R"("jmx_port":-1,"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},)"
            R"("port":9093,"rack":null,"timestamp":"1700000000123","version":5})");

  broker.rack = "eu-west-1a";
  Result<BrokerRegistration> decoded =
      DecodeBrokerRegistration(2, EncodeBrokerRegistration(broker));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->broker_id, 2);
  EXPECT_EQ(decoded->host, "10.0.0.2");
  EXPECT_EQ(decoded->port, 9093);
  EXPECT_EQ(decoded->rack, "eu-west-1a");
  EXPECT_EQ(decoded->timestamp_ms, 1700000000123);
}

TEST(ZnodesTest, DecodesWhatKafkaWrites) {
  // A Kafka 2.8 broker without a rack, fields in Kafka's order.
  Result<BrokerRegistration> broker = DecodeBrokerRegistration(
      1, R"({"features":{},"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},)"
         R"("endpoints":["PLAINTEXT://kafka1:9092"],"jmx_port":-1,"port":9092,)"
         R"("host":"kafka1","version":5,"timestamp":"1700000000000"})");
  ASSERT_TRUE(broker.ok()) << broker.status().ToString();
  EXPECT_EQ(broker->host, "kafka1");
  EXPECT_EQ(broker->port, 9092);
  EXPECT_FALSE(broker->rack.has_value());

  // A broker whose only listener is not PLAINTEXT: host and port null, the endpoint says.
  broker = DecodeBrokerRegistration(
      4, R"({"version":5,"host":null,"port":-1,"endpoints":["INTERNAL://[::1]:19092"]})");
  ASSERT_TRUE(broker.ok()) << broker.status().ToString();
  EXPECT_EQ(broker->host, "[::1]");
  EXPECT_EQ(broker->port, 19092);

  // A topic from before topic ids, and one with unknown fields.
  Result<TopicAssignment> old = DecodeTopicAssignment(R"({"version":1,"partitions":{"0":[1]}})");
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_TRUE(old->topic_id.IsZero());
  Result<PartitionState> state = DecodePartitionState(
      R"({"controller_epoch":3,"leader":1,"version":1,"leader_epoch":5,"isr":[1,2],"x":[]})");
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_EQ(*state,
            (PartitionState{.leader = 1, .leader_epoch = 5, .controller_epoch = 3, .isr = {1, 2}}));

  Result<ProducerIdBlock> block =
      DecodeProducerIdBlock(R"({"version":1,"broker":0,"block_start":"1000","block_end":"1999"})");
  ASSERT_TRUE(block.ok()) << block.status().ToString();
  EXPECT_EQ(block->block_start, 1000);
  EXPECT_EQ(block->block_end, 1999);
}

TEST(ZnodesTest, TopicAssignmentIsKafkasVersion2) {
  TopicAssignment assignment;
  assignment.topic_id = Uuid::Random();
  assignment.partitions = {{0, {1, 2}}, {1, {2, 3}}, {10, {3, 1}}};
  const std::string json = EncodeTopicAssignment(assignment);
  EXPECT_EQ(json, R"({"adding_replicas":{},"partitions":{"0":[1,2],"1":[2,3],"10":[3,1]},)"
                  R"("removing_replicas":{},"topic_id":")" +
                      assignment.topic_id.ToString() + R"(","version":2})");
  Result<TopicAssignment> decoded = DecodeTopicAssignment(json);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->topic_id, assignment.topic_id);
  EXPECT_EQ(decoded->partitions, assignment.partitions);
}

TEST(ZnodesTest, TopicAssignmentKeepsAReassignmentInProgress) {
  TopicAssignment assignment;
  assignment.topic_id = Uuid::Random();
  assignment.partitions = {{0, {4, 2, 3, 1}}, {1, {2, 3}}};
  assignment.adding = {{0, {4}}};
  assignment.removing = {{0, {1}}};
  const std::string json = EncodeTopicAssignment(assignment);
  EXPECT_NE(json.find(R"("adding_replicas":{"0":[4]})"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("removing_replicas":{"0":[1]})"), std::string::npos) << json;
  Result<TopicAssignment> decoded = DecodeTopicAssignment(json);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->partitions, assignment.partitions);
  EXPECT_EQ(decoded->adding, assignment.adding);
  EXPECT_EQ(decoded->removing, assignment.removing);
  // Null lists, as some tools write them, read as none; anything else is Corruption.
  Result<TopicAssignment> nulls = DecodeTopicAssignment(
      R"({"version":2,"partitions":{"0":[1]},"adding_replicas":null,"removing_replicas":null})");
  ASSERT_TRUE(nulls.ok()) << nulls.status().ToString();
  EXPECT_TRUE(nulls->adding.empty());
  EXPECT_TRUE(DecodeTopicAssignment(R"({"partitions":{"0":[1]},"adding_replicas":{"x":[1]}})")
                  .status()
                  .IsCorruption());
  EXPECT_TRUE(DecodeTopicAssignment(R"({"partitions":{"0":[1]},"removing_replicas":[1]})")
                  .status()
                  .IsCorruption());
}

TEST(ZnodesTest, PartitionStateControllerAndEpochRoundTrip) {
  const PartitionState state{.leader = -1, .leader_epoch = 7, .controller_epoch = 2, .isr = {}};
  EXPECT_EQ(EncodePartitionState(state),
            R"({"controller_epoch":2,"isr":[],"leader":-1,"leader_epoch":7,"version":1})");
  Result<PartitionState> decoded = DecodePartitionState(EncodePartitionState(state));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, state);

  EXPECT_EQ(EncodeController({.broker_id = 3, .timestamp_ms = 42}),
            R"({"brokerid":3,"timestamp":"42","version":1})");
  Result<ControllerRecord> controller = DecodeController(EncodeController({3, 42}));
  ASSERT_TRUE(controller.ok()) << controller.status().ToString();
  EXPECT_EQ(controller->broker_id, 3);
  EXPECT_EQ(controller->timestamp_ms, 42);

  EXPECT_EQ(EncodeControllerEpoch(12), "12");
  Result<int32_t> epoch = DecodeControllerEpoch("12");
  ASSERT_TRUE(epoch.ok()) << epoch.status().ToString();
  EXPECT_EQ(*epoch, 12);
}

TEST(ZnodesTest, ClusterIdTopicConfigAndProducerIdBlockRoundTrip) {
  EXPECT_EQ(EncodeClusterId("abc"), R"({"id":"abc","version":"1"})");
  Result<std::string> id = DecodeClusterId(EncodeClusterId("abc"));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(*id, "abc");

  const ConfigMap configs{{"retention.ms", "1000"}, {"cleanup.policy", "delete"}};
  EXPECT_EQ(EncodeTopicConfig(configs),
            R"({"config":{"cleanup.policy":"delete","retention.ms":"1000"},"version":1})");
  Result<ConfigMap> decoded = DecodeTopicConfig(EncodeTopicConfig(configs));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, configs);
  // Values are client strings: bytes that are not UTF-8 are written replaced, not thrown on.
  EXPECT_TRUE(DecodeTopicConfig(EncodeTopicConfig({{"a", "\xff\xfe"}})).ok());
  Result<ConfigMap> none = DecodeTopicConfig(EncodeTopicConfig({}));
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());

  const ProducerIdBlock block{.broker_id = 1, .block_start = 5000000000, .block_end = 5000000999};
  EXPECT_EQ(EncodeProducerIdBlock(block),
            R"({"block_end":"5000000999","block_start":"5000000000","broker":1,"version":1})");
  Result<ProducerIdBlock> round = DecodeProducerIdBlock(EncodeProducerIdBlock(block));
  ASSERT_TRUE(round.ok()) << round.status().ToString();
  EXPECT_EQ(round->broker_id, 1);
  EXPECT_EQ(round->block_start, block.block_start);
  EXPECT_EQ(round->block_end, block.block_end);
}

// Wrong types, out-of-range numbers, missing fields and broken JSON: all Corruption.
TEST(ZnodesTest, RejectsMalformedNodes) {
  for (std::string_view json :
       {"", "null", "[]", "{", "5", R"("text")", R"({"host":"h","port":"9092"})",
        R"({"host":"h","port":70000000000})", R"({"host":5,"port":1})",
        R"({"host":"h","port":1,"rack":7})", R"({"host":"h","port":1,"timestamp":"soon"})",
        R"({"endpoints":["PLAINTEXT://h"]})", R"({"endpoints":[]})", R"({"port":1})"}) {
    EXPECT_TRUE(DecodeBrokerRegistration(1, json).status().IsCorruption()) << json;
  }
  for (std::string_view json :
       {"{}", R"({"partitions":[]})", R"({"partitions":{"a":[1]}})", R"({"partitions":{"-1":[1]}})",
        R"({"partitions":{"0":[1.5]}})", R"({"partitions":{"0":["1"]}})",
        R"({"partitions":{"0":[4294967296]}})", R"({"partitions":{"0":1}})",
        R"({"partitions":{"0":[1]},"topic_id":"short"})",
        R"({"partitions":{"0":[1]},"topic_id":12})"}) {
    EXPECT_TRUE(DecodeTopicAssignment(json).status().IsCorruption()) << json;
  }
  for (std::string_view json :
       {"{}", R"({"leader":1,"leader_epoch":0,"controller_epoch":0})",
        R"({"leader":"1","leader_epoch":0,"controller_epoch":0,"isr":[]})",
        R"({"leader":1,"leader_epoch":0,"controller_epoch":0,"isr":{}})",
        R"({"leader":1,"leader_epoch":18446744073709551615,"controller_epoch":0,"isr":[]})",
        R"({"leader":true,"leader_epoch":0,"controller_epoch":0,"isr":[]})"}) {
    EXPECT_TRUE(DecodePartitionState(json).status().IsCorruption()) << json;
  }
  for (std::string_view json : {"{}", R"({"brokerid":"1"})", R"({"brokerid":1,"timestamp":[]})"}) {
    EXPECT_TRUE(DecodeController(json).status().IsCorruption()) << json;
  }
  for (std::string_view text : {"", "-1", "1.0", " 1", "1 ", "x", "99999999999"}) {
    EXPECT_TRUE(DecodeControllerEpoch(text).status().IsCorruption()) << text;
  }
  for (std::string_view json : {"{}", R"({"id":""})", R"({"id":5})", "[]"}) {
    EXPECT_TRUE(DecodeClusterId(json).status().IsCorruption()) << json;
  }
  for (std::string_view json : {"{}", R"({"config":[]})", R"({"config":{"retention.ms":1000}})",
                                R"({"config":{"a":null}})"}) {
    EXPECT_TRUE(DecodeTopicConfig(json).status().IsCorruption()) << json;
  }
  for (std::string_view json : {"{}", R"({"broker":1,"block_start":"x","block_end":"1"})",
                                R"({"broker":1,"block_start":"10","block_end":"5"})",
                                R"({"broker":1,"block_start":"-5","block_end":"5"})",
                                R"({"broker":"1","block_start":"0","block_end":"999"})"}) {
    EXPECT_TRUE(DecodeProducerIdBlock(json).status().IsCorruption()) << json;
  }
}

// Mutations of valid nodes (bytes flipped, cut, deeply nested) never crash or throw.
TEST(ZnodesTest, SurvivesMutatedInput) {
  const std::vector<std::string> seeds = {
      EncodeBrokerRegistration({1, "h", 9092, "r", 5}),
      EncodeTopicAssignment({Uuid::Random(), {{0, {1, 2}}, {1, {2, 1}}}}),
      EncodePartitionState({1, 2, 3, {1}}),
      EncodeController({1, 2}),
      EncodeClusterId("id"),
      EncodeTopicConfig({{"a", "b"}}),
      EncodeProducerIdBlock({1, 0, 999}),
      std::string(2000, '[') + std::string(2000, ']'),
      std::string(2000, '{'),
  };
  std::mt19937 random(14);
  for (int round = 0; round < 1000; ++round) {
    std::string input = seeds[round % seeds.size()];
    switch (random() % 3) {
      case 0:
        input[random() % input.size()] = static_cast<char>(random());
        break;
      case 1:
        input.resize(random() % input.size());
        break;
      default:
        input.insert(random() % (input.size() + 1), 1, "{}[]\",:-0e9"[random() % 11]);
        break;
    }
    DecodeBrokerRegistration(1, input).IgnoreError();
    DecodeTopicAssignment(input).IgnoreError();
    DecodePartitionState(input).IgnoreError();
    DecodeController(input).IgnoreError();
    DecodeControllerEpoch(input).IgnoreError();
    DecodeClusterId(input).IgnoreError();
    DecodeTopicConfig(input).IgnoreError();
    DecodeProducerIdBlock(input).IgnoreError();
  }
}

}  // namespace
}  // namespace ringlog::znodes
