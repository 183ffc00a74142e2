// The Broker behind the real Server on loopback, driven with raw Kafka frames built by the
// codecs: version negotiation, metadata with auto-creation, produce at every acks level,
// fetch (immediate, long poll woken by a produce, timed out), list offsets, and the inputs
// that must close the connection. Runs over every test backend.
#include "net/broker/broker.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine/clock.h"
#include "engine/log/flusher.h"
#include "engine/log/log_manager.h"
#include "engine/log/record_batch.h"
#include "engine/log/record_batch_builder.h"
#include "net/apis/api_table.h"
#include "net/broker/admin_worker.h"
#include "net/broker/partition_watchers.h"
#include "net/codec/api_versions_fallback.h"
#include "net/codec/fetch_codec.h"
#include "net/codec/list_offsets_codec.h"
#include "net/codec/metadata_codec.h"
#include "net/codec/metadata_topics.h"
#include "net/codec/offset_for_leader_epoch_codec.h"
#include "net/codec/produce_codec.h"
#include "net/server/server.h"
#include "tests/net/broker_test_client.h"
#include "tests/net/server_test_util.h"
#include "tests/support/log_contents.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {
namespace {

using std::chrono::milliseconds;

constexpr int16_t kProduceKey = 0;
constexpr int16_t kFetchKey = 1;
constexpr int16_t kListOffsetsKey = 2;
constexpr int16_t kMetadataKey = 3;
constexpr int16_t kApiVersionsKey = 18;
constexpr int16_t kOffsetForLeaderEpochKey = 23;

std::span<const uint8_t> AsBytes(const std::string& s) {
  return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

std::string Batch(const std::vector<std::string>& values, TimestampMs timestamp = 1000) {
  std::vector<RecordData> records;
  for (const std::string& v : values) {
    records.push_back(RecordData{std::string("k"), v, timestamp++, {}});
  }
  return BuildRecordBatch(records);
}

// The values of every record in `bytes` (whole uncompressed batches).
std::vector<std::string> Values(const std::string& bytes) {
  std::vector<std::string> values;
  BatchIterator it(AsBytes(bytes));
  while (std::optional<RecordBatchView> batch = it.Next()) {
    Result<std::vector<Record>> records = DecodeRecords(*batch);
    EXPECT_TRUE(records.ok()) << records.status().ToString();
    if (!records.ok()) break;
    for (const Record& r : *records) {
      values.emplace_back(reinterpret_cast<const char*>(r.value->data()), r.value->size());
    }
  }
  return values;
}

MetadataRequest Named(std::vector<std::string> topics, bool allow_creation = true) {
  MetadataRequest request = MetadataRequestFor(std::move(topics));
  request.allow_auto_topic_creation = allow_creation;
  return request;
}

class BrokerTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const Status opened = OpenTestLogs(GetParam(), dir_.path(), {}, &clock_, &backend_, &logs_);
    ASSERT_TRUE(opened.ok()) << opened.ToString();
    flusher_ = std::make_unique<Flusher>(1);
    services_.config.advertised_host = "broker.example";
    services_.config.num_partitions = 2;
    services_.logs = logs_.get();
    services_.flusher = flusher_.get();
    services_.watchers = &watchers_;
    services_.admin = &admin_;
    services_.clock = &clock_;
    broker_ = std::make_unique<Broker>(&services_);
    ServerOptions options = ringlog::testing::LoopbackOptions();
    server_ = std::make_unique<Server>(options, broker_.get());
    ASSERT_TRUE(server_->Start().ok());
    services_.config.advertised_port = server_->bound_port();
  }

  void TearDown() override {
    server_->Stop();
    admin_.Stop();
    flusher_.reset();
    if (logs_ != nullptr) {
      EXPECT_TRUE(logs_->Close().ok());
    }
  }

  std::unique_ptr<BrokerTestClient> Connect() {
    auto client = std::make_unique<BrokerTestClient>(server_->bound_port());
    EXPECT_TRUE(client->connected());
    return client;
  }

  // Sends a non-flexible request and decodes the response with `decode`.
  template <typename Response, typename Encode, typename Decode>
  Response Call(BrokerTestClient& client, int16_t key, int16_t version, Encode encode,
                Decode decode, milliseconds timeout = milliseconds(5000)) {
    return CallBroker<Response>(client, key, version, next_correlation_id_++, false, encode, decode,
                                timeout);
  }

