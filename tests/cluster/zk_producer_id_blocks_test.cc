// Producer id blocks in a real ZooKeeper: brokers on separate sessions hand out disjoint
// ids; a broker that loses the race for the node (another wrote it between its read and
// its conditional write, or created it first) reads again and takes the next block; no
// session is Busy; a node holding something else is Corruption.
#include "net/cluster/zk_producer_id_blocks.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "engine/producer/producer_id_allocator.h"
#include "net/cluster/znodes.h"
#include "tests/support/zookeeper_server.h"

namespace ringlog::testing {
namespace {

// A ZkClient that forwards to a real one and runs `after_get` once, after the next Get:
// the moment between a broker's read of the node and its conditional write.
class InterposedClient final : public ZkClient {
 public:
  explicit InterposedClient(std::shared_ptr<ZkClient> real) : real_(std::move(real)) {}

  std::function<void()> after_get;
  int set_data_failures = 0;  // SetData calls answered kBadVersion
  int create_failures = 0;    // Create calls answered kNodeExists

  ZkStatus Create(const std::string& path, std::string_view data, bool ephemeral) override {
    ZkStatus status = real_->Create(path, data, ephemeral);
    if (status.code == ZkCode::kNodeExists) ++create_failures;
    return status;
  }
  ZkStatus CreateRecursive(const std::string& path) override {
    return real_->CreateRecursive(path);
  }
  ZkStatus Get(const std::string& path, std::string* data, ZkStat* stat, bool watch) override {
    ZkStatus status = real_->Get(path, data, stat, watch);
    if (after_get) std::exchange(after_get, nullptr)();
    return status;
  }
  ZkStatus Exists(const std::string& path, ZkStat* stat, bool watch) override {
    return real_->Exists(path, stat, watch);
  }
  ZkStatus GetChildren(const std::string& path, std::vector<std::string>* children,
                       bool watch) override {
    return real_->GetChildren(path, children, watch);
  }
  ZkStatus SetData(const std::string& path, std::string_view data, int32_t version,
                   ZkStat* stat) override {
    ZkStatus status = real_->SetData(path, data, version, stat);
    if (status.code == ZkCode::kBadVersion) ++set_data_failures;
    return status;
  }
  ZkStatus Delete(const std::string& path, int32_t version) override {
    return real_->Delete(path, version);
  }
  ZkStatus Multi(std::span<const ZkOp> ops, size_t* failed_index) override {
    return real_->Multi(ops, failed_index);
  }
  int64_t session_id() const override { return real_->session_id(); }
  int session_timeout_ms() const override { return real_->session_timeout_ms(); }
  std::string session_password() const override { return real_->session_password(); }

 private:
  const std::shared_ptr<ZkClient> real_;
};

class ZkProducerIdBlocksTest : public ::testing::Test {
 protected:
  void SetUp() override { connect_ = ZooKeeperServer::Shared().NewChroot("pid"); }

  std::shared_ptr<ZkClient> Session() {
    ZkClientOptions options;
    options.connect = connect_;
    Result<std::unique_ptr<ZkClient>> client = ZkClient::Connect(options, nullptr);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return client.ok() ? std::shared_ptr<ZkClient>(std::move(*client)) : nullptr;
  }

  static ZkClientSource SourceOf(std::shared_ptr<ZkClient> client) {
    return [client] { return client; };
  }

  znodes::ProducerIdBlock Latest(ZkClient& zk) {
    std::string data;
    ZkStat stat;
    const ZkStatus read = zk.Get(std::string(znodes::kProducerIdBlock), &data, &stat, false);
    EXPECT_TRUE(read.ok()) << read.message;
    Result<znodes::ProducerIdBlock> block = znodes::DecodeProducerIdBlock(data);
    EXPECT_TRUE(block.ok()) << block.status().ToString();
    return block.ok() ? *block : znodes::ProducerIdBlock{};
  }

