// The transaction APIs behind the real Server on loopback, driven with raw frames built by
// the codecs, over the real coordinators (transactions and groups) and the real marker
// writer: FindCoordinator with key type 1, the error codes Kafka answers for requests that
// do not fit the transaction (EndTxn without one, an unknown transactional id, a timeout
// above transaction.max.timeout.ms, a fenced producer's EndTxn and TxnOffsetCommit, an
// unknown partition), PRODUCER_FENCED against INVALID_PRODUCER_EPOCH by version, and a
// committed transaction as DescribeTransactions and ListTransactions show it. And the
// produce side (KIP-890 part 1): a transaction's first batch on a partition is appended
// only once its coordinator confirms the partition is in the transaction — asked directly
// here, and over the wire by a broker whose cluster names this one the coordinator — and
// the codes Kafka answers for batches that do not fit a transaction.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/clock.h"
#include "engine/group/group_coordinator.h"
#include "engine/group/offset_store.h"
#include "engine/log/flusher.h"
#include "engine/log/internal_topics.h"
#include "engine/log/log_manager.h"
#include "engine/log/record_batch.h"
#include "engine/log/record_batch_builder.h"
#include "engine/producer/producer_id_allocator.h"
#include "engine/txn/transaction_coordinator.h"
#include "engine/txn/txn_state_store.h"
#include "net/broker/admin_worker.h"
#include "net/broker/broker.h"
#include "net/codec/add_offsets_to_txn_codec.h"
#include "net/codec/add_partitions_to_txn_codec.h"
#include "net/codec/describe_transactions_codec.h"
#include "net/codec/end_txn_codec.h"
#include "net/codec/error_code.h"
#include "net/codec/find_coordinator_codec.h"
#include "net/codec/init_producer_id_codec.h"
#include "net/codec/list_transactions_codec.h"
#include "net/codec/produce_codec.h"
#include "net/codec/txn_offset_commit_codec.h"
#include "net/server/server.h"
#include "net/txn/broker_txn_marker_writer.h"
#include "net/txn/produce_txn_verifier.h"
#include "tests/net/broker_test_client.h"
#include "tests/net/fake_cluster_view.h"
#include "tests/net/server_test_util.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {
namespace {

constexpr int32_t kMaxTimeoutMs = 60000;
constexpr int32_t kStatePartitions = 3;

int16_t Code(ErrorCode code) { return ToWire(code); }

class TxnBrokerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const Status opened = OpenTestLogs("mem", dir_.path(), {}, &clock_, &backend_, &logs_);
    ASSERT_TRUE(opened.ok()) << opened.ToString();
    ASSERT_TRUE(logs_->CreateTopic("orders", 2, {}).ok());
    flusher_ = std::make_unique<Flusher>(1);
    Result<std::unique_ptr<OffsetStore>> offsets =
        OffsetStore::Open(logs_.get(), flusher_.get(), &clock_, {});
    ASSERT_TRUE(offsets.ok()) << offsets.status().ToString();
    groups_ =
        std::make_unique<GroupCoordinator>(std::move(*offsets), &clock_, GroupCoordinatorOptions{});
    Result<std::unique_ptr<ProducerIdAllocator>> ids = ProducerIdAllocator::Open(backend_.get());
    ASSERT_TRUE(ids.ok()) << ids.status().ToString();
    ids_ = std::move(*ids);
    services_.config.advertised_host = "broker.example";
    services_.logs = logs_.get();
    services_.flusher = flusher_.get();
    services_.groups = groups_.get();
    services_.admin = &admin_;
    services_.clock = &clock_;
    services_.producer_ids = ids_.get();
    markers_ = std::make_unique<BrokerTxnMarkerWriter>(&services_);
    TxnStateStoreOptions store_options;
    store_options.num_partitions = kStatePartitions;
    Result<std::unique_ptr<TxnStateStore>> store =
        TxnStateStore::Open(logs_.get(), flusher_.get(), &clock_, store_options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    TransactionCoordinatorOptions options;
    options.max_transaction_timeout_ms = kMaxTimeoutMs;
    GroupCoordinator* groups = groups_.get();
    txns_ = std::make_unique<TransactionCoordinator>(
        std::move(*store), ids_.get(), markers_.get(),
        [groups](std::string_view group) { return groups->PartitionFor(group); }, &clock_, options);
    for (int32_t p = 0; p < kStatePartitions; ++p) ASSERT_TRUE(txns_->LoadPartition(p, 0).ok());
    services_.txns = txns_.get();
    verifier_ = std::make_unique<ProduceTxnVerifier>(&services_);
    services_.txn_verifier = verifier_.get();
    broker_ = std::make_unique<Broker>(&services_);
    server_ = std::make_unique<Server>(LoopbackOptions(), broker_.get());
    ASSERT_TRUE(server_->Start().ok());
    services_.config.advertised_port = server_->bound_port();
    client_ = std::make_unique<BrokerTestClient>(server_->bound_port());
    ASSERT_TRUE(client_->connected());
  }

