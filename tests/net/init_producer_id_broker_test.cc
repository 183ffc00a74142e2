// InitProducerId behind the real Server on loopback when the meta store fails: the
// producer gets a retriable KAFKA_STORAGE_ERROR and no id, and once the store works again
// the next request gets the next id. (The other answers are covered with the real binary
// in tests/integration/test_idempotent_wire.py.)
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "engine/clock.h"
#include "engine/producer/producer_id_allocator.h"
#include "net/broker/admin_worker.h"
#include "net/broker/broker.h"
#include "net/codec/error_code.h"
#include "net/codec/init_producer_id_codec.h"
#include "net/server/server.h"
#include "tests/net/broker_test_client.h"
#include "tests/net/server_test_util.h"
#include "tests/support/fault_backend.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {
namespace {

constexpr int16_t kVersion = 4;

class InitProducerIdBrokerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto backend = FaultBackend::Open([this] { return OpenTestBackend("mem", dir_.path()); });
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(*backend);
    auto allocator = ProducerIdAllocator::Open(backend_.get(), /*block_size=*/2);
    ASSERT_TRUE(allocator.ok()) << allocator.status().ToString();
    allocator_ = std::move(*allocator);
    services_.producer_ids = allocator_.get();
    services_.admin = &admin_;
    services_.clock = SystemClock::Get();
    broker_ = std::make_unique<Broker>(&services_);
    ServerOptions options = ringlog::testing::LoopbackOptions();
    options.num_loops = 1;
    server_ = std::make_unique<Server>(options, broker_.get());
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<BrokerTestClient>(server_->bound_port());
    ASSERT_TRUE(client_->connected());
  }

  void TearDown() override {
    client_.reset();
    server_->Stop();
    admin_.Stop();
  }

  InitProducerIdResponse InitProducerId() {
    return CallBroker<InitProducerIdResponse>(
        *client_, kInitProducerIdApiKey, kVersion, next_correlation_id_++,
        /*flexible_header=*/true,
        [](WireWriter& w) { EncodeInitProducerIdRequest(w, {}, kVersion); },
        DecodeInitProducerIdResponse);
  }

  TempDir dir_;
  std::unique_ptr<FaultBackend> backend_;
  std::unique_ptr<ProducerIdAllocator> allocator_;
  AdminWorker admin_;
  BrokerServices services_;
  std::unique_ptr<Broker> broker_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<BrokerTestClient> client_;
  int32_t next_correlation_id_ = 1;
};

TEST_F(InitProducerIdBrokerTest, AMetaStoreFailureIsARetriableStorageError) {
  InitProducerIdResponse first = InitProducerId();
  EXPECT_EQ(first.error_code, ToWire(ErrorCode::kNone));
  EXPECT_EQ(first.producer_id, 0);

  backend_->InjectFault(FaultOp::kPutMeta, Status::IOError("disk gone"), 0, /*count=*/-1);
  InitProducerIdResponse in_block = InitProducerId();
  EXPECT_EQ(in_block.error_code, ToWire(ErrorCode::kNone)) << "id 1 needs no write";
  EXPECT_EQ(in_block.producer_id, 1);
  InitProducerIdResponse refused = InitProducerId();
  EXPECT_EQ(refused.error_code, ToWire(ErrorCode::kKafkaStorageError));
  EXPECT_EQ(refused.producer_id, -1);

  backend_->ClearFaults();
  InitProducerIdResponse after = InitProducerId();
  EXPECT_EQ(after.error_code, ToWire(ErrorCode::kNone));
  EXPECT_EQ(after.producer_id, 2);
  EXPECT_EQ(after.producer_epoch, 0);
}

}  // namespace
}  // namespace ringlog::testing
