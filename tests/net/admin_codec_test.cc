// The admin and producer-id APIs: CreateTopics v0-7, DeleteTopics v0-6, CreatePartitions
// v0-3, DescribeConfigs v0-2, AlterConfigs v0-1, DeleteRecords v0-2, InitProducerId v0-1.
// Round trips with per-version fields, malformed input, and kafka-python's admin requests.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "net/codec/alter_configs_codec.h"
#include "net/codec/create_partitions_codec.h"
#include "net/codec/create_topics_codec.h"
#include "net/codec/delete_records_codec.h"
#include "net/codec/delete_topics_codec.h"
#include "net/codec/describe_configs_codec.h"
#include "net/codec/init_producer_id_codec.h"
#include "tests/net/codec_test_util.h"

namespace ringlog {
namespace {

using ::ringlog::testing::ExpectCodecProperties;
using ::ringlog::testing::LoadGoldenRequest;

// Binds a message type to its codec functions and version range.
#define RINGLOG_CASE(Msg_, Api)                                                         \
  using Msg = Msg_;                                                                     \
  static constexpr int16_t kMin = k##Api##MinVersion;                                   \
  static constexpr int16_t kMax = k##Api##MaxVersion;                                   \
  static void Encode(WireWriter& w, const Msg& m, int16_t v) { Encode##Msg_(w, m, v); } \
  static Result<Msg> Decode(WireReader& r, int16_t v) { return Decode##Msg_(r, v); }

struct CreateTopicsRequestCase {
  RINGLOG_CASE(CreateTopicsRequest, CreateTopics)
  static Msg Full() {
    return {{{"orders", 3, 1, {}, {{"retention.ms", "3600000"}, {"cleanup.policy", std::nullopt}}},
             {"placed", -1, -1, {{0, {1, 2}}, {1, {2, 1}}}, {}}},
            30000,
            true};
  }
  static Msg AtVersion(Msg m, int16_t v) {
    if (v < 1) m.validate_only = false;
    return m;
  }
};

struct CreateTopicsResponseCase {
  RINGLOG_CASE(CreateTopicsResponse, CreateTopics)
  static Msg Full() {
    Msg m;
    m.throttle_time_ms = 20;
    for (auto [name, code, message] :
         {std::tuple<const char*, int16_t, std::optional<std::string>>{"orders", 0, std::nullopt},
          {"dup", 36, "Topic 'dup' already exists."}}) {
      CreateTopicsResponse::TopicResult& t = m.topics.emplace_back();
      t.name = name;
      t.error_code = code;
      t.error_message = message;
    }
    return m;
  }
  static Msg AtVersion(Msg m, int16_t v) {
    if (v < 2) m.throttle_time_ms = 0;
    if (v < 1) {
      for (auto& t : m.topics) t.error_message.reset();
    }
    return m;
  }
};

struct DeleteTopicsRequestCase {
  RINGLOG_CASE(DeleteTopicsRequest, DeleteTopics)
  static Msg Full() {
    Msg m;
    m.topic_names = {"a", "bb"};
    m.timeout_ms = 5000;
    return m;
  }
  static Msg AtVersion(Msg m, int16_t v) {
    if (v >= 6) m.topic_names.clear();  // v6 names topics in `topics`
    return m;
  }
};

struct DeleteTopicsResponseCase {
  RINGLOG_CASE(DeleteTopicsResponse, DeleteTopics)
  static Msg Full() {
    Msg m;
    m.throttle_time_ms = 3;
    for (auto [name, code] : {std::pair<const char*, int16_t>{"a", 0}, {"bb", 3}}) {
      DeleteTopicsResponse::TopicResult& t = m.responses.emplace_back();
      t.name = name;
      t.error_code = code;
    }
    return m;
  }
  static Msg AtVersion(Msg m, int16_t v) {
    if (v < 1) m.throttle_time_ms = 0;
    return m;
  }
};

struct CreatePartitionsRequestCase {
  RINGLOG_CASE(CreatePartitionsRequest, CreatePartitions)
  static Msg Full() {
    return {{{"orders", 6, std::vector<CreatePartitionsRequest::Assignment>{{{1}}, {{1, 2}}}},
             {"audit", 2, std::nullopt}},
            10000,
            true};
  }
  static Msg AtVersion(Msg m, int16_t) { return m; }
};

struct CreatePartitionsResponseCase {
  RINGLOG_CASE(CreatePartitionsResponse, CreatePartitions)
  static Msg Full() { return {1, {{"orders", 0, std::nullopt}, {"audit", 37, "fewer"}}}; }
  static Msg AtVersion(Msg m, int16_t) { return m; }
};

struct DescribeConfigsRequestCase {
  RINGLOG_CASE(DescribeConfigsRequest, DescribeConfigs)
  static Msg Full() {
    return {{{kConfigResourceTopic, "orders", std::vector<std::string>{"retention.ms"}},
             {kConfigResourceBroker, "1", std::nullopt}},
            true,
            false};
  }
  static Msg AtVersion(Msg m, int16_t v) {
    if (v < 1) m.include_synonyms = false;
    return m;
  }
};

struct DescribeConfigsResponseCase {
  RINGLOG_CASE(DescribeConfigsResponse, DescribeConfigs)
  static Msg Full() {
    DescribeConfigsResponse::Entry retention{
        "retention.ms",
        "3600000",
        false,
        true,
        1,
        false,
        {{"retention.ms", "3600000", 1}, {"log.retention.ms", std::nullopt, 5}},
        0,
        std::nullopt};
    DescribeConfigsResponse::Entry secret{
        "sasl.password", std::nullopt, true, false, 4, true, {}, 0, std::nullopt};
    return {7,
            {{0, std::nullopt, kConfigResourceTopic, "orders", {retention, secret}},
             {3, "unknown topic", kConfigResourceTopic, "gone", {}}}};
  }
  static Msg AtVersion(Msg m, int16_t v) {
    for (auto& r : m.results) {
      for (auto& e : r.configs) {
        if (v == 0) {
          e.config_source = -1;
          e.synonyms.clear();
        } else {
          e.is_default = false;
        }
      }
    }
    return m;
  }
};

struct AlterConfigsRequestCase {
  RINGLOG_CASE(AlterConfigsRequest, AlterConfigs)
  static Msg Full() {
    return {{{kConfigResourceTopic, "orders", {{"retention.ms", "1000"}, {"x", std::nullopt}}},
             {kConfigResourceBroker, "1", {}}},
            true};
  }
  static Msg AtVersion(Msg m, int16_t) { return m; }
};

struct AlterConfigsResponseCase {
  RINGLOG_CASE(AlterConfigsResponse, AlterConfigs)
  static Msg Full() {
    return {2, {{0, std::nullopt, kConfigResourceTopic, "orders"}, {40, "bad", 4, "1"}}};
  }
  static Msg AtVersion(Msg m, int16_t) { return m; }
};

struct DeleteRecordsRequestCase {
  RINGLOG_CASE(DeleteRecordsRequest, DeleteRecords)
  static Msg Full() { return {{{"orders", {{0, 100}, {1, -1}}}, {"empty", {}}}, 3000}; }
  static Msg AtVersion(Msg m, int16_t) { return m; }
};

struct DeleteRecordsResponseCase {
  RINGLOG_CASE(DeleteRecordsResponse, DeleteRecords)
  static Msg Full() { return {4, {{"orders", {{0, 100, 0}, {1, -1, 1}}}}}; }
  static Msg AtVersion(Msg m, int16_t) { return m; }
};

struct InitProducerIdRequestCase {
  RINGLOG_CASE(InitProducerIdRequest, InitProducerId)
  static Msg Full() { return {"txn-app", 60000}; }
  static Msg AtVersion(Msg m, int16_t) { return m; }
};

struct InitProducerIdResponseCase {
  RINGLOG_CASE(InitProducerIdResponse, InitProducerId)
  static Msg Full() { return {5, 0, 4000, 3}; }
  static Msg AtVersion(Msg m, int16_t) { return m; }
};

#undef RINGLOG_CASE

TEST(AdminCodecTest, CreateTopics) {
  ExpectCodecProperties<CreateTopicsRequestCase>();
  ExpectCodecProperties<CreateTopicsResponseCase>();
}

TEST(AdminCodecTest, DeleteTopics) {
  ExpectCodecProperties<DeleteTopicsRequestCase>();
  ExpectCodecProperties<DeleteTopicsResponseCase>();
}

TEST(AdminCodecTest, CreatePartitions) {
  ExpectCodecProperties<CreatePartitionsRequestCase>();
  ExpectCodecProperties<CreatePartitionsResponseCase>();
}

TEST(AdminCodecTest, DescribeConfigs) {
  ExpectCodecProperties<DescribeConfigsRequestCase>();
  ExpectCodecProperties<DescribeConfigsResponseCase>();
}

TEST(AdminCodecTest, AlterConfigs) {
  ExpectCodecProperties<AlterConfigsRequestCase>();
  ExpectCodecProperties<AlterConfigsResponseCase>();
}

TEST(AdminCodecTest, DeleteRecords) {
  ExpectCodecProperties<DeleteRecordsRequestCase>();
  ExpectCodecProperties<DeleteRecordsResponseCase>();
}

TEST(AdminCodecTest, InitProducerId) {
  ExpectCodecProperties<InitProducerIdRequestCase>();
  ExpectCodecProperties<InitProducerIdResponseCase>();
}

TEST(AdminCodecTest, NullTransactionalIdRoundTrips) {
  InitProducerIdRequest idempotent{std::nullopt, 60000};
  Result<InitProducerIdRequest> decoded = ::ringlog::testing::DecodeAt<InitProducerIdRequestCase>(
      ::ringlog::testing::EncodeAt<InitProducerIdRequestCase>(idempotent, 1), 1);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, idempotent);
}

TEST(AdminCodecTest, GoldenKafkaPythonCreateTopicsV3) {
  auto golden = LoadGoldenRequest("kafka_python_create_topics_v3.bin");
  EXPECT_EQ(golden.header.api_key, 19);
  EXPECT_EQ(golden.header.api_version, 3);
  EXPECT_EQ(golden.header.client_id, "golden-admin");
  WireReader reader = golden.BodyReader();
  Result<CreateTopicsRequest> request = DecodeCreateTopicsRequest(reader, 3);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_TRUE(reader.at_end());
  ASSERT_EQ(request->topics.size(), 1u);
  const CreateTopicsRequest::Topic& t = request->topics[0];
  EXPECT_EQ(t.name, "golden-new");
  EXPECT_EQ(t.num_partitions, 3);
  EXPECT_EQ(t.replication_factor, 1);
  EXPECT_TRUE(t.assignments.empty());
  EXPECT_EQ(t.configs, (std::vector<CreateTopicsRequest::Config>{{"retention.ms", "3600000"}}));
  EXPECT_EQ(request->timeout_ms, 5000);
  EXPECT_FALSE(request->validate_only);
}

TEST(AdminCodecTest, GoldenKafkaPythonDeleteTopicsV3) {
  auto golden = LoadGoldenRequest("kafka_python_delete_topics_v3.bin");
  EXPECT_EQ(golden.header.api_key, 20);
  EXPECT_EQ(golden.header.api_version, 3);
  WireReader reader = golden.BodyReader();
  Result<DeleteTopicsRequest> request = DecodeDeleteTopicsRequest(reader, 3);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_TRUE(reader.at_end());
  DeleteTopicsRequest expected;
  expected.topic_names = {"golden-old"};
  expected.timeout_ms = 5000;
  EXPECT_EQ(*request, expected);
}

TEST(AdminCodecTest, GoldenKafkaPythonDescribeConfigsV2) {
  auto golden = LoadGoldenRequest("kafka_python_describe_configs_v2.bin");
  EXPECT_EQ(golden.header.api_key, 32);
  EXPECT_EQ(golden.header.api_version, 2);
  WireReader reader = golden.BodyReader();
  Result<DescribeConfigsRequest> request = DecodeDescribeConfigsRequest(reader, 2);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_TRUE(reader.at_end());
  ASSERT_EQ(request->resources.size(), 1u);
  EXPECT_EQ(request->resources[0].resource_type, kConfigResourceTopic);
  EXPECT_EQ(request->resources[0].resource_name, "golden");
  EXPECT_EQ(request->resources[0].configuration_keys, (std::vector<std::string>{"retention.ms"}));
  EXPECT_FALSE(request->include_synonyms);
}

}  // namespace
}  // namespace ringlog
