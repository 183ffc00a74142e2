// Producer id blocks: the meta-store blob keeps its format (an old data dir goes on where
// it stopped), and an allocator over a store shared with other brokers counts as issued
// only the ids it handed out itself.
#include "engine/producer/producer_id_block_store.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/producer/producer_id_allocator.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {
namespace {

class MetaProducerIdBlockStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto backend = OpenTestBackend(GetParam(), dir_.Sub("data"));
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(*backend);
  }

  TempDir dir_;
  std::unique_ptr<StorageBackend> backend_;
};

TEST_P(MetaProducerIdBlockStoreTest, AnOldBlobIsReadAndWrittenInTheSameFormat) {
  // What a data dir of an earlier version holds after handing out ids up to 2999.
  ASSERT_TRUE(backend_->PutMeta("producer-ids", "ringlog-producer-ids 1\nnext_block 3000\n").ok());
  auto store = MetaProducerIdBlockStore::Open(backend_.get());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_FALSE((*store)->shared());
  EXPECT_EQ((*store)->FirstUnreserved(), 3000);
  Result<int64_t> first = (*store)->ReserveBlock(1000);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(*first, 3000);
  EXPECT_EQ((*store)->FirstUnreserved(), 4000);
  EXPECT_EQ(*backend_->GetMeta("producer-ids"), "ringlog-producer-ids 1\nnext_block 4000\n");
  EXPECT_TRUE((*store)->ReserveBlock(0).status().IsInvalidArgument());
}

TEST_P(MetaProducerIdBlockStoreTest, AnAllocatorGoesOnFromAnOldDataDir) {
  ASSERT_TRUE(backend_->PutMeta("producer-ids", "ringlog-producer-ids 1\nnext_block 3000\n").ok());
  auto allocator = ProducerIdAllocator::Open(backend_.get());
  ASSERT_TRUE(allocator.ok());
  EXPECT_TRUE((*allocator)->Issued(2999));
  EXPECT_EQ(*(*allocator)->Next(), 3000);
}

INSTANTIATE_TEST_SUITE_P(Backends, MetaProducerIdBlockStoreTest,
                         ::testing::ValuesIn(AllTestBackends()), BackendParamName());

// Blocks handed out from a list, as a counter shared with other brokers would: the gaps
// are other brokers' blocks.
class ScriptedBlocks final : public ProducerIdBlockStore {
 public:
  explicit ScriptedBlocks(std::vector<Result<int64_t>> blocks) : blocks_(std::move(blocks)) {}

  Result<int64_t> ReserveBlock(int64_t size) override {
    if (blocks_.empty()) return Status::Busy("no more blocks");
    Result<int64_t> first = blocks_.front();
    blocks_.erase(blocks_.begin());
    if (first.ok()) end_ = *first + size;
    return first;
  }
  int64_t FirstUnreserved() const override { return end_; }
  bool shared() const override { return true; }

 private:
  std::vector<Result<int64_t>> blocks_;
  int64_t end_ = 100;  // other brokers reserved [0, 100) before this one started
};

TEST(SharedProducerIdBlocksTest, OnlyTheIdsHandedOutHereAreIssued) {
  ProducerIdAllocator allocator(
      std::make_unique<ScriptedBlocks>(std::vector<Result<int64_t>>{100, 120}), 10);
  EXPECT_FALSE(allocator.Issued(50)) << "another broker's block may still hand it out";
  for (int64_t expected = 100; expected < 110; ++expected) EXPECT_EQ(*allocator.Next(), expected);
  EXPECT_EQ(*allocator.Next(), 120) << "[110, 120) went to another broker";
  EXPECT_TRUE(allocator.Issued(100));
  EXPECT_TRUE(allocator.Issued(109));
  EXPECT_FALSE(allocator.Issued(115));
  EXPECT_TRUE(allocator.Issued(120));
  EXPECT_FALSE(allocator.Issued(121));
}

TEST(SharedProducerIdBlocksTest, AFailedReservationHandsOutNothing) {
  ProducerIdAllocator allocator(std::make_unique<ScriptedBlocks>(std::vector<Result<int64_t>>{
                                    Status::Busy("no ZooKeeper session"), 200}),
                                10);
  EXPECT_TRUE(allocator.Next().status().IsBusy());
  EXPECT_EQ(*allocator.Next(), 200);
}

}  // namespace
}  // namespace ringlog::testing
