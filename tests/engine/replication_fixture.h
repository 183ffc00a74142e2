// A PartitionLog on one backend (the test's parameter) with the helpers the replication
// tests share: batches as a producer or a leader would send them, restarts, whole reads.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/clock.h"
#include "engine/log/partition_log.h"
#include "engine/log/record_batch.h"
#include "engine/log/record_batch_builder.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_backends.h"

namespace ringlog::testing {

inline constexpr TimestampMs kReplicationStart = 1'700'000'000'000;

// `count` records stamped `ts`, as in `options` (offsets, epoch, producer).
inline std::string BatchOf(int count, TimestampMs ts, const BatchOptions& options = {}) {
  std::vector<RecordData> records;
  for (int i = 0; i < count; ++i) {
    RecordData r;
    r.value = "value-" + std::to_string(options.base_offset + i);
    r.timestamp = ts + i;
    records.push_back(std::move(r));
  }
  return BuildRecordBatch(records, options);
}

// A batch as a leader stores it: `count` records from `base` written at leader `epoch`.
inline std::string LeaderBatch(Offset base, int count, int32_t epoch,
                               TimestampMs ts = kReplicationStart) {
  BatchOptions options;
  options.base_offset = base;
  options.partition_leader_epoch = epoch;
  return BatchOf(count, ts, options);
}

inline std::span<uint8_t> Span(std::string& bytes) {
  return {reinterpret_cast<uint8_t*>(bytes.data()), bytes.size()};
}
inline std::span<const uint8_t> ConstSpan(const std::string& bytes) {
  return {reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()};
}

// The headers of the whole batches in `bytes`.
inline std::vector<BatchHeader> HeadersOf(const std::string& bytes) {
  BatchIterator it(ConstSpan(bytes));
  std::vector<BatchHeader> out;
  while (auto batch = it.Next()) out.push_back(batch->header());
  EXPECT_TRUE(it.status().ok()) << it.status().ToString();
  return out;
}

class ReplicationLogTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { OpenBackend(); }

  void OpenBackend() {
    auto backend = OpenTestBackend(GetParam(), dir_.Sub("data"));
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(*backend);
  }

  std::unique_ptr<PartitionLog> OpenLog(const LogOptions& options = {}) {
    auto log = PartitionLog::Open(id_, backend_.get(), options, &clock_);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return log.ok() ? std::move(*log) : nullptr;
  }

  // A clean restart: the log closes (FlushForClose), the backend closes, both open again.
  std::unique_ptr<PartitionLog> Restart(std::unique_ptr<PartitionLog> log,
                                        const LogOptions& options = {}) {
    EXPECT_TRUE(log->FlushForClose().ok());
    log.reset();
    EXPECT_TRUE(backend_->Close().ok());
    backend_.reset();
    OpenBackend();
    return OpenLog(options);
  }

  // Appends a producer's batch of `count` records; the offsets it got.
  AppendResult Produce(PartitionLog& log, int count = 3) {
    std::string batch = BatchOf(count, clock_.NowMs());
    auto appended = log.Append(Span(batch));
    EXPECT_TRUE(appended.ok()) << appended.status().ToString();
    return appended.ok() ? *appended : AppendResult{};
  }

  // Every byte from `from` up to `bound`'s end, read in small steps.
  std::string ReadAll(const PartitionLog& log, Offset from, ReadBound bound = ReadBound::kLogEnd) {
    std::string all;
    for (Offset at = from; at < log.log_end_offset();) {
      Result<ReadResult> r = log.Read(at, 512, bound);
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      if (!r.ok() || r->empty()) break;
      Result<std::string> bytes = CopyReadBytes(*r);
      EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
      all += *bytes;
      at = r->next_offset;
    }
    return all;
  }

  TempDir dir_;
  ManualClock clock_{kReplicationStart};
  std::unique_ptr<StorageBackend> backend_;
  const PartitionId id_{"replicated", 1};
};

inline LogOptions Replicated(LogOptions options = {}) {
  options.replicated = true;
  return options;
}

inline LogOptions SmallSegments(LogOptions options = {}) {
  options.segment_bytes = 400;  // three or four batches of the tests
  options.index_interval_bytes = 128;
  return options;
}

}  // namespace ringlog::testing
