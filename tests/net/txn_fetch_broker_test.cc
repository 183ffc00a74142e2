// What consumers and admins see of transactions, behind the real Server on loopback:
// Fetch read_committed stops at the last stable offset and names the aborted transactions
// among the records it sends (null for read_uncommitted), ListOffsets latest answers the
// last stable offset for read_committed, and DescribeProducers shows each producer's open
// transaction and coordinator epoch. Markers go in as the WriteTxnMarkers handler appends
// them (PartitionLog::AppendMarker). Runs over every test backend.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "engine/clock.h"
#include "engine/log/control_batch.h"
#include "engine/log/flusher.h"
#include "engine/log/log_manager.h"
#include "engine/log/record_batch.h"
#include "engine/log/record_batch_builder.h"
#include "net/broker/admin_worker.h"
#include "net/broker/broker.h"
#include "net/broker/partition_watchers.h"
#include "net/codec/describe_producers_codec.h"
#include "net/codec/fetch_codec.h"
#include "net/codec/list_offsets_codec.h"
#include "net/server/server.h"
#include "tests/net/broker_test_client.h"
#include "tests/net/server_test_util.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {
namespace {

constexpr int64_t kA = 900;
constexpr int64_t kB = 901;
constexpr int64_t kC = 902;  // writes outside transactions
constexpr int16_t kFetchVersion = 11;
constexpr int16_t kListOffsetsVersion = 5;

class TxnFetchBrokerTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const Status opened = OpenTestLogs(GetParam(), dir_.path(), {}, &clock_, &backend_, &logs_);
    ASSERT_TRUE(opened.ok()) << opened.ToString();
    ASSERT_TRUE(logs_->CreateTopic("tx", 1, {}).ok());
    log_ = logs_->GetPartition({"tx", 0});
    ASSERT_NE(log_, nullptr);
    flusher_ = std::make_unique<Flusher>(1);
    services_.logs = logs_.get();
    services_.flusher = flusher_.get();
    services_.watchers = &watchers_;
    services_.admin = &admin_;
    services_.clock = &clock_;
    broker_ = std::make_unique<Broker>(&services_);
    server_ = std::make_unique<Server>(LoopbackOptions(), broker_.get());
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<BrokerTestClient>(server_->bound_port());
    ASSERT_TRUE(client_->connected());
  }

  void TearDown() override {
    client_.reset();
    server_->Stop();
    admin_.Stop();
    flusher_.reset();
    log_.reset();
    EXPECT_TRUE(logs_->Close().ok());
  }

  // Appends `count` records of `producer_id` from `sequence`, transactional unless told.
  void Send(int64_t producer_id, int32_t sequence, int count, bool transactional = true) {
    std::vector<RecordData> records;
    for (int i = 0; i < count; ++i) {
      records.push_back({std::nullopt, std::to_string(producer_id), clock_.NowMs(), {}});
    }
    BatchOptions options;
    options.attributes = transactional ? kBatchAttrTransactional : 0;
    options.producer_id = producer_id;
    options.producer_epoch = 0;
    options.base_sequence = sequence;
    std::string batch = BuildRecordBatch(records, options);
    ASSERT_TRUE(log_->Append({reinterpret_cast<uint8_t*>(batch.data()), batch.size()}).ok());
  }

  void End(int64_t producer_id, ControlType type) {
    ASSERT_TRUE(log_->AppendMarker({producer_id, 0, type, 3}).ok());
  }

  FetchResponse::Partition Fetch(int64_t offset, int8_t isolation_level) {
    FetchRequest request;
    request.max_bytes = 1 << 20;
    request.isolation_level = isolation_level;
    request.topics.push_back(
        {.topic = "tx",
         .partitions = {{.partition = 0, .fetch_offset = offset, .partition_max_bytes = 1 << 20}}});
    FetchResponse response = CallBroker<FetchResponse>(
        *client_, kFetchApiKey, kFetchVersion, next_correlation_id_++, false,
        [&](WireWriter& w) { EncodeFetchRequest(w, request, kFetchVersion); }, DecodeFetchResponse);
    if (response.topics.size() != 1 || response.topics[0].partitions.size() != 1) {
      ADD_FAILURE() << "fetch response with an unexpected shape";
      return {};
    }
    return response.topics[0].partitions[0];
  }

  // The base offsets of the batches a fetch returned.
  static std::vector<Offset> Bases(const FetchResponse::Partition& p) {
    const std::string& bytes = std::get<std::string>(p.records.data);
    std::vector<Offset> bases;
    BatchIterator it({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
    while (auto batch = it.Next()) bases.push_back(batch->header().base_offset);
    return bases;
  }

  int64_t Latest(int8_t isolation_level) {
    ListOffsetsRequest request;
    request.isolation_level = isolation_level;
    request.topics.push_back({"tx", {{.partition_index = 0, .timestamp = -1}}});
    ListOffsetsResponse response = CallBroker<ListOffsetsResponse>(
        *client_, kListOffsetsApiKey, kListOffsetsVersion, next_correlation_id_++, false,
        [&](WireWriter& w) { EncodeListOffsetsRequest(w, request, kListOffsetsVersion); },
        DecodeListOffsetsResponse);
    if (response.topics.size() != 1 || response.topics[0].partitions.size() != 1) {
      ADD_FAILURE() << "list offsets response with an unexpected shape";
      return -100;
    }
    EXPECT_EQ(response.topics[0].partitions[0].error_code, 0);
    return response.topics[0].partitions[0].offset;
  }

  std::vector<DescribeProducersResponse::ProducerState> DescribeProducers() {
    DescribeProducersRequest request;
    request.topics.push_back({"tx", {0}});
    DescribeProducersResponse response = CallBroker<DescribeProducersResponse>(
        *client_, kDescribeProducersApiKey, 0, next_correlation_id_++, true,
        [&](WireWriter& w) { EncodeDescribeProducersRequest(w, request, 0); },
        DecodeDescribeProducersResponse);
    if (response.topics.size() != 1 || response.topics[0].partitions.size() != 1) {
      ADD_FAILURE() << "describe producers response with an unexpected shape";
      return {};
    }
    return response.topics[0].partitions[0].active_producers;
  }

  TempDir dir_;
  ManualClock clock_{1'700'000'000'000};
  std::unique_ptr<StorageBackend> backend_;
  std::unique_ptr<LogManager> logs_;
  std::shared_ptr<PartitionLog> log_;
  std::unique_ptr<Flusher> flusher_;
  PartitionWatchers watchers_;
  AdminWorker admin_;
  BrokerServices services_;
  std::unique_ptr<Broker> broker_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<BrokerTestClient> client_;
  int32_t next_correlation_id_ = 1;
};

TEST_P(TxnFetchBrokerTest, ReadCommittedStopsAtTheStableOffsetAndNamesAborts) {
  Send(kA, 0, 3);                           // 0..2, A's aborted transaction
  Send(kB, 0, 2);                           // 3..4, B's transaction, open
  Send(kC, 0, 1, /*transactional=*/false);  // 5
  End(kA, ControlType::kAbort);             // 6

  FetchResponse::Partition committed = Fetch(0, 1);
  EXPECT_EQ(committed.error_code, 0);
  EXPECT_EQ(committed.high_watermark, 7);
  EXPECT_EQ(committed.last_stable_offset, 3);
  EXPECT_EQ(Bases(committed), (std::vector<Offset>{0}));
  ASSERT_TRUE(committed.aborted_transactions.has_value());
  EXPECT_EQ(*committed.aborted_transactions,
            (std::vector<FetchResponse::AbortedTransaction>{{kA, 0}}));

  FetchResponse::Partition uncommitted = Fetch(0, 0);
  EXPECT_EQ(uncommitted.last_stable_offset, 3);
  EXPECT_EQ(Bases(uncommitted), (std::vector<Offset>{0, 3, 5, 6}));
  EXPECT_FALSE(uncommitted.aborted_transactions.has_value());

  // At the stable offset nothing is read, and no abort is named.
  FetchResponse::Partition waiting = Fetch(3, 1);
  EXPECT_TRUE(Bases(waiting).empty());
  ASSERT_TRUE(waiting.aborted_transactions.has_value());
  EXPECT_TRUE(waiting.aborted_transactions->empty());

  End(kB, ControlType::kCommit);  // 7
  FetchResponse::Partition rest = Fetch(3, 1);
  EXPECT_EQ(rest.last_stable_offset, 8);
  EXPECT_EQ(Bases(rest), (std::vector<Offset>{3, 5, 6, 7}));
  // A's abort ends at 6, inside what was sent.
  EXPECT_EQ(*rest.aborted_transactions, (std::vector<FetchResponse::AbortedTransaction>{{kA, 0}}));
  EXPECT_TRUE(Fetch(7, 1).aborted_transactions->empty());
}

TEST_P(TxnFetchBrokerTest, ListOffsetsLatestIsTheStableOffsetForReadCommitted) {
  Send(kB, 0, 2, /*transactional=*/false);  // 0..1
  Send(kA, 0, 3);                           // 2..4, open
  EXPECT_EQ(Latest(0), 5);
  EXPECT_EQ(Latest(1), 2);
  End(kA, ControlType::kCommit);
  EXPECT_EQ(Latest(0), 6);
  EXPECT_EQ(Latest(1), 6);
}

TEST_P(TxnFetchBrokerTest, DescribeProducersShowsOpenTransactions) {
  Send(kA, 0, 3);  // 0..2
  Send(kB, 0, 1);  // 3
  End(kB, ControlType::kCommit);
  const auto producers = DescribeProducers();
  ASSERT_EQ(producers.size(), 2u);
  EXPECT_EQ(producers[0].producer_id, kA);
  EXPECT_EQ(producers[0].current_txn_start_offset, 0);
  EXPECT_EQ(producers[0].coordinator_epoch, -1);
  EXPECT_EQ(producers[0].last_sequence, 2);
  EXPECT_EQ(producers[1].producer_id, kB);
  EXPECT_EQ(producers[1].current_txn_start_offset, -1);
  EXPECT_EQ(producers[1].coordinator_epoch, 3);
}

INSTANTIATE_TEST_SUITE_P(Backends, TxnFetchBrokerTest, ::testing::ValuesIn(AllTestBackends()),
                         BackendParamName());

}  // namespace
}  // namespace ringlog::testing