  void TearDown() override {
    client_.reset();
    server_->Stop();
    verifier_->Stop();
    admin_.Stop();
    markers_->Stop();
    flusher_.reset();
    txns_.reset();
    markers_.reset();
    groups_.reset();
    EXPECT_TRUE(logs_->Close().ok());
  }

  template <typename Response, typename Request, typename Encode, typename Decode>
  Response Call(int16_t key, int16_t version, bool flexible, const Request& request, Encode encode,
                Decode decode) {
    return CallBroker<Response>(
        *client_, key, version, next_correlation_id_++, flexible,
        [&](WireWriter& w) { encode(w, request, version); }, decode);
  }

  // InitProducerId v4 for `id`; with `current` (KIP-360) the producer's id and epoch.
  InitProducerIdResponse Init(const std::string& id, int32_t timeout_ms = 10000,
                              int16_t version = 4) {
    InitProducerIdRequest request;
    request.transactional_id = id;
    request.transaction_timeout_ms = timeout_ms;
    return Call<InitProducerIdResponse>(kInitProducerIdApiKey, version, version >= 2, request,
                                        EncodeInitProducerIdRequest, DecodeInitProducerIdResponse);
  }
  // InitProducerId until it is not CONCURRENT_TRANSACTIONS (the abort of what an older
  // incarnation left open takes a moment, and the client retries).
  InitProducerIdResponse InitRetrying(const std::string& id) {
    for (int i = 0; i < 200; ++i) {
      InitProducerIdResponse response = Init(id);
      if (response.error_code != Code(ErrorCode::kConcurrentTransactions)) return response;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "InitProducerId stayed CONCURRENT_TRANSACTIONS";
    return {};
  }

  // AddPartitionsToTxn v3 of `partitions` of "orders" (or of `topic`); the answer's codes
  // by partition.
  std::vector<int16_t> AddPartitions(const std::string& id, int64_t pid, int16_t epoch,
                                     std::vector<int32_t> partitions,
                                     const std::string& topic = "orders", int16_t version = 3) {
    AddPartitionsToTxnRequest request;
    request.v3_and_below_transactional_id = id;
    request.v3_and_below_producer_id = pid;
    request.v3_and_below_producer_epoch = epoch;
    request.v3_and_below_topics.push_back({topic, std::move(partitions)});
    AddPartitionsToTxnResponse response = Call<AddPartitionsToTxnResponse>(
        kAddPartitionsToTxnApiKey, version, version >= 3, request, EncodeAddPartitionsToTxnRequest,
        DecodeAddPartitionsToTxnResponse);
    std::vector<int16_t> codes;
    for (const auto& topic_result : response.results_by_topic_v3_and_below) {
      for (const auto& p : topic_result.results_by_partition)
        codes.push_back(p.partition_error_code);
    }
    return codes;
  }

  int16_t AddOffsets(const std::string& id, int64_t pid, int16_t epoch, const std::string& group) {
    AddOffsetsToTxnRequest request{id, pid, epoch, group};
    return Call<AddOffsetsToTxnResponse>(kAddOffsetsToTxnApiKey, 3, true, request,
                                         EncodeAddOffsetsToTxnRequest,
                                         DecodeAddOffsetsToTxnResponse)
        .error_code;
  }

  int16_t EndTxn(const std::string& id, int64_t pid, int16_t epoch, bool commit,
                 int16_t version = 3) {
    EndTxnRequest request{id, pid, epoch, commit};
    return Call<EndTxnResponse>(kEndTxnApiKey, version, version >= 3, request, EncodeEndTxnRequest,
                                DecodeEndTxnResponse)
        .error_code;
  }

  // TxnOffsetCommit v3 of offset `offset` of orders-0 for `group`; the partition's code.
  int16_t TxnOffsetCommit(const std::string& id, const std::string& group, int64_t pid,
                          int16_t epoch, int64_t offset) {
    TxnOffsetCommitRequest request;
    request.transactional_id = id;
    request.group_id = group;
    request.producer_id = pid;
    request.producer_epoch = epoch;
    TxnOffsetCommitRequest::Partition partition;
    partition.partition_index = 0;
    partition.committed_offset = offset;
    request.topics.push_back({"orders", {partition}});
    TxnOffsetCommitResponse response =
        Call<TxnOffsetCommitResponse>(kTxnOffsetCommitApiKey, 3, true, request,
                                      EncodeTxnOffsetCommitRequest, DecodeTxnOffsetCommitResponse);
    if (response.topics.size() != 1 || response.topics[0].partitions.size() != 1) {
      ADD_FAILURE() << "TxnOffsetCommit answered another shape";
      return -2;
    }
    return response.topics[0].partitions[0].error_code;
  }

  DescribeTransactionsResponse::TransactionState Describe(const std::string& id) {
    DescribeTransactionsRequest request;
    request.transactional_ids = {id};
    DescribeTransactionsResponse response = Call<DescribeTransactionsResponse>(
        kDescribeTransactionsApiKey, 0, true, request, EncodeDescribeTransactionsRequest,
        DecodeDescribeTransactionsResponse);
    EXPECT_EQ(response.transaction_states.size(), 1u);
    return response.transaction_states.empty() ? DescribeTransactionsResponse::TransactionState{}
                                               : response.transaction_states[0];
  }

  // Produce v9 (acks=1) of one batch of `pid` at `epoch` from `sequence` per partition of
  // "orders" in `partitions`, transactional unless told, under `transactional_id`; the
  // partitions' codes.
  std::vector<int16_t> Produce(std::optional<std::string> transactional_id, int64_t pid,
                               int16_t epoch, int32_t sequence, std::vector<int32_t> partitions,
                               bool transactional = true) {
    BatchOptions options;
    options.attributes = transactional ? kBatchAttrTransactional : 0;
    options.producer_id = pid;
    options.producer_epoch = epoch;
    options.base_sequence = sequence;
    const std::string batch =
        BuildRecordBatch({{std::nullopt, "value", clock_.NowMs(), {}}}, options);
    ProduceRequest request;
    request.transactional_id = std::move(transactional_id);
    request.acks = 1;
    request.timeout_ms = 5000;
    ProduceRequest::Topic& topic = request.topics.emplace_back();
    topic.name = "orders";
    for (int32_t partition : partitions) {
      topic.partitions.push_back(
          {partition,
           std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(batch.data()), batch.size())});
    }
    ProduceResponse response =
        Call<ProduceResponse>(0, 9, true, request, EncodeProduceRequest, DecodeProduceResponse);
    std::vector<int16_t> codes;
    for (const auto& answered : response.topics) {
      for (const auto& p : answered.partitions) codes.push_back(p.error_code);
    }
    return codes;
  }

