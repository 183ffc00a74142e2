// Transactional offsets in the committed-offsets store on every backend: a TxnOffsetCommit
// is a transactional batch of its producer that stays pending until a marker of the
// producer lands in the same partition, and a reopen replays batches and markers to the
// same state — also across a crash between the marker and CompleteTransaction, group
// deletion, and snapshots taken while transactions are open.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/clock.h"
#include "engine/group/group_partition.h"
#include "engine/group/offset_store.h"
#include "engine/log/control_batch.h"
#include "engine/log/internal_topics.h"
#include "engine/log/log_manager.h"
#include "engine/log/read_result.h"
#include "engine/log/record_batch.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {
namespace {

const PartitionId kT0{"t", 0};
const PartitionId kT1{"t", 1};
constexpr int64_t kProducer = 4000;
constexpr int16_t kEpoch = 3;

class OffsetStoreTxnTest : public ::testing::TestWithParam<std::string> {
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

  Status CommitPending(const std::string& group, const OffsetStore::Offsets& offsets,
                       int64_t producer = kProducer, int16_t epoch = kEpoch) {
    std::optional<Status> result;
    store_->CommitPending(group, producer, epoch, offsets,
                          [&](Status s) { result = std::move(s); });
    EXPECT_TRUE(result.has_value()) << "commit not acknowledged";
    return result.value_or(Status::Busy("not acknowledged"));
  }

  std::shared_ptr<PartitionLog> OffsetsLog(std::string_view group = "g") const {
    return logs_->GetPartition(PartitionId{std::string(kConsumerOffsetsTopic), Partition(group)});
  }

  int32_t Partition(std::string_view group = "g") const { return store_->PartitionFor(group); }

  // Appends the marker of `producer` to `group`'s offsets partition, as the
  // WriteTxnMarkers handler does; with `complete`, also tells the store.
  void Marker(ControlType type, bool complete = true, int64_t producer = kProducer,
              std::string_view group = "g") {
    ControlMarker marker;
    marker.producer_id = producer;
    marker.producer_epoch = kEpoch;
    marker.type = type;
    Result<AppendResult> appended = OffsetsLog(group)->AppendMarker(marker);
    ASSERT_TRUE(appended.ok()) << appended.status().ToString();
    if (complete) store_->CompleteTransaction(Partition(group), producer, type);
  }

  std::set<PartitionId> Pending(const std::string& group = "g") const {
    std::set<PartitionId> pending;
    EXPECT_TRUE(store_->GetAllIfOwned(group, &pending).has_value());
    return pending;
  }

  std::optional<Offset> OffsetOf(const std::string& group, const PartitionId& partition) const {
    std::optional<CommittedOffset> committed = store_->Get(group, partition);
    if (!committed) return std::nullopt;
    return committed->offset;
  }

  static CommittedOffset Value(Offset offset) {
    return CommittedOffset{offset, -1, "m", 1000 + offset};
  }

  ManualClock clock_{5'000'000};
  TempDir dir_;
  std::unique_ptr<StorageBackend> backend_;
  std::unique_ptr<LogManager> logs_;
  std::unique_ptr<OffsetStore> store_;
};

TEST_P(OffsetStoreTxnTest, TheProducersTransactionalBatchHoldsThePendingOffsets) {
  ASSERT_TRUE(CommitPending("g", {{kT0, Value(10)}, {kT1, Value(11)}}).ok());
  EXPECT_FALSE(store_->Get("g", kT0).has_value());
  EXPECT_EQ(Pending(), (std::set<PartitionId>{kT0, kT1}));
  EXPECT_TRUE(store_->HasGroup("g"));
  EXPECT_EQ(store_->Groups(), std::vector<std::string>{"g"});

  std::shared_ptr<PartitionLog> log = OffsetsLog();
  EXPECT_EQ(log->flushed_offset(), log->next_offset()) << "durable before the answer";
  Result<ReadResult> read = log->Read(0, 1 << 20, ReadBound::kLogEnd);
  ASSERT_TRUE(read.ok());
  Result<std::string> bytes = CopyReadBytes(*read);
  ASSERT_TRUE(bytes.ok());
  BatchIterator batches(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size()));
  std::optional<RecordBatchView> batch = batches.Next();
  ASSERT_TRUE(batch.has_value());
  EXPECT_TRUE(batch->header().is_transactional());
  EXPECT_FALSE(batch->header().is_control());
  EXPECT_EQ(batch->header().producer_id, kProducer);
  EXPECT_EQ(batch->header().producer_epoch, kEpoch);
  EXPECT_EQ(batch->header().base_sequence, -1);
  EXPECT_EQ(batch->header().record_count, 2);
}

