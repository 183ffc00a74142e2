// Producer ids on every backend: handed out once each, in order, and never again after a
// restart, including a restart that loses the rest of a block.
#include "engine/producer/producer_id_allocator.h"

#include <gtest/gtest.h>

#include <limits>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {
namespace {

class ProducerIdAllocatorTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    allocator_.reset();
    backend_.reset();
    auto backend = OpenTestBackend(GetParam(), dir_.Sub("data"));
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(*backend);
    auto allocator = ProducerIdAllocator::Open(backend_.get(), /*block_size=*/10);
    ASSERT_TRUE(allocator.ok()) << allocator.status().ToString();
    allocator_ = std::move(*allocator);
  }

  int64_t Next() {
    Result<int64_t> id = allocator_->Next();
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : -1;
  }

  TempDir dir_;
  std::unique_ptr<StorageBackend> backend_;
  std::unique_ptr<ProducerIdAllocator> allocator_;
};

TEST_P(ProducerIdAllocatorTest, IdsStartAtZeroAndIncrease) {
  for (int64_t expected = 0; expected < 25; ++expected) EXPECT_EQ(Next(), expected);
}

TEST_P(ProducerIdAllocatorTest, ARestartNeverHandsOutAnIdAgain) {
  std::set<int64_t> given;
  for (int round = 0; round < 4; ++round) {
    // 7 ids per run: every restart abandons the rest of a block of 10.
    for (int i = 0; i < 7; ++i) {
      const int64_t id = Next();
      EXPECT_TRUE(given.insert(id).second) << "id " << id << " given twice";
      EXPECT_EQ(id, *given.rbegin()) << "ids go up";
    }
    Reopen();
  }
  EXPECT_EQ(Next(), 40) << "each run skipped to the next block";
}

TEST_P(ProducerIdAllocatorTest, IssuedCoversTheIdsBelowTheNextOne) {
  EXPECT_FALSE(allocator_->Issued(0)) << "nothing handed out yet";
  EXPECT_EQ(Next(), 0);
  EXPECT_EQ(Next(), 1);
  EXPECT_TRUE(allocator_->Issued(0));
  EXPECT_TRUE(allocator_->Issued(1));
  EXPECT_FALSE(allocator_->Issued(2)) << "the next id";
  EXPECT_FALSE(allocator_->Issued(-1));
  EXPECT_FALSE(allocator_->Issued(std::numeric_limits<int64_t>::max()));
  Reopen();
  // The restart skipped the rest of the block [0, 10): those ids are never handed out.
  EXPECT_TRUE(allocator_->Issued(1));
  EXPECT_TRUE(allocator_->Issued(9));
  EXPECT_FALSE(allocator_->Issued(10));
  EXPECT_EQ(Next(), 10);
  EXPECT_TRUE(allocator_->Issued(10));
}

TEST_P(ProducerIdAllocatorTest, AnUnreadableBlobIsCorruption) {
  ASSERT_TRUE(
      backend_->PutMeta(ProducerIdAllocator::kMetaName, "ringlog-producer-ids 1\nnext_block x\n")
          .ok());
  EXPECT_TRUE(ProducerIdAllocator::Open(backend_.get()).status().IsCorruption());
  ASSERT_TRUE(backend_->PutMeta(ProducerIdAllocator::kMetaName, "something else").ok());
  EXPECT_TRUE(ProducerIdAllocator::Open(backend_.get()).status().IsCorruption());
}

INSTANTIATE_TEST_SUITE_P(Backends, ProducerIdAllocatorTest, ::testing::ValuesIn(AllTestBackends()),
                         BackendParamName());

}  // namespace
}  // namespace ringlog::testing
