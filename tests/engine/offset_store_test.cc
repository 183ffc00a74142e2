// The committed-offsets store on every backend: commits and deletions survive a reopen of
// the whole engine, the offsets topic appears on first use, snapshots keep the log small,
// and records the store cannot read are skipped rather than fatal.
#include "engine/group/offset_store.h"

#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/clock.h"
#include "engine/group/group_partition.h"
#include "engine/log/flusher.h"
#include "engine/log/internal_topics.h"
#include "engine/log/log_manager.h"
#include "engine/log/record_batch_builder.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {
namespace {

const PartitionId kT0{"t", 0};
const PartitionId kT1{"t", 1};
const PartitionId kU0{"u", 0};

class OffsetStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { Open(); }
  void TearDown() override { Close(); }

  void Open(OffsetStoreOptions options = {}) {
    const Status opened = OpenTestLogs(GetParam(), dir_.path(), {}, &clock_, &backend_, &logs_);
    ASSERT_TRUE(opened.ok()) << opened.ToString();
    Result<std::unique_ptr<OffsetStore>> store =
        OffsetStore::Open(logs_.get(), nullptr, &clock_, options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }

  void Close() {
    store_.reset();
    if (logs_ != nullptr) {
      EXPECT_TRUE(logs_->Close().ok());
    }
    logs_.reset();
    backend_.reset();
  }

  void Reopen(OffsetStoreOptions options = {}) {
    Close();
    Open(options);
  }

  void Commit(const std::string& group, const OffsetStore::Offsets& offsets) {
    std::optional<Status> result;
    store_->Commit(group, offsets, [&](Status s) { result = std::move(s); });
    ASSERT_TRUE(result.has_value()) << "commit not acknowledged";
    ASSERT_TRUE(result->ok()) << result->ToString();
  }

  // The partition of the offsets topic that holds `group`'s records.
  std::shared_ptr<PartitionLog> OffsetsLog(std::string_view group = "g") const {
    Result<TopicInfo> topic = logs_->GetTopic(kConsumerOffsetsTopic);
    if (!topic.ok()) return nullptr;
    return logs_->GetPartition(PartitionId{std::string(kConsumerOffsetsTopic),
                                           OffsetsPartitionFor(group, topic->partitions)});
  }

  ManualClock clock_{5'000'000};
  TempDir dir_;
  std::unique_ptr<StorageBackend> backend_;
  std::unique_ptr<LogManager> logs_;
  std::unique_ptr<OffsetStore> store_;
};

TEST_P(OffsetStoreTest, TheTopicAppearsOnFirstCommit) {
  EXPECT_TRUE(logs_->ListTopics().empty()) << "nothing is created before it is needed";
  Commit("g", {{kT0, CommittedOffset{1, -1, std::nullopt, 10}}});
  Result<TopicInfo> topic = logs_->GetTopic(kConsumerOffsetsTopic);
  ASSERT_TRUE(topic.ok());
  EXPECT_EQ(topic->partitions, OffsetStoreOptions().offsets_topic_num_partitions);
  EXPECT_EQ(topic->configs.at("retention.ms"), "-1");
}

TEST_P(OffsetStoreTest, CommitsAndDeletionsSurviveReopen) {
  Commit("g1", {{kT0, CommittedOffset{5, 3, "meta", 100}},
                {kT1, CommittedOffset{6, -1, std::nullopt, 101}}});
  Commit("g1", {{kT0, CommittedOffset{7, 4, "", 102}}});
  Commit("g2", {{kU0, CommittedOffset{8, -1, "x", 103}}});
  Commit("g3", {{kT0, CommittedOffset{9, -1, std::nullopt, 104}}});
  ASSERT_TRUE(store_->DeleteGroup("g3").ok());
  ASSERT_TRUE(store_->DeleteTopic("u").ok());
  Reopen();
  EXPECT_EQ(store_->Get("g1", kT0), (CommittedOffset{7, 4, "", 102}));
  EXPECT_EQ(store_->Get("g1", kT1), (CommittedOffset{6, -1, std::nullopt, 101}));
  EXPECT_FALSE(store_->Get("g2", kU0).has_value());
  EXPECT_FALSE(store_->HasGroup("g2")) << "its only offset was for the deleted topic";
  EXPECT_FALSE(store_->HasGroup("g3"));
  EXPECT_EQ(store_->Groups(), std::vector<std::string>{"g1"});
  EXPECT_EQ(store_->live_offsets(), 2u);
}

TEST_P(OffsetStoreTest, CommitsThroughTheFlusherAreAcknowledgedWhenDurable) {
  Close();
  {
    const Status opened = OpenTestLogs(GetParam(), dir_.path(), {}, &clock_, &backend_, &logs_);
    ASSERT_TRUE(opened.ok()) << opened.ToString();
  }
  Flusher flusher(1);
  Result<std::unique_ptr<OffsetStore>> store =
      OffsetStore::Open(logs_.get(), &flusher, &clock_, OffsetStoreOptions());
  ASSERT_TRUE(store.ok());
  std::promise<Status> done;
  (*store)->Commit("g", {{kT0, CommittedOffset{11, -1, std::nullopt, 1}}},
                   [&](Status s) { done.set_value(std::move(s)); });
  const Status status = done.get_future().get();
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_GT(OffsetsLog()->flushed_offset(), 0);
  EXPECT_EQ((*store)->Get("g", kT0)->offset, 11);
}

TEST_P(OffsetStoreTest, SnapshotsKeepTheLogSmall) {
  OffsetStoreOptions options;
  options.segment_bytes = 4096;
  options.compact_min_records = 20;
  Reopen(options);
  constexpr int kCommits = 120;
  for (int i = 0; i < kCommits; ++i) {
    Commit("g", {{kT0, CommittedOffset{i, -1, "m", i}}, {kT1, CommittedOffset{2 * i, -1, {}, i}}});
    if (i % 10 == 0) {
      ASSERT_TRUE(store_->MaybeCompact().ok());
    }
    if (i % 7 == 0) Commit("other", {{kU0, CommittedOffset{i, -1, {}, i}}});
  }
  ASSERT_TRUE(store_->MaybeCompact().ok());
  std::shared_ptr<PartitionLog> log = OffsetsLog();
  ASSERT_NE(log, nullptr);
  EXPECT_GT(log->log_start_offset(), 0);
  // Over a hundred commits, yet only the records since the last snapshot remain, in a few
  // small segments.
  EXPECT_LE(store_->log_records(), 50);
  EXPECT_LT(log->size_bytes(), 12u * 1024) << log->segments().size() << " segments";
  Reopen(options);
  EXPECT_EQ(store_->Get("g", kT0)->offset, kCommits - 1);
  EXPECT_EQ(store_->Get("g", kT1)->offset, 2 * (kCommits - 1));
  EXPECT_EQ(store_->Get("g", kT0)->metadata, "m");
  EXPECT_EQ(store_->Get("other", kU0)->offset, (kCommits - 1) / 7 * 7);
  EXPECT_LE(store_->log_records(), 50) << "replay starts at the snapshot";
}

TEST_P(OffsetStoreTest, NoSnapshotWhileMostRecordsAreLive) {
  OffsetStoreOptions options;
  options.compact_min_records = 10;
  Reopen(options);
  for (int p = 0; p < 20; ++p) Commit("g", {{PartitionId{"t", p}, CommittedOffset{p, -1, {}, 0}}});
  ASSERT_TRUE(store_->MaybeCompact().ok());
  EXPECT_EQ(OffsetsLog()->log_start_offset(), 0);
  EXPECT_EQ(store_->log_records(), 20);
}

TEST_P(OffsetStoreTest, UnreadableRecordsAreSkipped) {
  Commit("g", {{kT0, CommittedOffset{1, -1, std::nullopt, 1}}});
  // Something that is not an offset record, written to the topic by someone else.
  std::string junk =
      BuildRecordBatch({RecordData{std::string("not a key"), std::string("?"), 0, {}},
                        RecordData{std::nullopt, std::string("no key"), 0, {}}});
  ASSERT_TRUE(OffsetsLog()
                  ->Append(std::span<uint8_t>(reinterpret_cast<uint8_t*>(junk.data()), junk.size()))
                  .ok());
  Commit("g", {{kT1, CommittedOffset{2, -1, std::nullopt, 2}}});
  Reopen();
  EXPECT_EQ(store_->Get("g", kT0)->offset, 1);
  EXPECT_EQ(store_->Get("g", kT1)->offset, 2);
  EXPECT_EQ(store_->live_offsets(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, OffsetStoreTest, ::testing::ValuesIn(AllTestBackends()),
                         BackendParamName());

}  // namespace
}  // namespace ringlog::testing
