// Idempotent producers on every backend: PartitionLog checks each producer batch against
// the partition's producer state in the same step as its append (duplicates answered with
// their first offsets, gaps, old epochs and unknown producers refused, nothing appended),
// and the state survives restarts and crashes — from the snapshot plus the log, or from
// the log alone when the snapshot is missing, torn or ahead of the log — and shrinks with
// retention, DeleteRecords and producer.id.expiration.ms.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "engine/log/partition_log.h"
#include "engine/log/record_batch_builder.h"
#include "engine/producer/producer_snapshot.h"
#include "tests/support/fault_backend.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"
#include "tests/support/writer_gate.h"

namespace ringlog::testing {
namespace {

constexpr TimestampMs kStart = 1'700'000'000'000;
constexpr int64_t kProducer = 7000;

std::span<uint8_t> Bytes(std::string& batch) {
  return {reinterpret_cast<uint8_t*>(batch.data()), batch.size()};
}

// `count` records of producer `producer_id` at `epoch`, sequences from `sequence`, all
// stamped `ts`.
std::string ProducerBatchBytes(int64_t producer_id, int16_t epoch, int32_t sequence, int count,
                               TimestampMs ts) {
  std::vector<RecordData> records;
  for (int i = 0; i < count; ++i) {
    RecordData r;
    std::string value = std::to_string(producer_id);
    value += '/';
    value += std::to_string(sequence + i);
    r.value = std::move(value);
    r.timestamp = ts;
    records.push_back(std::move(r));
  }
  BatchOptions options;
  options.producer_id = producer_id;
  options.producer_epoch = epoch;
  options.base_sequence = sequence;
  return BuildRecordBatch(records, options);
}

// The number of batches stored from `from` on.
int CountBatches(const PartitionLog& log, Offset from = 0) {
  int batches = 0;
  for (Offset at = std::max(from, log.log_start_offset()); at < log.next_offset();) {
    Result<ReadResult> read = log.Read(at, 1 << 20);
    EXPECT_TRUE(read.ok()) << read.status().ToString();
    if (!read.ok() || read->empty()) break;
    Result<std::string> bytes = CopyReadBytes(*read);
    EXPECT_TRUE(bytes.ok());
    BatchIterator it({reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size()});
    while (it.Next()) ++batches;
    at = read->next_offset;
  }
  return batches;
}

class PartitionLogProducerTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto backend = FaultBackend::Open(
        [name = GetParam(), dir = dir_.Sub("data")] { return OpenTestBackend(name, dir); });
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(*backend);
    Open();
  }

  void Open() {
    auto log = PartitionLog::Open(id_, backend_.get(), options_, &clock_);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(*log);
  }

  // A clean restart: the log closes as the broker closes it and opens again.
  void Restart() {
    ASSERT_TRUE(log_->FlushForClose().ok());
    log_.reset();
    Open();
  }

  // kill -9 after a flush: everything flushed comes back, the rest is lost.
  void Crash() {
    log_.reset();
    ASSERT_TRUE(backend_->SimulateCrash().ok());
    Open();
  }

  Result<AppendResult> Send(int64_t producer_id, int16_t epoch, int32_t sequence, int count) {
    std::string batch = ProducerBatchBytes(producer_id, epoch, sequence, count, clock_.NowMs());
    return log_->Append(Bytes(batch));
  }

  // Sends `batches` batches of 3 records of `producer_id`, from sequence 0.
  void SendRun(int64_t producer_id, int batches, int16_t epoch = 0) {
    for (int i = 0; i < batches; ++i) {
      Result<AppendResult> sent = Send(producer_id, epoch, i * 3, 3);
      ASSERT_TRUE(sent.ok()) << sent.status().ToString();
      ASSERT_FALSE(sent->duplicate);
    }
  }

  std::string Snapshot() {
    Result<std::string> blob = backend_->GetMeta(PartitionLog::ProducerStateMetaName(id_));
    return blob.ok() ? *blob : "";
  }

  TempDir dir_;
  ManualClock clock_{kStart};
  LogOptions options_;
  std::unique_ptr<FaultBackend> backend_;
  const PartitionId id_{"idempotent", 0};
  std::unique_ptr<PartitionLog> log_;
};