  MetadataResponse Metadata(BrokerTestClient& client, const MetadataRequest& request,
                            int16_t version) {
    return Call<MetadataResponse>(
        client, kMetadataKey, version,
        [&](WireWriter& w) { EncodeMetadataRequest(w, request, version); }, DecodeMetadataResponse);
  }

  ProduceRequest OneBatch(const std::string& topic, int32_t partition, const std::string& batch,
                          int16_t acks) {
    ProduceRequest request;
    request.acks = acks;
    request.timeout_ms = 5000;
    request.topics.push_back({topic, {{partition, AsBytes(batch), 0}}});
    return request;
  }

  ProduceResponse Produce(BrokerTestClient& client, const ProduceRequest& request,
                          int16_t version = 7) {
    return Call<ProduceResponse>(
        client, kProduceKey, version,
        [&](WireWriter& w) { EncodeProduceRequest(w, request, version); }, DecodeProduceResponse);
  }

  FetchRequest FetchOf(const std::string& topic, int32_t partition, int64_t offset,
                       int32_t max_wait_ms = 0, int32_t min_bytes = 0) {
    FetchRequest request;
    request.max_wait_ms = max_wait_ms;
    request.min_bytes = min_bytes;
    request.max_bytes = 1 << 20;
    request.topics.push_back(
        {.topic = topic,
         .partitions = {
             {.partition = partition, .fetch_offset = offset, .partition_max_bytes = 1 << 20}}});
    return request;
  }

  void SendFetch(BrokerTestClient& client, const FetchRequest& request, int16_t version,
                 int32_t correlation_id) {
    client.Send(kFetchKey, version, correlation_id, false,
                [&](WireWriter& w) { EncodeFetchRequest(w, request, version); });
  }

  FetchResponse ReceiveFetch(BrokerTestClient& client, int16_t version, int32_t correlation_id,
                             milliseconds timeout = milliseconds(5000)) {
    return ReceiveResponse<FetchResponse>(client, kFetchKey, version, correlation_id, false,
                                          DecodeFetchResponse, timeout);
  }

  FetchResponse::Partition FetchOne(BrokerTestClient& client, const FetchRequest& request,
                                    int16_t version = 11) {
    SendFetch(client, request, version, 900);
    FetchResponse response = ReceiveFetch(client, version, 900);
    if (response.topics.size() != 1 || response.topics[0].partitions.size() != 1) {
      ADD_FAILURE() << "fetch response with an unexpected shape";
      return {};
    }
    return std::move(response.topics[0].partitions[0]);
  }

  static std::string RecordBytes(const FetchResponse::Partition& p) {
    return std::get<std::string>(p.records.data);
  }

  TempDir dir_;
  ManualClock clock_{1'700'000'000'000};
  std::unique_ptr<StorageBackend> backend_;
  std::unique_ptr<LogManager> logs_;
  std::unique_ptr<Flusher> flusher_;
  PartitionWatchers watchers_;
  AdminWorker admin_;
  BrokerServices services_;
  std::unique_ptr<Broker> broker_;
  std::unique_ptr<Server> server_;
  int32_t next_correlation_id_ = 1;
};

TEST_P(BrokerTest, ApiVersionsV0ListsTheTableFromVersionZero) {
  auto client = Connect();
  ApiVersionsResponse response = Call<ApiVersionsResponse>(
      *client, kApiVersionsKey, 0, [](WireWriter&) {}, DecodeApiVersionsResponse);
  EXPECT_EQ(response.error_code, 0);
  ASSERT_EQ(response.api_keys.size(), ServedApis().size());
  for (const ApiVersionRange& range : response.api_keys) {
    EXPECT_EQ(range.min_version, 0) << "key " << range.api_key;
    const ApiSpec* spec = FindApi(range.api_key);
    ASSERT_NE(spec, nullptr);
    EXPECT_EQ(range.max_version, spec->max_version);
  }
}