TEST_P(OffsetStoreTxnTest, CommitMarkerMakesThemCommittedAndReplayAgrees) {
  Commit("g", {{kT0, Value(1)}});
  ASSERT_TRUE(CommitPending("g", {{kT0, Value(10)}, {kT1, Value(11)}}).ok());
  EXPECT_EQ(OffsetOf("g", kT0), 1);
  Marker(ControlType::kCommit);
  EXPECT_EQ(OffsetOf("g", kT0), 10);
  EXPECT_EQ(OffsetOf("g", kT1), 11);
  EXPECT_TRUE(Pending().empty());
  Reopen();
  EXPECT_EQ(store_->Get("g", kT0), Value(10));
  EXPECT_EQ(OffsetOf("g", kT1), 11);
  EXPECT_TRUE(Pending().empty());
}

TEST_P(OffsetStoreTxnTest, AbortMarkerDropsThemAndReplayAgrees) {
  Commit("g", {{kT0, Value(1)}});
  ASSERT_TRUE(CommitPending("g", {{kT0, Value(10)}, {kT1, Value(11)}}).ok());
  Marker(ControlType::kAbort);
  EXPECT_EQ(OffsetOf("g", kT0), 1);
  EXPECT_FALSE(store_->Get("g", kT1).has_value());
  EXPECT_TRUE(Pending().empty());
  Reopen();
  EXPECT_EQ(OffsetOf("g", kT0), 1);
  EXPECT_FALSE(store_->Get("g", kT1).has_value());
  EXPECT_EQ(store_->live_offsets(), 1u);
}

TEST_P(OffsetStoreTxnTest, PendingOffsetsStayPendingAcrossReopenUntilTheirMarker) {
  ASSERT_TRUE(CommitPending("g", {{kT0, Value(10)}}).ok());
  Reopen();
  EXPECT_EQ(Pending(), std::set<PartitionId>{kT0});
  EXPECT_FALSE(store_->Get("g", kT0).has_value());
  EXPECT_TRUE(store_->HasGroup("g"));
  Marker(ControlType::kCommit);
  EXPECT_EQ(OffsetOf("g", kT0), 10);
}

TEST_P(OffsetStoreTxnTest, AMarkerWrittenBeforeACrashIsAppliedByTheReplay) {
  ASSERT_TRUE(CommitPending("g", {{kT0, Value(10)}}).ok());
  Marker(ControlType::kCommit, /*complete=*/false);
  EXPECT_EQ(Pending(), std::set<PartitionId>{kT0}) << "not told yet";
  Reopen();
  EXPECT_TRUE(Pending().empty());
  EXPECT_EQ(OffsetOf("g", kT0), 10);
}

TEST_P(OffsetStoreTxnTest, InterleavedProducersAndPlainCommits) {
  constexpr int64_t kOther = kProducer + 1;
  ASSERT_TRUE(CommitPending("g", {{kT0, Value(10)}}).ok());
  ASSERT_TRUE(CommitPending("g", {{kT1, Value(21)}}, kOther).ok());
  Commit("g", {{kT0, Value(30)}});
  ASSERT_TRUE(CommitPending("h", {{kT0, Value(40)}}, kOther).ok());
  Marker(ControlType::kCommit);
  EXPECT_EQ(OffsetOf("g", kT0), 30) << "the plain commit was written after the pending one";
  EXPECT_EQ(Pending(), std::set<PartitionId>{kT1});
  Reopen();
  EXPECT_EQ(OffsetOf("g", kT0), 30);
  EXPECT_EQ(Pending(), std::set<PartitionId>{kT1});
  EXPECT_EQ(Pending("h"), std::set<PartitionId>{kT0});
  Marker(ControlType::kAbort, true, kOther, "g");
  if (Partition("h") != Partition("g")) Marker(ControlType::kAbort, true, kOther, "h");
  EXPECT_TRUE(Pending().empty());
  EXPECT_TRUE(Pending("h").empty());
  EXPECT_FALSE(store_->Get("g", kT1).has_value());
  EXPECT_FALSE(store_->HasGroup("h"));
  Reopen();
  EXPECT_TRUE(Pending().empty());
  EXPECT_FALSE(store_->Get("g", kT1).has_value());
  EXPECT_FALSE(store_->HasGroup("h"));
}