TEST_P(PartitionLogProducerTest, ARetryAnswersTheFirstOffsetsAndAppendsNothing) {
  SendRun(kProducer, 3);
  const Offset end = log_->next_offset();
  for (int i = 0; i < 3; ++i) {
    Result<AppendResult> retry = Send(kProducer, 0, i * 3, 3);
    ASSERT_TRUE(retry.ok()) << retry.status().ToString();
    EXPECT_TRUE(retry->duplicate);
    EXPECT_EQ(retry->base_offset, i * 3);
    EXPECT_EQ(retry->last_offset, i * 3 + 2);
  }
  EXPECT_EQ(log_->next_offset(), end);
  EXPECT_EQ(CountBatches(*log_), 3);
  const std::vector<ProducerInfo> producers = log_->ActiveProducers();
  ASSERT_EQ(producers.size(), 1u);
  EXPECT_EQ(producers[0].producer_id, kProducer);
  EXPECT_EQ(producers[0].epoch, 0);
  EXPECT_EQ(producers[0].last_sequence, 8);
  EXPECT_EQ(producers[0].last_offset, 8);
  EXPECT_EQ(producers[0].last_timestamp, kStart);
}

TEST_P(PartitionLogProducerTest, GapsOldEpochsAndUnknownProducersAreRefusedAndAppendNothing) {
  SendRun(kProducer, 2);
  ASSERT_TRUE(Send(kProducer, 1, 0, 3).ok());  // the epoch bump starts again at 0
  const Offset end = log_->next_offset();

  Result<AppendResult> gap = Send(kProducer, 1, 4, 3);
  EXPECT_TRUE(gap.status().IsOutOfOrderSequence()) << gap.status().ToString();
  Result<AppendResult> old_epoch = Send(kProducer, 0, 6, 3);
  EXPECT_TRUE(old_epoch.status().IsInvalidProducerEpoch()) << old_epoch.status().ToString();
  Result<AppendResult> unknown = Send(kProducer + 1, 0, 5, 3);
  EXPECT_TRUE(unknown.status().IsUnknownProducerId()) << unknown.status().ToString();
  Result<AppendResult> bump_mid_sequence = Send(kProducer, 2, 3, 3);
  EXPECT_TRUE(bump_mid_sequence.status().IsOutOfOrderSequence());
  std::string no_sequence = ProducerBatchBytes(kProducer, 1, -1, 3, kStart);
  EXPECT_TRUE(log_->Append(Bytes(no_sequence)).status().IsInvalidArgument());

  EXPECT_EQ(log_->next_offset(), end);
  EXPECT_EQ(CountBatches(*log_), 3);
  Result<AppendResult> next = Send(kProducer, 1, 3, 3);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->base_offset, end);
}

// A retry that arrives while the first write of its batch is still queued is answered
// once that write is done, not before.
TEST_P(PartitionLogProducerTest, ARetryOfABatchStillBeingWrittenWaitsForItsWrite) {
  WriterGate gate;
  std::string ahead = ProducerBatchBytes(kProducer + 1, 0, 0, 1, kStart);
  ASSERT_TRUE(log_->AppendAsync(Bytes(ahead), gate.Wrap([](Status) {})).ok());
  std::string first = ProducerBatchBytes(kProducer, 0, 0, 3, kStart);
  ASSERT_TRUE(log_->AppendAsync(Bytes(first), [](Status) {}).ok());

  std::mutex mu;
  std::condition_variable cv;
  std::vector<Status> answers;
  std::string retry = ProducerBatchBytes(kProducer, 0, 0, 3, kStart);
  Result<AppendResult> queued = log_->AppendAsync(Bytes(retry), [&](Status status) {
    std::lock_guard lock(mu);
    answers.push_back(std::move(status));
    cv.notify_all();
  });
  ASSERT_TRUE(queued.ok()) << queued.status().ToString();
  EXPECT_TRUE(queued->duplicate);
  EXPECT_EQ(queued->base_offset, 1);
  {
    std::lock_guard lock(mu);
    // Behind the gate the first write is not done; a backend that writes in the call has
    // already written it.
    if (!answers.empty()) {
      EXPECT_GE(log_->next_offset(), 4);
    }
  }
  gate.Open();
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return !answers.empty(); });
  EXPECT_TRUE(answers[0].ok()) << answers[0].ToString();
  EXPECT_EQ(log_->next_offset(), 4);
  EXPECT_EQ(answers.size(), 1u);
}