TEST_P(BrokerTest, ApiVersionsV3IsFlexibleButAnswersWithHeaderV0) {
  auto client = Connect();
  client->Send(kApiVersionsKey, 3, 42, /*flexible_header=*/true, [](WireWriter& w) {
    EncodeApiVersionsRequest(w, ApiVersionsRequest{"librdkafka", "2.0.2"}, 3);
  });
  std::optional<std::string> frame = client->Receive();
  ASSERT_TRUE(frame.has_value());
  int32_t id = 0;
  WireReader reader = ResponseBody(*frame, /*flexible_header=*/false, &id);
  EXPECT_EQ(id, 42);
  Result<ApiVersionsResponse> response = DecodeApiVersionsResponse(reader, 3);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->error_code, 0);
  EXPECT_EQ(response->api_keys.size(), ServedApis().size());
  EXPECT_TRUE(reader.at_end());
}

TEST_P(BrokerTest, ApiVersionsAboveTheRangeGetsTheVersionZeroFallback) {
  auto client = Connect();
  // A future version with a body we cannot read: only the header is parsed.
  client->Send(kApiVersionsKey, 9, 7, /*flexible_header=*/true,
               [](WireWriter& w) { w.WriteRaw(std::string("\xff\xfe garbage", 10)); });
  std::optional<std::string> frame = client->Receive();
  ASSERT_TRUE(frame.has_value());
  int32_t id = 0;
  WireReader reader = ResponseBody(*frame, false, &id);
  EXPECT_EQ(id, 7);
  Result<ApiVersionsResponse> response = DecodeApiVersionsResponse(reader, 0);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->error_code, 35);
  ASSERT_EQ(response->api_keys.size(), 1u);
  EXPECT_EQ(response->api_keys[0], (ApiVersionRange{kApiVersionsKey, 0, 3}));
  // The connection stays usable: the client retries at a version we serve.
  ApiVersionsResponse retry = Call<ApiVersionsResponse>(
      *client, kApiVersionsKey, 2, [](WireWriter&) {}, DecodeApiVersionsResponse);
  EXPECT_EQ(retry.error_code, 0);
}

TEST_P(BrokerTest, MetadataAutoCreatesNamedTopicsAndDescribesTheBroker) {
  auto client = Connect();
  MetadataResponse response = Metadata(*client, Named({"orders"}), 1);
  ASSERT_EQ(response.brokers.size(), 1u);
  EXPECT_EQ(response.brokers[0].host, "broker.example");
  EXPECT_EQ(response.brokers[0].port, server_->bound_port());
  EXPECT_EQ(response.controller_id, 0);
  ASSERT_EQ(response.topics.size(), 1u);
  EXPECT_EQ(response.topics[0].error_code, 0);
  EXPECT_EQ(response.topics[0].name, "orders");
  ASSERT_EQ(response.topics[0].partitions.size(), 2u);
  EXPECT_EQ(response.topics[0].partitions[1].leader_id, 0);
  EXPECT_EQ(response.topics[0].partitions[1].isr_nodes, std::vector<int32_t>{0});
  EXPECT_TRUE(logs_->GetTopic("orders").ok());
}

TEST_P(BrokerTest, MetadataNullListsEveryTopicAndEmptyListsNoneFromV1) {
  ASSERT_TRUE(logs_->CreateTopic("a", 1, {}).ok());
  ASSERT_TRUE(logs_->CreateTopic("b", 3, {}).ok());
  auto client = Connect();
  EXPECT_EQ(Metadata(*client, MetadataRequestFor(std::nullopt), 1).topics.size(), 2u);
  EXPECT_EQ(Metadata(*client, MetadataRequestFor(std::vector<std::string>{}), 1).topics.size(), 0u);
  // v0: an empty list means every topic (the codec writes nullopt as one).
  EXPECT_EQ(Metadata(*client, MetadataRequestFor(std::nullopt), 0).topics.size(), 2u);
  MetadataResponse v8 = Metadata(*client, MetadataRequestFor(std::nullopt), 8);
  ASSERT_EQ(v8.topics.size(), 2u);
  EXPECT_EQ(v8.cluster_id, "ringlog");
  EXPECT_EQ(v8.topics[1].partitions.size(), 3u);
}

