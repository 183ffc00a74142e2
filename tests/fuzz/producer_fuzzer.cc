// Fuzz target: idempotent producers' batches against one partition (PartitionLog's checks
// with its ProducerState), with clean restarts and restarts whose producer state snapshot
// is gone, so that the state comes back from a snapshot or from the log alone. The input
// is a list of 3-byte operations:
//   byte 0: producer (bits 0-1, mod 3) and kind (bits 2-4): 0-3 the producer's next batch
//           in order, 4 a retry of one of its earlier batches, 5 a new epoch from sequence
//           0, 6 any epoch and sequence (bytes 1 and 2), 7 a restart (byte 1 odd: without
//           the snapshot);
//   byte 1: which earlier batch (kind 4), the epoch (kind 6) or the restart flavour;
//   byte 2: the record count - 1 (mod 4), or the sequence / 3 (kind 6).
// The whole input is also decoded as a snapshot blob.
//
// Besides not crashing, it checks:
//   - the log holds exactly the batches that were accepted, in order, at the offsets their
//     appends answered;
//   - a duplicate is answered with the offsets of the accepted batch it repeats;
//   - per producer, each accepted batch follows the previous one: the next sequence in the
//     same epoch, or sequence 0 in a newer epoch (or any epoch once the producer is new);
//   - a restart, from the snapshot or from the log alone, gives the same producers;
//   - a snapshot blob that decodes encodes and decodes to the same state.
#include <glog/logging.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <tuple>
#include <vector>

#include "engine/clock.h"
#include "engine/log/partition_log.h"
#include "engine/log/record_batch_builder.h"
#include "engine/producer/producer_snapshot.h"
#include "tests/fuzz/fuzz_common.h"
#include "tests/support/mem_backend.h"

namespace ringlog {
namespace {

constexpr TimestampMs kNowMs = 1'700'000'000'000;
constexpr int64_t kFirstProducer = 1000;
// Enough for retries to reach past the five cached batches and for several restarts.
constexpr size_t kMaxOperations = 120;

struct Sent {
  int64_t producer_id;
  int16_t epoch;
  int32_t first_sequence;
  int32_t last_sequence;
  auto Key() const { return std::tie(producer_id, epoch, first_sequence, last_sequence); }
};

struct Accepted {
  Sent sent;
  Offset base_offset;
  Offset last_offset;
};

std::string BatchOf(const Sent& sent, int count) {
  std::vector<RecordData> records(static_cast<size_t>(count));
  for (RecordData& r : records) {
    r.value = "v";
    r.timestamp = kNowMs;
  }
  BatchOptions options;
  options.producer_id = sent.producer_id;
  options.producer_epoch = sent.epoch;
  options.base_sequence = sent.first_sequence;
  return BuildRecordBatch(records, options);
}

class Harness {
 public:
  explicit Harness(const std::string& dir) : dir_(dir) { Open(); }

  void Run(const uint8_t* op) {
    const int producer = op[0] % 3;
    const int kind = (op[0] >> 2) % 8;
    if (kind == 7) return Restart(op[1] % 2 == 1);
    const int64_t id = kFirstProducer + producer;
    std::optional<Accepted> last = Last(id);
    int count = op[2] % 4 + 1;
    Sent sent{id, last ? last->sent.epoch : int16_t{0}, 0, 0};
    if (kind <= 3) {
      sent.first_sequence = last ? ProducerState::NextSequence(last->sent.last_sequence) : 0;
    } else if (kind == 4) {
      if (accepted_.empty()) return;
      const Accepted& earlier = accepted_[op[1] % accepted_.size()];
      sent = earlier.sent;
      count = static_cast<int>(earlier.last_offset - earlier.base_offset + 1);
    } else if (kind == 5) {
      sent.epoch = static_cast<int16_t>(sent.epoch + 1);
    } else {
      sent.epoch = static_cast<int16_t>(op[1] % 4);
      sent.first_sequence = op[2] * 3;
      count = 3;
    }
    sent.last_sequence = sent.first_sequence + count - 1;
    Send(sent, count);
  }

  // The log holds the accepted batches, in order, at their offsets.
  void CheckLog() const {
    size_t next = 0;
    for (Offset at = 0; at < log_->next_offset();) {
      Result<ReadResult> read = log_->Read(at, 1 << 20);
      CHECK(read.ok()) << read.status().ToString();
      Result<std::string> bytes = CopyReadBytes(*read);
      CHECK(bytes.ok()) << bytes.status().ToString();
      BatchIterator it({reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size()});
      while (auto batch = it.Next()) {
        CHECK_LT(next, accepted_.size()) << "a batch in the log that was never accepted";
        const BatchHeader& h = batch->header();
        const Accepted& a = accepted_[next++];
        CHECK_EQ(h.base_offset, a.base_offset);
        CHECK_EQ(h.last_offset(), a.last_offset);
        CHECK(std::tie(h.producer_id, h.producer_epoch, h.base_sequence) ==
              std::tie(a.sent.producer_id, a.sent.epoch, a.sent.first_sequence));
      }
      at = read->next_offset;
    }
    CHECK_EQ(next, accepted_.size()) << "an accepted batch is missing from the log";
  }