// A failed write takes its batch out of the producer state too: the retry is appended,
// not answered as a duplicate of a batch the log does not hold.
TEST_P(PartitionLogProducerTest, AFailedWriteIsNotADuplicateAfterRecovery) {
  SendRun(kProducer, 2);
  backend_->InjectFault(FaultOp::kWrite, Status::IOError("injected write error", EIO));
  Result<AppendResult> failed = Send(kProducer, 0, 6, 3);
  EXPECT_FALSE(failed.ok());
  Result<AppendResult> retry = Send(kProducer, 0, 6, 3);
  ASSERT_TRUE(retry.ok()) << retry.status().ToString();
  EXPECT_FALSE(retry->duplicate);
  EXPECT_EQ(retry->base_offset, 6);
  EXPECT_EQ(CountBatches(*log_), 3);
}

TEST_P(PartitionLogProducerTest, ACleanRestartKeepsTheStateFromItsSnapshot) {
  SendRun(kProducer, 4);
  SendRun(kProducer + 1, 2, /*epoch=*/3);
  const std::vector<ProducerInfo> before = log_->ActiveProducers();
  Restart();
  EXPECT_FALSE(Snapshot().empty());
  EXPECT_EQ(log_->ActiveProducers(), before);
  Result<AppendResult> retry = Send(kProducer, 0, 9, 3);
  ASSERT_TRUE(retry.ok());
  EXPECT_TRUE(retry->duplicate);
  EXPECT_EQ(retry->base_offset, 9);
}

// Recovery from the log alone gives the state the appends built, whatever happened to the
// snapshot: none, torn, damaged, or ahead of the log after a crash lost its tail.
TEST_P(PartitionLogProducerTest, TheStateIsRebuiltFromTheLogWhenTheSnapshotIsUnusable) {
  options_.segment_bytes = 600;  // several rolls, each with a snapshot
  Open();
  SendRun(kProducer, 12);
  SendRun(kProducer + 1, 5, /*epoch=*/2);
  ASSERT_TRUE(Send(kProducer + 2, 0, 0, 1).ok());
  ASSERT_GT(log_->segments().size(), 2u);
  ASSERT_TRUE(log_->Flush().ok());
  const std::vector<ProducerInfo> before = log_->ActiveProducers();
  const Offset end = log_->next_offset();

  const std::string name = PartitionLog::ProducerStateMetaName(id_);
  Crash();  // the snapshot of the last roll plus the active segment
  EXPECT_EQ(log_->ActiveProducers(), before);
  Restart();
  const std::string good = Snapshot();
  ASSERT_FALSE(good.empty());

  std::string damaged = good;
  damaged[30] = static_cast<char>(damaged[30] ^ 0x7f);
  const std::vector<std::pair<std::string, std::string>> unusable = {
      {"missing", ""},
      {"torn", good.substr(0, good.size() / 2)},
      {"damaged", damaged},
      {"ahead of the log", EncodeProducerSnapshot({}, end + 100)},
  };
  for (const auto& [what, blob] : unusable) {
    SCOPED_TRACE(what);
    log_.reset();
    if (blob.empty()) {
      ASSERT_TRUE(backend_->DeleteMeta(name).ok());
    } else {
      ASSERT_TRUE(backend_->PutMeta(name, blob).ok());
    }
    Open();
    EXPECT_EQ(log_->ActiveProducers(), before);
    Result<AppendResult> retry = Send(kProducer, 0, 33, 3);
    ASSERT_TRUE(retry.ok()) << retry.status().ToString();
    EXPECT_TRUE(retry->duplicate);
    EXPECT_EQ(log_->next_offset(), end);
    // An unusable snapshot is dropped, never taken for valid later.
    Result<std::string> left = backend_->GetMeta(name);
    EXPECT_TRUE(!left.ok() || left->empty() || DecodeProducerSnapshot(*left).ok());
  }
}