  Offset End(int32_t partition) {
    return logs_->GetPartition(PartitionId{"orders", partition})->next_offset();
  }

  // Waits until `id`'s state is `state` (markers are written after EndTxn answers).
  bool WaitForState(const std::string& id, const std::string& state) {
    for (int i = 0; i < 200; ++i) {
      if (Describe(id).transaction_state == state) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  TempDir dir_;
  ManualClock clock_{1'700'000'000'000};
  std::unique_ptr<StorageBackend> backend_;
  std::unique_ptr<LogManager> logs_;
  std::unique_ptr<Flusher> flusher_;
  std::unique_ptr<GroupCoordinator> groups_;
  std::unique_ptr<ProducerIdAllocator> ids_;
  std::unique_ptr<BrokerTxnMarkerWriter> markers_;
  std::unique_ptr<TransactionCoordinator> txns_;
  std::unique_ptr<ProduceTxnVerifier> verifier_;
  AdminWorker admin_;
  BrokerServices services_;
  std::unique_ptr<Broker> broker_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<BrokerTestClient> client_;
  int32_t next_correlation_id_ = 1;
};

TEST_F(TxnBrokerTest, FindCoordinatorNamesThisBrokerForATransactionalId) {
  FindCoordinatorRequest request;
  request.key_type = kCoordinatorKeyTransaction;
  request.coordinator_keys = {"txn-a", "txn-b"};
  FindCoordinatorResponse response =
      Call<FindCoordinatorResponse>(kFindCoordinatorApiKey, 4, true, request,
                                    EncodeFindCoordinatorRequest, DecodeFindCoordinatorResponse);
  ASSERT_EQ(response.coordinators.size(), 2u);
  for (const auto& coordinator : response.coordinators) {
    EXPECT_EQ(coordinator.error_code, Code(ErrorCode::kNone));
    EXPECT_EQ(coordinator.host, "broker.example");
    EXPECT_EQ(coordinator.port, server_->bound_port());
  }
  EXPECT_EQ(response.coordinators[0].key, "txn-a");
}

TEST_F(TxnBrokerTest, EndTxnWithoutATransactionIsInvalidTxnState) {
  InitProducerIdResponse init = Init("no-txn");
  ASSERT_EQ(init.error_code, Code(ErrorCode::kNone));
  EXPECT_GE(init.producer_id, 0);
  EXPECT_EQ(init.producer_epoch, 0);
  EXPECT_EQ(EndTxn("no-txn", init.producer_id, init.producer_epoch, /*commit=*/true),
            Code(ErrorCode::kInvalidTxnState));
}

TEST_F(TxnBrokerTest, AnUnknownTransactionalIdHasNoProducerIdMapping) {
  EXPECT_EQ(EndTxn("never-initialised", 7, 0, /*commit=*/false),
            Code(ErrorCode::kInvalidProducerIdMapping));
  EXPECT_EQ(AddPartitions("never-initialised", 7, 0, {0}),
            std::vector<int16_t>{Code(ErrorCode::kInvalidProducerIdMapping)});
  EXPECT_EQ(AddOffsets("never-initialised", 7, 0, "group"),
            Code(ErrorCode::kInvalidProducerIdMapping));
  DescribeTransactionsResponse::TransactionState described = Describe("never-initialised");
  EXPECT_EQ(described.error_code, Code(ErrorCode::kTransactionalIdNotFound));
}

TEST_F(TxnBrokerTest, ATimeoutAboveTheMaximumIsRefused) {
  EXPECT_EQ(Init("slow", kMaxTimeoutMs + 1).error_code,
            Code(ErrorCode::kInvalidTransactionTimeout));
  EXPECT_EQ(Init("slow", 0).error_code, Code(ErrorCode::kInvalidTransactionTimeout));
  EXPECT_EQ(Init("slow", kMaxTimeoutMs).error_code, Code(ErrorCode::kNone));
}

TEST_F(TxnBrokerTest, AnEmptyTransactionalIdIsAnInvalidRequest) {
  EXPECT_EQ(Init("").error_code, Code(ErrorCode::kInvalidRequest));
}

TEST_F(TxnBrokerTest, AnUnknownPartitionIsRefusedAndTheOthersNotAttempted) {
  InitProducerIdResponse init = Init("unknown-partition");
  ASSERT_EQ(init.error_code, Code(ErrorCode::kNone));
  EXPECT_EQ(AddPartitions("unknown-partition", init.producer_id, init.producer_epoch, {0, 9}),
            (std::vector<int16_t>{Code(ErrorCode::kOperationNotAttempted),
                                  Code(ErrorCode::kUnknownTopicOrPartition)}));
  // Nothing was added: the transaction has not begun.
  EXPECT_EQ(Describe("unknown-partition").transaction_state, "Empty");
}

TEST_F(TxnBrokerTest, ACommittedTransactionIsDescribedAndListed) {
  InitProducerIdResponse init = Init("committer");
  ASSERT_EQ(init.error_code, Code(ErrorCode::kNone));
  EXPECT_EQ(AddPartitions("committer", init.producer_id, init.producer_epoch, {0, 1}),
            (std::vector<int16_t>{Code(ErrorCode::kNone), Code(ErrorCode::kNone)}));
  DescribeTransactionsResponse::TransactionState ongoing = Describe("committer");
  EXPECT_EQ(ongoing.error_code, Code(ErrorCode::kNone));
  EXPECT_EQ(ongoing.transaction_state, "Ongoing");
  EXPECT_EQ(ongoing.producer_id, init.producer_id);
  EXPECT_EQ(ongoing.transaction_timeout_ms, 10000);
  EXPECT_EQ(ongoing.transaction_start_time_ms, clock_.NowMs());
  ASSERT_EQ(ongoing.topics.size(), 1u);
  EXPECT_EQ(ongoing.topics[0].topic, "orders");
  EXPECT_EQ(ongoing.topics[0].partitions, (std::vector<int32_t>{0, 1}));

  ListTransactionsRequest list;
  list.state_filters = {"Ongoing", "NoSuchState"};
  ListTransactionsResponse listed =
      Call<ListTransactionsResponse>(kListTransactionsApiKey, 1, true, list,
                                     EncodeListTransactionsRequest, DecodeListTransactionsResponse);
  EXPECT_EQ(listed.error_code, Code(ErrorCode::kNone));
  EXPECT_EQ(listed.unknown_state_filters, std::vector<std::string>{"NoSuchState"});
  ASSERT_EQ(listed.transaction_states.size(), 1u);
  EXPECT_EQ(listed.transaction_states[0].transactional_id, "committer");
  EXPECT_EQ(listed.transaction_states[0].transaction_state, "Ongoing");

  EXPECT_EQ(EndTxn("committer", init.producer_id, init.producer_epoch, /*commit=*/true),
            Code(ErrorCode::kNone));
  EXPECT_TRUE(WaitForState("committer", "CompleteCommit"));
  // Both partitions hold the COMMIT marker.
  for (int32_t p = 0; p < 2; ++p) {
    EXPECT_EQ(logs_->GetPartition(PartitionId{"orders", p})->next_offset(), 1) << p;
  }
  // A retry of the same EndTxn is answered as the first; the other outcome is not.
  EXPECT_EQ(EndTxn("committer", init.producer_id, init.producer_epoch, /*commit=*/true),
            Code(ErrorCode::kNone));
  EXPECT_EQ(EndTxn("committer", init.producer_id, init.producer_epoch, /*commit=*/false),
            Code(ErrorCode::kInvalidTxnState));
}

TEST_F(TxnBrokerTest, AFencedProducerIsToldByItsRequestVersion) {
  InitProducerIdResponse old = Init("zombie");
  ASSERT_EQ(old.error_code, Code(ErrorCode::kNone));
  InitProducerIdResponse fresh = Init("zombie");
  ASSERT_EQ(fresh.error_code, Code(ErrorCode::kNone));
  EXPECT_EQ(fresh.producer_id, old.producer_id);
  EXPECT_EQ(fresh.producer_epoch, old.producer_epoch + 1);
  // EndTxn v2+ knows PRODUCER_FENCED; v0-1 get INVALID_PRODUCER_EPOCH (Kafka's mapping).
  EXPECT_EQ(EndTxn("zombie", old.producer_id, old.producer_epoch, true, /*version=*/3),
            Code(ErrorCode::kProducerFenced));
  EXPECT_EQ(EndTxn("zombie", old.producer_id, old.producer_epoch, true, /*version=*/1),
            Code(ErrorCode::kInvalidProducerEpoch));
  EXPECT_EQ(AddPartitions("zombie", old.producer_id, old.producer_epoch, {0}, "orders", 2),
            std::vector<int16_t>{Code(ErrorCode::kProducerFenced)});
  EXPECT_EQ(AddPartitions("zombie", old.producer_id, old.producer_epoch, {0}, "orders", 1),
            std::vector<int16_t>{Code(ErrorCode::kInvalidProducerEpoch)});
}

TEST_F(TxnBrokerTest, TxnOffsetCommitFromAFencedProducerIsRefused) {
  const std::string group = "txn-group";
  InitProducerIdResponse old = Init("offsets");
  ASSERT_EQ(old.error_code, Code(ErrorCode::kNone));
  ASSERT_EQ(AddOffsets("offsets", old.producer_id, old.producer_epoch, group),
            Code(ErrorCode::kNone));
  ASSERT_EQ(TxnOffsetCommit("offsets", group, old.producer_id, old.producer_epoch, 5),
            Code(ErrorCode::kNone));
  // A new incarnation aborts the open transaction with a bumped epoch: the ABORT marker
  // in the group's offsets partition carries it, so that partition fences the old epoch.
  InitProducerIdResponse fresh = InitRetrying("offsets");
  ASSERT_EQ(fresh.error_code, Code(ErrorCode::kNone));
  EXPECT_GT(fresh.producer_epoch, old.producer_epoch + 1);
  EXPECT_EQ(TxnOffsetCommit("offsets", group, old.producer_id, old.producer_epoch, 7),
            Code(ErrorCode::kInvalidProducerEpoch));
}

TEST_F(TxnBrokerTest, ATimedOutTransactionIsAbortedAndItsProducerFenced) {
  InitProducerIdResponse init = Init("forgetful", /*timeout_ms=*/1000);
  ASSERT_EQ(init.error_code, Code(ErrorCode::kNone));
  ASSERT_EQ(AddPartitions("forgetful", init.producer_id, init.producer_epoch, {1}),
            std::vector<int16_t>{Code(ErrorCode::kNone)});
  clock_.Advance(1001);
  txns_->Tick();
  EXPECT_TRUE(WaitForState("forgetful", "CompleteAbort"));
  EXPECT_EQ(EndTxn("forgetful", init.producer_id, init.producer_epoch, /*commit=*/true),
            Code(ErrorCode::kProducerFenced));
  EXPECT_EQ(logs_->GetPartition(PartitionId{"orders", 1})->next_offset(), 1) << "the ABORT marker";
}

TEST_F(TxnBrokerTest, AProduceToAPartitionNeverAddedIsInvalidTxnState) {
  InitProducerIdResponse init = Init("unverified");
  ASSERT_EQ(init.error_code, Code(ErrorCode::kNone));
  ASSERT_EQ(AddPartitions("unverified", init.producer_id, init.producer_epoch, {1}),
            std::vector<int16_t>{Code(ErrorCode::kNone)});
  // Partition 0 is not in the transaction; partition 1 is.
  EXPECT_EQ(Produce("unverified", init.producer_id, init.producer_epoch, 0, {0, 1}),
            (std::vector<int16_t>{Code(ErrorCode::kInvalidTxnState), Code(ErrorCode::kNone)}));
  EXPECT_EQ(End(0), 0) << "nothing appended";
  EXPECT_EQ(End(1), 1);
  // Without a transaction at all: not in it either.
  InitProducerIdResponse idle = Init("idle");
  ASSERT_EQ(idle.error_code, Code(ErrorCode::kNone));
  EXPECT_EQ(Produce("idle", idle.producer_id, idle.producer_epoch, 0, {0}),
            std::vector<int16_t>{Code(ErrorCode::kInvalidTxnState)});
  EXPECT_EQ(End(0), 0);
}

TEST_F(TxnBrokerTest, AVerifiedTransactionGoesOnAndEndsWithItsMarker) {
  InitProducerIdResponse init = Init("verified");
  ASSERT_EQ(init.error_code, Code(ErrorCode::kNone));
  ASSERT_EQ(AddPartitions("verified", init.producer_id, init.producer_epoch, {0}),
            std::vector<int16_t>{Code(ErrorCode::kNone)});
  EXPECT_EQ(Produce("verified", init.producer_id, init.producer_epoch, 0, {0}),
            std::vector<int16_t>{Code(ErrorCode::kNone)});
  EXPECT_EQ(Produce("verified", init.producer_id, init.producer_epoch, 1, {0}),
            std::vector<int16_t>{Code(ErrorCode::kNone)});
  EXPECT_EQ(End(0), 2);
  ASSERT_EQ(EndTxn("verified", init.producer_id, init.producer_epoch, /*commit=*/true),
            Code(ErrorCode::kNone));
  ASSERT_TRUE(WaitForState("verified", "CompleteCommit"));
  EXPECT_EQ(End(0), 3) << "the COMMIT marker";
  // The next transaction has not added the partition: its batch is refused again.
  EXPECT_EQ(Produce("verified", init.producer_id, init.producer_epoch, 2, {0}),
            std::vector<int16_t>{Code(ErrorCode::kInvalidTxnState)});
  EXPECT_EQ(End(0), 3);
}

TEST_F(TxnBrokerTest, TransactionalRecordsWithoutATransactionalIdAreRefusedEverywhere) {
  InitProducerIdResponse init = Init("anonymous");
  ASSERT_EQ(init.error_code, Code(ErrorCode::kNone));
  ASSERT_EQ(AddPartitions("anonymous", init.producer_id, init.producer_epoch, {0, 1}),
            (std::vector<int16_t>{Code(ErrorCode::kNone), Code(ErrorCode::kNone)}));
  EXPECT_EQ(Produce(std::nullopt, init.producer_id, init.producer_epoch, 0, {0, 1}),
            (std::vector<int16_t>{Code(ErrorCode::kTransactionalIdAuthorizationFailed),
                                  Code(ErrorCode::kTransactionalIdAuthorizationFailed)}));
  EXPECT_EQ(End(0), 0);
  EXPECT_EQ(End(1), 0);
}

TEST_F(TxnBrokerTest, ANonTransactionalBatchDuringTheTransactionIsInvalidTxnState) {
  InitProducerIdResponse init = Init("mixed");
  ASSERT_EQ(init.error_code, Code(ErrorCode::kNone));
  ASSERT_EQ(AddPartitions("mixed", init.producer_id, init.producer_epoch, {0}),
            std::vector<int16_t>{Code(ErrorCode::kNone)});
  ASSERT_EQ(Produce("mixed", init.producer_id, init.producer_epoch, 0, {0}),
            std::vector<int16_t>{Code(ErrorCode::kNone)});
  EXPECT_EQ(Produce(std::nullopt, init.producer_id, init.producer_epoch, 1, {0},
                    /*transactional=*/false),
            std::vector<int16_t>{Code(ErrorCode::kInvalidTxnState)});
  EXPECT_EQ(End(0), 1) << "nothing appended";
  // The transaction goes on where it was.
  EXPECT_EQ(Produce("mixed", init.producer_id, init.producer_epoch, 1, {0}),
            std::vector<int16_t>{Code(ErrorCode::kNone)});
}

// A broker of a cluster in which this test's broker (node 0) leads every partition of
// __transaction_state, or none when `coordinator_port` is -1.
class RemoteVerifier {
 public:
  RemoteVerifier(const BrokerServices& coordinator, int32_t coordinator_port) {
    ClusterSnapshot snapshot;
    snapshot.brokers[0] = ClusterBroker{0, "127.0.0.1", coordinator_port, std::nullopt, 1};
    snapshot.brokers[1] = ClusterBroker{1, "127.0.0.1", 1, std::nullopt, 1};
    ClusterTopic& state = snapshot.topics[std::string(kTransactionStateTopic)];
    for (int32_t p = 0; p < coordinator.txns->num_partitions(); ++p) {
      ClusterPartition& partition = state.partitions.emplace_back();
      partition.replicas = {0};
      partition.state.leader = 0;
    }
    cluster_.SetSnapshot(std::move(snapshot));
    services_ = coordinator;
    services_.config.node_id = 1;
    services_.cluster = &cluster_;
    ProduceTxnVerifierOptions options;
    options.request_timeout = std::chrono::milliseconds(2000);
    verifier_ = std::make_unique<ProduceTxnVerifier>(&services_, options);
  }

  // The answer for `partitions` of "orders", waited for.
  ProduceTxnVerifier::Answer Verify(const std::string& id, int64_t pid, int16_t epoch,
                                    const std::vector<int32_t>& partitions) {
    VerifyEntry request{id, pid, epoch, {}};
    for (int32_t p : partitions) request.partitions.push_back({"orders", p});
    std::promise<ProduceTxnVerifier::Answer> answered;
    std::future<ProduceTxnVerifier::Answer> answer = answered.get_future();
    verifier_->Verify(std::move(request), [&answered](ProduceTxnVerifier::Answer a) {
      answered.set_value(std::move(a));
    });
    return answer.get();
  }

 private:
  FakeClusterView cluster_;
  BrokerServices services_;
  std::unique_ptr<ProduceTxnVerifier> verifier_;
};

TEST_F(TxnBrokerTest, ABrokerAsksTheCoordinatorOnAnotherBrokerOverTheWire) {
  InitProducerIdResponse init = Init("remote");
  ASSERT_EQ(init.error_code, Code(ErrorCode::kNone));
  ASSERT_EQ(AddPartitions("remote", init.producer_id, init.producer_epoch, {1}),
            std::vector<int16_t>{Code(ErrorCode::kNone)});
  RemoteVerifier remote(services_, server_->bound_port());
  const PartitionId p0{"orders", 0};
  const PartitionId p1{"orders", 1};
  EXPECT_EQ(
      remote.Verify("remote", init.producer_id, init.producer_epoch, {0, 1}),
      (ProduceTxnVerifier::Answer{{p0, ErrorCode::kInvalidTxnState}, {p1, ErrorCode::kNone}}));
  // An older epoch of the producer is fenced: Produce says INVALID_PRODUCER_EPOCH.
  InitProducerIdResponse fresh = InitRetrying("remote");
  ASSERT_EQ(fresh.error_code, Code(ErrorCode::kNone));
  EXPECT_EQ(remote.Verify("remote", init.producer_id, init.producer_epoch, {1}),
            (ProduceTxnVerifier::Answer{{p1, ErrorCode::kInvalidProducerEpoch}}));
}

TEST_F(TxnBrokerTest, ACoordinatorThatCannotBeAskedIsARetriableError) {
  const PartitionId p0{"orders", 0};
  // Nobody listens on port 1.
  RemoteVerifier unreachable(services_, 1);
  EXPECT_EQ(unreachable.Verify("lost", 5, 0, {0}),
            (ProduceTxnVerifier::Answer{{p0, ErrorCode::kNotEnoughReplicas}}));
}

TEST(ProduceVerificationErrorTest, CoordinatorCodesBecomeProduceCodes) {
  EXPECT_EQ(ProduceVerificationError(ErrorCode::kNone), ErrorCode::kNone);
  EXPECT_EQ(ProduceVerificationError(ErrorCode::kTransactionAbortable),
            ErrorCode::kInvalidTxnState);
  EXPECT_EQ(ProduceVerificationError(ErrorCode::kProducerFenced), ErrorCode::kInvalidProducerEpoch);
  for (ErrorCode transient : {ErrorCode::kNetworkException, ErrorCode::kCoordinatorLoadInProgress,
                              ErrorCode::kCoordinatorNotAvailable, ErrorCode::kNotCoordinator,
                              ErrorCode::kConcurrentTransactions}) {
    EXPECT_EQ(ProduceVerificationError(transient), ErrorCode::kNotEnoughReplicas);
  }
  EXPECT_EQ(ProduceVerificationError(ErrorCode::kInvalidProducerIdMapping),
            ErrorCode::kInvalidProducerIdMapping);
}

}  // namespace
}  // namespace ringlog::testing