 private:
  void Open() {
    if (backend_ == nullptr) {
      Result<std::unique_ptr<StorageBackend>> backend = testing::OpenMemBackend(dir_);
      CHECK(backend.ok()) << backend.status().ToString();
      backend_ = std::move(*backend);
    }
    LogOptions options;
    options.segment_bytes = 400;  // rolls, and so snapshots, every few batches
    Result<std::unique_ptr<PartitionLog>> log =
        PartitionLog::Open(id_, backend_.get(), options, &clock_);
    CHECK(log.ok()) << log.status().ToString();
    log_ = std::move(*log);
  }

  void Restart(bool drop_snapshot) {
    const std::vector<ProducerInfo> before = log_->ActiveProducers();
    CHECK(log_->FlushForClose().ok());
    log_.reset();
    if (drop_snapshot) {
      Status dropped = backend_->DeleteMeta(PartitionLog::ProducerStateMetaName(id_));
      CHECK(dropped.ok() || dropped.IsNotFound()) << dropped.ToString();
    }
    Open();
    CHECK(log_->ActiveProducers() == before) << "the producers changed across a restart";
  }

  std::optional<Accepted> Last(int64_t id) const {
    for (auto it = accepted_.rbegin(); it != accepted_.rend(); ++it) {
      if (it->sent.producer_id == id) return *it;
    }
    return std::nullopt;
  }

  void Send(const Sent& sent, int count) {
    std::string batch = BatchOf(sent, count);
    const Offset end = log_->next_offset();
    const std::optional<Accepted> last = Last(sent.producer_id);
    Result<AppendResult> appended =
        log_->Append({reinterpret_cast<uint8_t*>(batch.data()), batch.size()});
    if (!appended.ok()) {
      const Status& s = appended.status();
      CHECK(s.IsOutOfOrderSequence() || s.IsInvalidProducerEpoch() || s.IsUnknownProducerId())
          << s.ToString();
      CHECK_EQ(log_->next_offset(), end) << "a refused batch was appended";
      return;
    }
    if (appended->duplicate) {
      CHECK_EQ(log_->next_offset(), end) << "a duplicate was appended";
      bool found = false;
      for (const Accepted& a : accepted_) {
        if (a.sent.Key() != sent.Key()) continue;
        found = true;
        CHECK_EQ(a.base_offset, appended->base_offset);
        CHECK_EQ(a.last_offset, appended->last_offset);
      }
      CHECK(found) << "a duplicate of a batch that was never accepted";
      return;
    }
    CHECK_EQ(appended->base_offset, end);
    if (last && last->sent.epoch == sent.epoch) {
      CHECK_EQ(sent.first_sequence, ProducerState::NextSequence(last->sent.last_sequence))
          << "a batch accepted out of order";
    } else if (last) {
      CHECK_GT(sent.epoch, last->sent.epoch) << "a batch of an older epoch accepted";
      CHECK_EQ(sent.first_sequence, 0) << "a new epoch accepted past sequence 0";
    } else {
      CHECK_EQ(sent.first_sequence, 0) << "an unknown producer accepted past sequence 0";
    }
    accepted_.push_back({sent, appended->base_offset, appended->last_offset});
  }

  const std::string dir_;
  const PartitionId id_{"fuzz", 0};
  ManualClock clock_{kNowMs};
  std::unique_ptr<StorageBackend> backend_;
  std::unique_ptr<PartitionLog> log_;
  std::vector<Accepted> accepted_;
};

void CheckSnapshotBlob(const uint8_t* data, size_t size) {
  Result<ProducerSnapshot> decoded =
      DecodeProducerSnapshot({reinterpret_cast<const char*>(data), size});
  if (!decoded.ok()) return;
  Result<ProducerSnapshot> again =
      DecodeProducerSnapshot(EncodeProducerSnapshot(decoded->state, decoded->end));
  CHECK(again.ok()) << again.status().ToString();
  CHECK(again->state == decoded->state);
  CHECK_EQ(again->end, decoded->end);
}

}  // namespace
}  // namespace ringlog

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ringlog::fuzz::QuietLogging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ringlog;
  CheckSnapshotBlob(data, size);
  static uint64_t runs = 0;
  // A new name each time: the in-memory disk of a removed directory is forgotten.
  const std::string dir = fuzz::ScratchDir() + "/producer-" + std::to_string(++runs);
  {
    Harness harness(dir);
    for (size_t at = 0; at + 3 <= size && at < 3 * kMaxOperations; at += 3) harness.Run(data + at);
    harness.CheckLog();
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return 0;
}
