// LogManager's topic changes against concurrent lookups and storage faults, on every
// backend through FaultBackend: a change does its storage work without holding up lookups,
// a topic is seen only once complete, and a change that fails half-way leaves nothing.
#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "engine/log/log_manager.h"
#include "engine/log/record_batch_builder.h"
#include "tests/support/fault_backend.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {
namespace {

constexpr TimestampMs kStart = 1'700'000'000'000;
// Only a lookup that waits for the creation takes anywhere near this long.
constexpr std::chrono::seconds kDeadlockBound(20);

Status AppendRecords(PartitionLog& log, int count) {
  std::string batch = BuildUniformBatch(count, std::string(40, 'v'), kStart);
  return log.Append({reinterpret_cast<uint8_t*>(batch.data()), batch.size()}).status();
}

class LogManagerAdminTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto backend = FaultBackend::Open(
        [name = GetParam(), dir = dir_.Sub("data")] { return OpenTestBackend(name, dir); });
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(*backend);
    auto manager = LogManager::Open(backend_.get(), {}, &clock_);
    ASSERT_TRUE(manager.ok()) << manager.status().ToString();
    manager_ = std::move(*manager);
    ASSERT_TRUE(manager_->CreateTopic("other", 1, {}).ok());
  }

  void TearDown() override {
    backend_->SetHook(FaultOp::kCreateSegment, {});
    EXPECT_TRUE(manager_->Close().ok());
  }

  std::vector<PartitionId> Stored() {
    auto ids = backend_->ListPartitions();
    EXPECT_TRUE(ids.ok()) << ids.status().ToString();
    return ids.ok() ? *ids : std::vector<PartitionId>{};
  }

  TempDir dir_;
  ManualClock clock_{kStart};
  std::unique_ptr<FaultBackend> backend_;
  std::unique_ptr<LogManager> manager_;
};

// What lookups from another thread saw while the creation of "big" was stalled inside
// its storage work.
struct Seen {
  bool answered = false;
  bool other_found = false;
  bool other_partition_found = false;
  bool big_found = false;
  bool big_partition_found = false;
  size_t listed = 0;
};

TEST_P(LogManagerAdminTest, LookupsGoOnWhileATopicIsBuiltAndDoNotSeeItHalfBuilt) {
  std::atomic<int> segments{0};
  Seen seen;
  // Outlives the hook: a lookup that waits for the creation finishes only after it.
  std::future<Seen> lookups;
  backend_->SetHook(FaultOp::kCreateSegment, [&] {
    if (++segments != 3) return;
    lookups = std::async(std::launch::async, [&] {
      Seen s;
      s.other_found = manager_->GetTopic("other").ok();
      s.other_partition_found = manager_->GetPartition({"other", 0}) != nullptr;
      s.big_found = manager_->GetTopic("big").ok();
      s.big_partition_found = manager_->GetPartition({"big", 0}) != nullptr;
      s.listed = manager_->ListTopics().size();
      s.answered = true;
      return s;
    });
    if (lookups.wait_for(kDeadlockBound) == std::future_status::ready) seen = lookups.get();
  });
  ASSERT_TRUE(manager_->CreateTopic("big", 5, {}).ok());
  if (lookups.valid()) lookups.wait();

  EXPECT_TRUE(seen.answered) << "lookups waited for the topic being created";
  EXPECT_TRUE(seen.other_found);
  EXPECT_TRUE(seen.other_partition_found);
  EXPECT_FALSE(seen.big_found);
  EXPECT_FALSE(seen.big_partition_found);
  EXPECT_EQ(seen.listed, 1u);
  EXPECT_EQ(manager_->GetTopic("big")->partitions, 5);
  ASSERT_NE(manager_->GetPartition({"big", 4}), nullptr);
  EXPECT_TRUE(AppendRecords(*manager_->GetPartition({"big", 4}), 2).ok());
}

TEST_P(LogManagerAdminTest, CreationOrGrowthThatFailsHalfwayLeavesNothingBehind) {
  backend_->InjectFault(FaultOp::kCreateSegment, Status::IOError("injected create error", EIO),
                        /*skip=*/3);
  EXPECT_TRUE(manager_->CreateTopic("big", 6, {}).IsIOError());
  EXPECT_TRUE(manager_->GetTopic("big").status().IsNotFound());
  EXPECT_EQ(manager_->GetPartition({"big", 0}), nullptr);
  EXPECT_EQ(Stored(), (std::vector<PartitionId>{{"other", 0}}));
  auto records = backend_->ListMeta("");
  ASSERT_TRUE(records.ok());
  EXPECT_EQ(*records, (std::vector<std::string>{"topic.other"}));

  backend_->InjectFault(FaultOp::kCreateSegment, Status::IOError("injected create error", EIO),
                        /*skip=*/2);
  EXPECT_TRUE(manager_->CreatePartitions("other", 6).IsIOError());
  EXPECT_EQ(manager_->GetTopic("other")->partitions, 1);
  EXPECT_EQ(manager_->GetPartition({"other", 1}), nullptr);
  EXPECT_EQ(Stored(), (std::vector<PartitionId>{{"other", 0}}));

  // Nothing stale is in the way of doing it again.
  ASSERT_TRUE(manager_->CreateTopic("big", 6, {}).ok());
  ASSERT_TRUE(manager_->CreatePartitions("other", 6).ok());
  EXPECT_EQ(Stored().size(), 12u);
}

// A producer that still holds a partition of a topic being deleted gets errors, never a
// crash, and nothing of the topic stays.
TEST_P(LogManagerAdminTest, AppendsRacingADeletionFailCleanly) {
  ASSERT_TRUE(manager_->CreateTopic("doomed", 2, {}).ok());
  std::shared_ptr<PartitionLog> held = manager_->GetPartition({"doomed", 1});
  ASSERT_NE(held, nullptr);
  std::atomic<bool> deleted{false};
  std::atomic<int> failed_after{0};
  std::thread producer([&] {
    for (int i = 0; i < 200; ++i) {
      const bool was_deleted = deleted.load();
      if (!AppendRecords(*held, 1).ok() && was_deleted) ++failed_after;
    }
  });
  ASSERT_TRUE(manager_->DeleteTopic("doomed").ok());
  deleted = true;
  producer.join();
  EXPECT_TRUE(AppendRecords(*held, 1).IsNotFound());
  EXPECT_TRUE(held->Read(0, 1000).status().IsNotFound());
  EXPECT_EQ(manager_->GetPartition({"doomed", 1}), nullptr);
  EXPECT_EQ(Stored(), (std::vector<PartitionId>{{"other", 0}}));
  held.reset();
}

INSTANTIATE_TEST_SUITE_P(Backends, LogManagerAdminTest, ::testing::ValuesIn(AllTestBackends()),
                         BackendParamName());

}  // namespace
}  // namespace ringlog::testing