TEST_P(OffsetStoreTxnTest, AnOlderEpochOfTheProducerIsRefused) {
  ASSERT_TRUE(CommitPending("g", {{kT0, Value(10)}}).ok());
  Marker(ControlType::kCommit);
  const Status stale = CommitPending("g", {{kT1, Value(11)}}, kProducer, kEpoch - 1);
  EXPECT_TRUE(stale.IsInvalidProducerEpoch()) << stale.ToString();
  EXPECT_TRUE(Pending().empty()) << "nothing stored";
}

TEST_P(OffsetStoreTxnTest, DeletingTheGroupDropsPendingOffsetsForGood) {
  Commit("g", {{kT0, Value(1)}});
  ASSERT_TRUE(CommitPending("g", {{kT0, Value(10)}, {kT1, Value(11)}}).ok());
  ASSERT_TRUE(store_->DeleteGroup("g").ok());
  EXPECT_FALSE(store_->HasGroup("g"));
  EXPECT_TRUE(Pending().empty());
  Marker(ControlType::kCommit);
  EXPECT_FALSE(store_->HasGroup("g")) << "the marker brings nothing back";
  Reopen();
  EXPECT_FALSE(store_->HasGroup("g"));
  EXPECT_FALSE(store_->Get("g", kT1).has_value());
}

TEST_P(OffsetStoreTxnTest, SnapshotsKeepTheRecordsOfOpenTransactions) {
  OffsetStoreOptions options;
  options.compact_min_records = 20;
  Reopen(options);
  for (int i = 0; i < 20; ++i) Commit("g", {{kT0, Value(i)}});
  const Offset committed_at = OffsetsLog()->next_offset();
  Commit("g", {{kT1, Value(1)}});
  ASSERT_TRUE(CommitPending("g", {{kT1, Value(2)}}).ok());
  for (int i = 0; i < 40; ++i) Commit("g", {{kT0, Value(100 + i)}});
  ASSERT_TRUE(store_->MaybeCompact().ok());
  EXPECT_EQ(OffsetsLog()->log_start_offset(), committed_at)
      << "the log keeps the open transaction's record and its key's committed one";
  Reopen(options);
  EXPECT_EQ(Pending(), std::set<PartitionId>{kT1});
  EXPECT_EQ(OffsetOf("g", kT0), 139);
  EXPECT_EQ(OffsetOf("g", kT1), 1);
  Marker(ControlType::kCommit);
  EXPECT_EQ(OffsetOf("g", kT1), 2);

  // Once nothing is pending the next snapshot drops everything before it.
  for (int i = 0; i < 40; ++i) Commit("g", {{kT0, Value(200 + i)}});
  const Offset before = OffsetsLog()->next_offset();
  ASSERT_TRUE(store_->MaybeCompact().ok());
  EXPECT_EQ(OffsetsLog()->log_start_offset(), before);
  Reopen(options);
  EXPECT_EQ(OffsetOf("g", kT0), 239);
  EXPECT_EQ(OffsetOf("g", kT1), 2);
  EXPECT_TRUE(Pending().empty());
}

TEST_P(OffsetStoreTxnTest, ASnapshotBetweenAMarkerAndItsCompletionReplaysTheCommit) {
  OffsetStoreOptions options;
  options.compact_min_records = 20;
  Reopen(options);
  for (int i = 0; i < 20; ++i) Commit("g", {{kT0, Value(i)}});
  Commit("g", {{kT1, Value(1)}});
  ASSERT_TRUE(CommitPending("g", {{kT1, Value(2)}}).ok());
  for (int i = 0; i < 40; ++i) Commit("g", {{kT0, Value(100 + i)}});
  // The marker is in the log, but the store has not heard of it when it snapshots.
  Marker(ControlType::kCommit, /*complete=*/false);
  ASSERT_TRUE(store_->MaybeCompact().ok());
  EXPECT_GT(OffsetsLog()->log_start_offset(), 0);
  store_->CompleteTransaction(Partition(), kProducer, ControlType::kCommit);
  EXPECT_EQ(OffsetOf("g", kT1), 2);
  Reopen(options);
  EXPECT_EQ(OffsetOf("g", kT1), 2) << "the snapshot did not write the old offset again";
  EXPECT_EQ(OffsetOf("g", kT0), 139);
  EXPECT_TRUE(Pending().empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, OffsetStoreTxnTest, ::testing::ValuesIn(AllTestBackends()),
                         BackendParamName());

}  // namespace
}  // namespace ringlog::testing