TEST_P(BrokerTest, MetadataRefusesBadNamesAndHonoursTheCreationFlag) {
  auto client = Connect();
  MetadataResponse response =
      Metadata(*client, Named({"bad/name", "not-made"}, /*allow_creation=*/false), 4);
  ASSERT_EQ(response.topics.size(), 2u);
  EXPECT_EQ(response.topics[0].error_code, 17);  // INVALID_TOPIC_EXCEPTION
  EXPECT_EQ(response.topics[1].error_code, 3);   // UNKNOWN_TOPIC_OR_PARTITION
  EXPECT_FALSE(logs_->GetTopic("not-made").ok());
  services_.config.auto_create_topics_enable = false;
  response = Metadata(*client, Named({"still-not"}), 4);
  EXPECT_EQ(response.topics[0].error_code, 3);
}

TEST_P(BrokerTest, ProduceAcksOneAppendsAndFetchReturnsTheRecords) {
  auto client = Connect();
  const std::string first = Batch({"a", "b", "c"});
  ProduceResponse r1 = Produce(*client, OneBatch("t", 1, first, 1));
  ASSERT_EQ(r1.topics.size(), 1u);
  EXPECT_EQ(r1.topics[0].partitions[0].error_code, 0);
  EXPECT_EQ(r1.topics[0].partitions[0].base_offset, 0);
  const std::string second = Batch({"d"});
  ProduceResponse r2 = Produce(*client, OneBatch("t", 1, second, 1));
  EXPECT_EQ(r2.topics[0].partitions[0].base_offset, 3);

  FetchResponse::Partition p = FetchOne(*client, FetchOf("t", 1, 0));
  EXPECT_EQ(p.error_code, 0);
  EXPECT_EQ(p.high_watermark, 4);
  EXPECT_EQ(p.last_stable_offset, 4);
  EXPECT_EQ(p.log_start_offset, 0);
  EXPECT_FALSE(p.aborted_transactions.has_value());
  EXPECT_EQ(Values(RecordBytes(p)), (std::vector<std::string>{"a", "b", "c", "d"}));
  // Read committed gets an empty (not null) list of aborted transactions.
  FetchRequest committed = FetchOf("t", 1, 3);
  committed.isolation_level = 1;
  p = FetchOne(*client, committed);
  ASSERT_TRUE(p.aborted_transactions.has_value());
  EXPECT_EQ(Values(RecordBytes(p)), std::vector<std::string>{"d"});
}

TEST_P(BrokerTest, ProduceAcksAllAnswersOnceFlushed) {
  auto client = Connect();
  ProduceResponse r = Produce(*client, OneBatch("durable", 0, Batch({"x", "y"}), -1));
  EXPECT_EQ(r.topics[0].partitions[0].error_code, 0);
  std::shared_ptr<PartitionLog> log = logs_->GetPartition({"durable", 0});
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->flushed_offset(), 2);
}

TEST_P(BrokerTest, ProduceAcksZeroSendsNoResponse) {
  auto client = Connect();
  const std::string batch = Batch({"silent"});
  client->Send(kProduceKey, 7, 100, false,
               [&](WireWriter& w) { EncodeProduceRequest(w, OneBatch("q", 0, batch, 0), 7); });
  // The next response on the connection is the next request's.
  ApiVersionsResponse next = Call<ApiVersionsResponse>(
      *client, kApiVersionsKey, 0, [](WireWriter&) {}, DecodeApiVersionsResponse);
  EXPECT_EQ(next.error_code, 0);
  std::shared_ptr<PartitionLog> log = logs_->GetPartition({"q", 0});
  ASSERT_NE(log, nullptr);
  // Nothing tells an acks=0 producer when its batch is written; it becomes visible soon.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (log->next_offset() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(log->next_offset(), 1);
}