TEST_P(PartitionLogProducerTest, ACrashLosingUnflushedBatchesForgetsThem) {
  SendRun(kProducer, 2);
  ASSERT_TRUE(log_->Flush().ok());
  const std::vector<ProducerInfo> flushed = log_->ActiveProducers();
  ASSERT_TRUE(Send(kProducer, 0, 6, 3).ok());  // written, never flushed
  Crash();
  ASSERT_EQ(log_->next_offset(), 6);
  EXPECT_EQ(log_->ActiveProducers(), flushed);
  // The lost batch is not a duplicate: its retry is appended again.
  Result<AppendResult> retry = Send(kProducer, 0, 6, 3);
  ASSERT_TRUE(retry.ok()) << retry.status().ToString();
  EXPECT_FALSE(retry->duplicate);
  EXPECT_EQ(CountBatches(*log_), 3);
}

TEST_P(PartitionLogProducerTest, IdleProducersExpire) {
  options_.producer_id_expiration_ms = 60'000;
  Open();
  SendRun(kProducer, 2);
  clock_.Advance(30'000);
  SendRun(kProducer + 1, 1);
  Result<size_t> expired = log_->ExpireProducers();
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(*expired, 0u);
  clock_.Advance(30'000);
  expired = log_->ExpireProducers();
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(*expired, 1u);
  ASSERT_EQ(log_->ActiveProducers().size(), 1u);
  EXPECT_EQ(log_->ActiveProducers()[0].producer_id, kProducer + 1);
  // An expired producer must start over at sequence 0; it is gone after a restart too.
  EXPECT_TRUE(Send(kProducer, 0, 6, 3).status().IsUnknownProducerId());
  Restart();
  EXPECT_EQ(log_->ActiveProducers().size(), 1u);
  EXPECT_TRUE(Send(kProducer, 0, 0, 3).ok());
}

TEST_P(PartitionLogProducerTest, DeletedRecordsTakeTheStateOfTheirProducersWithThem) {
  options_.segment_bytes = 600;
  Open();
  SendRun(kProducer, 2);
  const Offset after_first = log_->next_offset();
  SendRun(kProducer + 1, 10);
  ASSERT_TRUE(log_->DeleteRecordsBefore(after_first).ok());
  ASSERT_TRUE(log_->ApplyRetention().ok());
  ASSERT_EQ(log_->ActiveProducers().size(), 1u);
  EXPECT_EQ(log_->ActiveProducers()[0].producer_id, kProducer + 1);
  Restart();
  ASSERT_EQ(log_->ActiveProducers().size(), 1u);
  EXPECT_EQ(log_->ActiveProducers()[0].producer_id, kProducer + 1);
  log_.reset();
  ASSERT_TRUE(backend_->DeleteMeta(PartitionLog::ProducerStateMetaName(id_)).ok());
  Open();
  ASSERT_EQ(log_->ActiveProducers().size(), 1u);
  EXPECT_EQ(log_->ActiveProducers()[0].producer_id, kProducer + 1);
}

TEST_P(PartitionLogProducerTest, DeletingThePartitionDeletesItsSnapshot) {
  SendRun(kProducer, 1);
  Restart();
  ASSERT_FALSE(Snapshot().empty());
  ASSERT_TRUE(log_->Delete().ok());
  EXPECT_TRUE(backend_->GetMeta(PartitionLog::ProducerStateMetaName(id_)).status().IsNotFound());
}

// The snapshot only saves replay time: a close that cannot store it (a full disk) still
// succeeds, and the next open rebuilds the state from the log.
TEST_P(PartitionLogProducerTest, ACloseThatCannotStoreTheSnapshotStillSucceeds) {
  SendRun(kProducer, 2);
  const std::vector<ProducerInfo> before = log_->ActiveProducers();
  backend_->InjectFault(FaultOp::kPutMeta, Status::IOError("injected ENOSPC", ENOSPC));
  EXPECT_TRUE(log_->FlushForClose().ok());
  backend_->ClearFaults();
  EXPECT_TRUE(Snapshot().empty());
  log_.reset();
  Open();
  EXPECT_EQ(log_->ActiveProducers(), before);
}

INSTANTIATE_TEST_SUITE_P(Backends, PartitionLogProducerTest, ::testing::ValuesIn(AllTestBackends()),
                         BackendParamName());

}  // namespace
}  // namespace ringlog::testing