  std::string connect_;
};

TEST_F(ZkProducerIdBlocksTest, TheFirstBlockCreatesTheNode) {
  std::shared_ptr<ZkClient> zk = Session();
  ASSERT_NE(zk, nullptr);
  ZkProducerIdBlocks blocks(SourceOf(zk), /*broker_id=*/7);
  EXPECT_TRUE(blocks.shared());
  Result<int64_t> first = blocks.ReserveBlock(1000);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(*first, 0);
  EXPECT_EQ(blocks.FirstUnreserved(), 1000);
  znodes::ProducerIdBlock latest = Latest(*zk);
  EXPECT_EQ(latest.broker_id, 7);
  EXPECT_EQ(latest.block_start, 0);
  EXPECT_EQ(latest.block_end, 999) << "Kafka's block end is inclusive";
  ASSERT_EQ(*blocks.ReserveBlock(1000), 1000);
  latest = Latest(*zk);
  EXPECT_EQ(latest.block_start, 1000);
  EXPECT_EQ(latest.block_end, 1999);
}

TEST_F(ZkProducerIdBlocksTest, TwoBrokersOnTwoSessionsHandOutDisjointIds) {
  std::shared_ptr<ZkClient> zk1 = Session();
  std::shared_ptr<ZkClient> zk2 = Session();
  ASSERT_NE(zk1, nullptr);
  ASSERT_NE(zk2, nullptr);
  ASSERT_NE(zk1->session_id(), zk2->session_id());
  ProducerIdAllocator one(std::make_unique<ZkProducerIdBlocks>(SourceOf(zk1), 1), 10);
  ProducerIdAllocator two(std::make_unique<ZkProducerIdBlocks>(SourceOf(zk2), 2), 10);
  std::set<int64_t> given;
  for (int i = 0; i < 35; ++i) {
    for (ProducerIdAllocator* allocator : {&one, &two}) {
      Result<int64_t> id = allocator->Next();
      ASSERT_TRUE(id.ok()) << id.status().ToString();
      EXPECT_TRUE(given.insert(*id).second) << "id " << *id << " handed out twice";
    }
  }
  EXPECT_EQ(given.size(), 70u);
  // Each handed out 35 ids from blocks of 10: 4 blocks each, 80 ids reserved in all.
  EXPECT_EQ(Latest(*zk1).block_end, 79);
  EXPECT_LT(*given.rbegin(), 80);
}

TEST_F(ZkProducerIdBlocksTest, AWriteBetweenReadAndSetDataIsRetried) {
  std::shared_ptr<ZkClient> zk1 = Session();
  std::shared_ptr<ZkClient> zk2 = Session();
  ASSERT_NE(zk1, nullptr);
  ASSERT_NE(zk2, nullptr);
  auto interposed = std::make_shared<InterposedClient>(zk1);
  ZkProducerIdBlocks one([interposed]() -> std::shared_ptr<ZkClient> { return interposed; }, 1);
  ZkProducerIdBlocks two(SourceOf(zk2), 2);
  ASSERT_EQ(*one.ReserveBlock(100), 0);

  // Broker 2 takes the next block after broker 1 has read the node.
  Result<int64_t> taken = Status::NotFound("not run");
  interposed->after_get = [&] { taken = two.ReserveBlock(100); };
  Result<int64_t> first = one.ReserveBlock(100);
  ASSERT_TRUE(taken.ok()) << taken.status().ToString();
  EXPECT_EQ(*taken, 100);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(interposed->set_data_failures, 1) << "the stale write failed on the version";
  EXPECT_EQ(*first, 200) << "read again, took the block after broker 2's";
  EXPECT_EQ(Latest(*zk2).broker_id, 1);
  EXPECT_EQ(Latest(*zk2).block_end, 299);
}

TEST_F(ZkProducerIdBlocksTest, LosingTheRaceToCreateTheNodeReadsItAgain) {
  std::shared_ptr<ZkClient> zk1 = Session();
  std::shared_ptr<ZkClient> zk2 = Session();
  ASSERT_NE(zk1, nullptr);
  ASSERT_NE(zk2, nullptr);
  auto interposed = std::make_shared<InterposedClient>(zk1);
  ZkProducerIdBlocks one([interposed]() -> std::shared_ptr<ZkClient> { return interposed; }, 1);
  ZkProducerIdBlocks two(SourceOf(zk2), 2);
  Result<int64_t> taken = Status::NotFound("not run");
  interposed->after_get = [&] { taken = two.ReserveBlock(50); };
  Result<int64_t> first = one.ReserveBlock(50);
  ASSERT_TRUE(taken.ok()) << taken.status().ToString();
  EXPECT_EQ(*taken, 0);
  EXPECT_EQ(interposed->create_failures, 1);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(*first, 50);
}

TEST_F(ZkProducerIdBlocksTest, ConcurrentBrokersGetContiguousDisjointBlocks) {
  constexpr int kBrokers = 3;
  constexpr int kBlocksEach = 15;
  constexpr int64_t kSize = 10;
  std::vector<std::shared_ptr<ZkClient>> sessions;
  for (int i = 0; i < kBrokers; ++i) {
    sessions.push_back(Session());
    ASSERT_NE(sessions.back(), nullptr);
  }
  std::vector<std::vector<int64_t>> starts(kBrokers);
  std::vector<std::thread> threads;
  for (int b = 0; b < kBrokers; ++b) {
    threads.emplace_back([&, b] {
      ZkProducerIdBlocks blocks(SourceOf(sessions[b]), b);
      for (int i = 0; i < kBlocksEach; ++i) {
        Result<int64_t> first = blocks.ReserveBlock(kSize);
        if (first.ok()) starts[b].push_back(*first);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::set<int64_t> all;
  for (const std::vector<int64_t>& mine : starts) {
    EXPECT_EQ(mine.size(), static_cast<size_t>(kBlocksEach));
    all.insert(mine.begin(), mine.end());
  }
  ASSERT_EQ(all.size(), static_cast<size_t>(kBrokers * kBlocksEach)) << "a block given twice";
  int64_t expected = 0;
  for (int64_t start : all) {
    EXPECT_EQ(start, expected) << "blocks leave no gap";
    expected += kSize;
  }
}

TEST_F(ZkProducerIdBlocksTest, NoSessionIsBusy) {
  ZkProducerIdBlocks blocks([]() -> std::shared_ptr<ZkClient> { return nullptr; }, 1);
  EXPECT_TRUE(blocks.ReserveBlock(10).status().IsBusy());
}

TEST_F(ZkProducerIdBlocksTest, ANodeHoldingSomethingElseIsCorruption) {
  std::shared_ptr<ZkClient> zk = Session();
  ASSERT_NE(zk, nullptr);
  ASSERT_TRUE(zk->Create(std::string(znodes::kProducerIdBlock), "not json", false).ok());
  ZkProducerIdBlocks blocks(SourceOf(zk), 1);
  EXPECT_TRUE(blocks.ReserveBlock(10).status().IsCorruption());
}

}  // namespace
}  // namespace ringlog::testing