// Produces to a topic that does not exist yet wait for its creation on the admin worker;
// the ones pipelined behind the first follow it there, so the partition takes them in
// arrival order.
TEST_P(BrokerTest, PipelinedProducesToANewTopicKeepTheirOrder) {
  auto client = Connect();
  constexpr int kRequests = 20;
  for (int i = 0; i < kRequests; ++i) {
    const std::string batch = Batch({std::to_string(i)});
    client->Send(kProduceKey, 7, 1000 + i, false, [&](WireWriter& w) {
      EncodeProduceRequest(w, OneBatch("fresh", 0, batch, 1), 7);
    });
  }
  for (int i = 0; i < kRequests; ++i) {
    std::optional<std::string> frame = client->Receive(milliseconds(10000));
    ASSERT_TRUE(frame.has_value()) << "no response to produce " << i;
    int32_t correlation_id = 0;
    WireReader reader = ResponseBody(*frame, false, &correlation_id);
    EXPECT_EQ(correlation_id, 1000 + i);
    Result<ProduceResponse> response = DecodeProduceResponse(reader, 7);
    ASSERT_TRUE(response.ok()) << response.status().ToString();
    EXPECT_EQ(response->topics[0].partitions[0].error_code, 0);
    EXPECT_EQ(response->topics[0].partitions[0].base_offset, i);
  }
  std::vector<std::string> expected;
  for (int i = 0; i < kRequests; ++i) expected.push_back(std::to_string(i));
  Result<std::string> stored = ReadAll(*logs_->GetPartition({"fresh", 0}), 0);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(Values(*stored), expected);
}

TEST_P(BrokerTest, ProduceRefusesWhatCannotBeStored) {
  auto client = Connect();
  const std::string batch = Batch({"v"});
  EXPECT_EQ(Produce(*client, OneBatch("t", 0, batch, 5)).topics[0].partitions[0].error_code,
            21);  // INVALID_REQUIRED_ACKS
  EXPECT_EQ(Produce(*client, OneBatch("t", 0, batch, 1), 2).topics[0].partitions[0].error_code,
            43);  // UNSUPPORTED_FOR_MESSAGE_FORMAT
  const std::string two = batch + batch;
  EXPECT_EQ(Produce(*client, OneBatch("t", 0, two, 1)).topics[0].partitions[0].error_code,
            87);  // INVALID_RECORD: one batch per partition
  std::string zstd = batch;
  zstd[kBatchAttributesPos + 1] |= static_cast<char>(CompressionType::kZstd);
  EXPECT_EQ(Produce(*client, OneBatch("t", 0, zstd, 1), 6).topics[0].partitions[0].error_code,
            76);  // UNSUPPORTED_COMPRESSION_TYPE
  std::string bad_crc = batch;
  bad_crc.back() ^= 0x01;
  EXPECT_EQ(Produce(*client, OneBatch("t", 0, bad_crc, 1)).topics[0].partitions[0].error_code,
            2);  // CORRUPT_MESSAGE
  EXPECT_EQ(Produce(*client, OneBatch("t", 7, batch, 1)).topics[0].partitions[0].error_code,
            3);  // no partition 7
  EXPECT_EQ(logs_->GetPartition({"t", 0})->next_offset(), 0);
}

TEST_P(BrokerTest, ProduceWithAutoCreateOffIsUnknownTopic) {
  services_.config.auto_create_topics_enable = false;
  auto client = Connect();
  EXPECT_EQ(
      Produce(*client, OneBatch("nope", 0, Batch({"v"}), 1)).topics[0].partitions[0].error_code, 3);
}

TEST_P(BrokerTest, FetchLongPollWakesWhenAProduceArrives) {
  ASSERT_TRUE(logs_->CreateTopic("live", 1, {}).ok());
  auto consumer = Connect();
  SendFetch(*consumer, FetchOf("live", 0, 0, /*max_wait_ms=*/60000, /*min_bytes=*/1), 11, 5);
  // Wait until the fetch is parked, so the produce is the thing that wakes it.
  for (int i = 0; i < 500 && watchers_.size() == 0; ++i)
    std::this_thread::sleep_for(milliseconds(2));
  ASSERT_EQ(watchers_.size(), 1u);
  auto producer = Connect();
  Produce(*producer, OneBatch("live", 0, Batch({"wake"}), 1));
  FetchResponse response = ReceiveFetch(*consumer, 11, 5, milliseconds(20000));
  ASSERT_EQ(response.topics.size(), 1u);
  EXPECT_EQ(Values(RecordBytes(response.topics[0].partitions[0])),
            std::vector<std::string>{"wake"});
  EXPECT_EQ(watchers_.size(), 0u);
}

TEST_P(BrokerTest, FetchLongPollAnswersEmptyAfterMaxWait) {
  ASSERT_TRUE(logs_->CreateTopic("idle", 1, {}).ok());
  auto client = Connect();
  SendFetch(*client, FetchOf("idle", 0, 0, /*max_wait_ms=*/100, /*min_bytes=*/1), 4, 6);
  FetchResponse response = ReceiveFetch(*client, 4, 6);
  ASSERT_EQ(response.topics.size(), 1u);
  EXPECT_EQ(response.topics[0].partitions[0].error_code, 0);
  EXPECT_TRUE(response.topics[0].partitions[0].records.empty());
  EXPECT_EQ(watchers_.size(), 0u);
}

TEST_P(BrokerTest, ClosingTheConnectionEndsItsLongPoll) {
  ASSERT_TRUE(logs_->CreateTopic("gone", 1, {}).ok());
  {
    auto client = Connect();
    SendFetch(*client, FetchOf("gone", 0, 0, 60000, 1), 11, 1);
    for (int i = 0; i < 500 && watchers_.size() == 0; ++i)
      std::this_thread::sleep_for(milliseconds(2));
    ASSERT_EQ(watchers_.size(), 1u);
  }
  for (int i = 0; i < 500 && watchers_.size() != 0; ++i)
    std::this_thread::sleep_for(milliseconds(2));
  EXPECT_EQ(watchers_.size(), 0u);
}

TEST_P(BrokerTest, FetchAppliesOffsetRangeAndSizeLimits) {
  auto client = Connect();
  for (int i = 0; i < 3; ++i) {
    Produce(*client, OneBatch("s", 0, Batch({std::string(1000, 'a' + i)}), 1));
  }
  EXPECT_EQ(FetchOne(*client, FetchOf("s", 0, 4)).error_code, 1);  // OFFSET_OUT_OF_RANGE
  EXPECT_EQ(FetchOne(*client, FetchOf("nope", 0, 0)).error_code, 3);
  // A partition limit below one batch still returns the first batch whole.
  FetchRequest tiny = FetchOf("s", 0, 1);
  tiny.topics[0].partitions[0].partition_max_bytes = 10;
  EXPECT_EQ(Values(RecordBytes(FetchOne(*client, tiny))),
            std::vector<std::string>{"bbbbbbbbbb" + std::string(990, 'b')});
  // Fetch v3 cannot carry record batches: refused, not mangled.
  EXPECT_EQ(FetchOne(*client, FetchOf("s", 0, 0), 3).error_code, 35);
}

TEST_P(BrokerTest, ListOffsetsEarliestLatestAndByTime) {
  auto client = Connect();
  Produce(*client, OneBatch("time", 0, Batch({"a", "b"}, 1000), 1));  // ts 1000, 1001
  Produce(*client, OneBatch("time", 0, Batch({"c"}, 5000), 1));       // ts 5000
  auto list = [&](int64_t timestamp, int16_t version) {
    ListOffsetsRequest request;
    request.topics.push_back(
        {"time", {{.partition_index = 0, .timestamp = timestamp, .max_num_offsets = 1}}});
    ListOffsetsResponse r = Call<ListOffsetsResponse>(
        *client, kListOffsetsKey, version,
        [&](WireWriter& w) { EncodeListOffsetsRequest(w, request, version); },
        DecodeListOffsetsResponse);
    return r.topics.empty() ? ListOffsetsResponse::Partition{} : r.topics[0].partitions[0];
  };
  EXPECT_EQ(list(-2, 1).offset, 0);
  EXPECT_EQ(list(-1, 2).offset, 3);
  ListOffsetsResponse::Partition by_time = list(1001, 3);
  EXPECT_EQ(by_time.offset, 1);
  EXPECT_EQ(by_time.timestamp, 1001);
  EXPECT_EQ(list(4000, 1).offset, 2);
  EXPECT_EQ(list(9000, 1).offset, -1);
  EXPECT_EQ(list(-1, 0).old_style_offsets, std::vector<int64_t>{3});
}

TEST_P(BrokerTest, TheSingleBrokerLeadsAtEpochZeroAndHasNoFollowers) {
  auto client = Connect();
  Produce(*client, OneBatch("epochs", 0, Batch({"a", "b"}), 1));
  auto end_of = [&](int32_t current_leader_epoch, int32_t epoch) {
    OffsetForLeaderEpochRequest request;
    request.replica_id = -1;
    request.topics.push_back({"epochs", {{0, current_leader_epoch, epoch}}});
    OffsetForLeaderEpochResponse r = CallBroker<OffsetForLeaderEpochResponse>(
        *client, kOffsetForLeaderEpochKey, 4, next_correlation_id_++, true,
        [&](WireWriter& w) { EncodeOffsetForLeaderEpochRequest(w, request, 4); },
        DecodeOffsetForLeaderEpochResponse);
    return r.topics.empty() ? OffsetForLeaderEpochResponse::Partition{}
                            : r.topics[0].partitions.at(0);
  };
  EXPECT_EQ(end_of(-1, 0), (OffsetForLeaderEpochResponse::Partition{0, 0, 0, 2}));
  EXPECT_EQ(end_of(0, 0), (OffsetForLeaderEpochResponse::Partition{0, 0, 0, 2}));
  EXPECT_EQ(end_of(-1, 5), (OffsetForLeaderEpochResponse::Partition{0, 0, -1, -1}));
  EXPECT_EQ(end_of(1, 0).error_code, 75);  // UNKNOWN_LEADER_EPOCH

  auto list = [&](int64_t timestamp, int32_t current_leader_epoch) {
    ListOffsetsRequest request;
    request.topics.push_back({"epochs",
                              {{.partition_index = 0,
                                .current_leader_epoch = current_leader_epoch,
                                .timestamp = timestamp}}});
    ListOffsetsResponse r = Call<ListOffsetsResponse>(
        *client, kListOffsetsKey, 4,
        [&](WireWriter& w) { EncodeListOffsetsRequest(w, request, 4); }, DecodeListOffsetsResponse);
    return r.topics.empty() ? ListOffsetsResponse::Partition{} : r.topics[0].partitions.at(0);
  };
  EXPECT_EQ(list(-2, 0).leader_epoch, 0);
  EXPECT_EQ(list(-1, -1).offset, 2);
  EXPECT_EQ(list(-1, -1).leader_epoch, 0);
  EXPECT_EQ(list(-1, 1).error_code, 75);

  auto fetch = [&](int32_t replica_id, int32_t current_leader_epoch) {
    FetchRequest request = FetchOf("epochs", 0, 0);
    request.replica_id = replica_id;
    request.topics[0].partitions[0].current_leader_epoch = current_leader_epoch;
    FetchResponse r = CallBroker<FetchResponse>(
        *client, kFetchKey, 12, next_correlation_id_++, true,
        [&](WireWriter& w) { EncodeFetchRequest(w, request, 12); }, DecodeFetchResponse);
    return r.topics.empty() ? FetchResponse::Partition{} : r.topics[0].partitions.at(0);
  };
  EXPECT_EQ(Values(RecordBytes(fetch(-1, 0))), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(fetch(-1, 1).error_code, 75);
  // No broker follows a single broker.
  FetchResponse::Partition refused = fetch(2, -1);
  EXPECT_EQ(refused.error_code, 6);  // NOT_LEADER_OR_FOLLOWER
  EXPECT_TRUE(refused.records.empty());
}

TEST_P(BrokerTest, UnknownApiKeyClosesTheConnection) {
  auto client = Connect();
  client->Send(99, 0, 1, false, [](WireWriter&) {});
  EXPECT_TRUE(client->WaitClosed());
}

TEST_P(BrokerTest, VersionOutsideTheRangeClosesTheConnection) {
  auto client = Connect();
  client->Send(kProduceKey, 8, 1, false, [](WireWriter& w) { w.WriteInt32(0); });
  EXPECT_TRUE(client->WaitClosed());
}

TEST_P(BrokerTest, MalformedBodyClosesTheConnection) {
  auto client = Connect();
  // A topic array claiming a million entries, then nothing.
  client->Send(kMetadataKey, 1, 1, false, [](WireWriter& w) { w.WriteInt32(1'000'000); });
  EXPECT_TRUE(client->WaitClosed());
  auto short_header = Connect();
  short_header->SendRaw(std::string("\x00\x03", 2));
  EXPECT_TRUE(short_header->WaitClosed());
  // The broker still serves everyone else.
  auto fresh = Connect();
  EXPECT_EQ(Metadata(*fresh, MetadataRequestFor(std::nullopt), 1).brokers.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, BrokerTest, ::testing::ValuesIn(AllTestBackends()),
                         BackendParamName());

}  // namespace
}  // namespace ringlog::testing
