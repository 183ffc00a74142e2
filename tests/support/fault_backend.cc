#include "tests/support/fault_backend.h"

#include <glog/logging.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <utility>

namespace ringlog::testing {

class FaultBackend::State {
 public:
  // Counts the call, runs its hook, and returns the injected error for it, or OK.
  Status Check(FaultOp op) {
    std::function<void()> hook;
    {
      std::lock_guard lock(mu_);
      auto it = hooks_.find(op);
      if (it != hooks_.end()) hook = it->second;
    }
    // Outside the lock: a hook may stall its call while other calls go on.
    if (hook) hook();
    std::lock_guard lock(mu_);
    ++calls_[op];
    auto it = faults_.find(op);
    if (it == faults_.end()) return Status::OK();
    Fault& f = it->second;
    if (f.skip > 0) {
      --f.skip;
      return Status::OK();
    }
    if (f.count == 0) return Status::OK();
    if (f.count > 0) --f.count;
    return f.status;
  }

  void Inject(FaultOp op, Status status, int64_t skip, int64_t count) {
    std::lock_guard lock(mu_);
    faults_.insert_or_assign(op, Fault{std::move(status), skip, count});
  }
  void Clear() {
    std::lock_guard lock(mu_);
    faults_.clear();
  }
  void SetHook(FaultOp op, std::function<void()> hook) {
    std::lock_guard lock(mu_);
    if (hook) {
      hooks_.insert_or_assign(op, std::move(hook));
    } else {
      hooks_.erase(op);
    }
  }
  int64_t calls(FaultOp op) const {
    std::lock_guard lock(mu_);
    auto it = calls_.find(op);
    return it == calls_.end() ? 0 : it->second;
  }

  // Durable offsets: what survives SimulateCrash.
  void SetDurable(const PartitionId& p, Offset base, Offset durable) {
    std::lock_guard lock(mu_);
    durable_[p][base] = durable;
  }
  // Concurrent flushes of a segment may finish out of order: their ends only raise it.
  void RaiseDurable(const PartitionId& p, Offset base, Offset durable) {
    std::lock_guard lock(mu_);
    auto partition = durable_.find(p);
    if (partition == durable_.end()) return;
    auto it = partition->second.find(base);
    if (it != partition->second.end()) it->second = std::max(it->second, durable);
  }
  void LowerDurable(const PartitionId& p, Offset base, Offset limit) {
    std::lock_guard lock(mu_);
    auto& segments = durable_[p];
    auto it = segments.find(base);
    if (it != segments.end()) it->second = std::min(it->second, limit);
  }
  void ForgetSegment(const PartitionId& p, Offset base) {
    std::lock_guard lock(mu_);
    auto it = durable_.find(p);
    if (it != durable_.end()) it->second.erase(base);
  }
  void ForgetPartition(const PartitionId& p) {
    std::lock_guard lock(mu_);
    durable_.erase(p);
  }
  std::map<PartitionId, std::map<Offset, Offset>> durable() const {
    std::lock_guard lock(mu_);
    return durable_;
  }

  void SegmentOpened() { ++live_segments_; }
  void SegmentClosed() { --live_segments_; }
  int64_t live_segments() const { return live_segments_.load(); }

 private:
  struct Fault {
    Status status;
    int64_t skip = 0;
    int64_t count = 0;  // < 0: forever
  };

  mutable std::mutex mu_;
  std::map<FaultOp, Fault> faults_;
  std::map<FaultOp, std::function<void()>> hooks_;
  std::map<FaultOp, int64_t> calls_;
  std::map<PartitionId, std::map<Offset, Offset>> durable_;
  std::atomic<int64_t> live_segments_{0};
};

namespace {

class FaultSegment final : public Segment {
 public:
  FaultSegment(PartitionId partition, std::unique_ptr<Segment> inner,
               std::shared_ptr<FaultBackend::State> state)
      : partition_(std::move(partition)), inner_(std::move(inner)), state_(std::move(state)) {
    state_->SegmentOpened();
  }
  ~FaultSegment() override { state_->SegmentClosed(); }

  Offset base_offset() const override { return inner_->base_offset(); }
  Offset next_offset() const override { return inner_->next_offset(); }
  uint64_t size_bytes() const override { return inner_->size_bytes(); }
  TimestampMs max_timestamp() const override { return inner_->max_timestamp(); }
  bool sealed() const override { return inner_->sealed(); }

  Status Append(const RecordBatchView& batch, WrittenCallback written) override {
    RETURN_IF_ERROR(state_->Check(FaultOp::kAppend));
    // As a segment that writes behind: after a failed write it refuses appends until
    // TruncateTo.
    RETURN_IF_ERROR(WriteFailure());
    if (Status fault = state_->Check(FaultOp::kWrite); !fault.ok()) {
      {
        std::lock_guard lock(failure_mu_);
        write_failure_ = fault;
      }
      // The wrapped segment still writes the batch, so that the fault is reported in
      // append order, after the batches queued before it; like the stray bytes of a short
      // write, it is past what the log published, and TruncateTo removes it.
      return inner_->Append(batch,
                            [written = std::move(written), fault](Status) { written(fault); });
    }
    RETURN_IF_ERROR(inner_->Append(batch, std::move(written)));
    appended_end_ = batch.header().next_offset();
    return Status::OK();
  }
  Result<ReadResult> Read(Offset offset, size_t max_bytes) const override {
    RETURN_IF_ERROR(state_->Check(FaultOp::kRead));
    return inner_->Read(offset, max_bytes);
  }
  Result<Offset> FindOffsetByTimestamp(TimestampMs ts) const override {
    return inner_->FindOffsetByTimestamp(ts);
  }
  std::vector<DamagedRange> damaged_ranges() const override { return inner_->damaged_ranges(); }
  Status Flush() override {
    RETURN_IF_ERROR(state_->Check(FaultOp::kFlush));
    // Everything appended before the call is covered, written yet or not; appends racing
    // the flush may not be.
    const Offset end = std::max(appended_end_.load(), inner_->next_offset());
    RETURN_IF_ERROR(WriteFailure());
    RETURN_IF_ERROR(inner_->Flush());
    state_->RaiseDurable(partition_, inner_->base_offset(), end);
    return Status::OK();
  }
  Status Seal() override {
    RETURN_IF_ERROR(state_->Check(FaultOp::kSeal));
    return inner_->Seal();
  }
  Status TruncateTo(Offset offset) override {
    RETURN_IF_ERROR(state_->Check(FaultOp::kTruncate));
    {
      std::lock_guard lock(failure_mu_);
      write_failure_ = Status::OK();
    }
    RETURN_IF_ERROR(inner_->TruncateTo(offset));
    appended_end_ = inner_->next_offset();
    state_->LowerDurable(partition_, inner_->base_offset(), inner_->next_offset());
    return Status::OK();
  }

 private:
  const PartitionId partition_;
  const std::unique_ptr<Segment> inner_;
  const std::shared_ptr<FaultBackend::State> state_;
  Status WriteFailure() {
    std::lock_guard lock(failure_mu_);
    return write_failure_;
  }

  // Set by an injected kWrite, cleared by TruncateTo.
  std::mutex failure_mu_;
  Status write_failure_;
  // The offset after the last batch passed on to the wrapped segment.
  std::atomic<Offset> appended_end_{0};
};

}  // namespace

Result<std::unique_ptr<FaultBackend>> FaultBackend::Open(Opener opener) {
  ASSIGN_OR_RETURN(std::unique_ptr<StorageBackend> inner, opener());
  return std::unique_ptr<FaultBackend>(new FaultBackend(std::move(opener), std::move(inner)));
}

FaultBackend::FaultBackend(Opener opener, std::unique_ptr<StorageBackend> inner)
    : opener_(std::move(opener)), inner_(std::move(inner)), state_(std::make_shared<State>()) {}

FaultBackend::~FaultBackend() = default;

void FaultBackend::InjectFault(FaultOp op, Status status, int64_t skip, int64_t count) {
  CHECK(!status.ok()) << "inject an error, not OK";
  state_->Inject(op, std::move(status), skip, count);
}

void FaultBackend::ClearFaults() { state_->Clear(); }

void FaultBackend::SetHook(FaultOp op, std::function<void()> hook) {
  state_->SetHook(op, std::move(hook));
}

int64_t FaultBackend::calls(FaultOp op) const { return state_->calls(op); }

Status FaultBackend::SimulateCrash() {
  CHECK_EQ(state_->live_segments(), 0) << "destroy every user of the segments before a crash";
  // Destroyed without Close(): whatever the backend buffers is gone, as with kill -9.
  inner_.reset();
  ASSIGN_OR_RETURN(inner_, opener_());
  for (const auto& [partition, durable] : state_->durable()) {
    ASSIGN_OR_RETURN(std::vector<std::unique_ptr<Segment>> segments,
                     inner_->OpenPartition(partition, {}));
    for (const auto& segment : segments) {
      auto it = durable.find(segment->base_offset());
      if (it == durable.end() || segment->next_offset() <= it->second) continue;
      RETURN_IF_ERROR(segment->TruncateTo(it->second));
      RETURN_IF_ERROR(segment->Flush());
    }
  }
  return Status::OK();
}

std::unique_ptr<Segment> FaultBackend::Wrap(const PartitionId& partition,
                                            std::unique_ptr<Segment> inner) {
  return std::make_unique<FaultSegment>(partition, std::move(inner), state_);
}

std::string_view FaultBackend::name() const { return inner_->name(); }

BackendCapabilities FaultBackend::capabilities() const { return inner_->capabilities(); }

Result<std::vector<PartitionId>> FaultBackend::ListPartitions() {
  RETURN_IF_ERROR(state_->Check(FaultOp::kListPartitions));
  return inner_->ListPartitions();
}

Result<std::vector<std::unique_ptr<Segment>>> FaultBackend::OpenPartition(
    const PartitionId& partition, const SegmentOptions& options) {
  RETURN_IF_ERROR(state_->Check(FaultOp::kOpenPartition));
  ASSIGN_OR_RETURN(std::vector<std::unique_ptr<Segment>> segments,
                   inner_->OpenPartition(partition, options));
  // What recovery found counts as durable: it survived the last restart.
  state_->ForgetPartition(partition);
  for (auto& segment : segments) {
    state_->SetDurable(partition, segment->base_offset(), segment->next_offset());
    segment = Wrap(partition, std::move(segment));
  }
  return segments;
}

Result<std::unique_ptr<Segment>> FaultBackend::CreateSegment(const PartitionId& partition,
                                                             Offset base_offset,
                                                             const SegmentOptions& options) {
  RETURN_IF_ERROR(state_->Check(FaultOp::kCreateSegment));
  ASSIGN_OR_RETURN(std::unique_ptr<Segment> segment,
                   inner_->CreateSegment(partition, base_offset, options));
  state_->SetDurable(partition, base_offset, base_offset);
  return Wrap(partition, std::move(segment));
}

Status FaultBackend::DeleteSegment(const PartitionId& partition, Offset base_offset) {
  RETURN_IF_ERROR(state_->Check(FaultOp::kDeleteSegment));
  RETURN_IF_ERROR(inner_->DeleteSegment(partition, base_offset));
  state_->ForgetSegment(partition, base_offset);
  return Status::OK();
}

Status FaultBackend::DeletePartition(const PartitionId& partition) {
  RETURN_IF_ERROR(state_->Check(FaultOp::kDeletePartition));
  RETURN_IF_ERROR(inner_->DeletePartition(partition));
  state_->ForgetPartition(partition);
  return Status::OK();
}

Status FaultBackend::PutMeta(std::string_view name, std::string_view value) {
  RETURN_IF_ERROR(state_->Check(FaultOp::kPutMeta));
  return inner_->PutMeta(name, value);
}

Result<std::string> FaultBackend::GetMeta(std::string_view name) {
  RETURN_IF_ERROR(state_->Check(FaultOp::kGetMeta));
  return inner_->GetMeta(name);
}

Status FaultBackend::DeleteMeta(std::string_view name) {
  RETURN_IF_ERROR(state_->Check(FaultOp::kDeleteMeta));
  return inner_->DeleteMeta(name);
}

Result<std::vector<std::string>> FaultBackend::ListMeta(std::string_view prefix) {
  RETURN_IF_ERROR(state_->Check(FaultOp::kListMeta));
  return inner_->ListMeta(prefix);
}

Status FaultBackend::Close() {
  RETURN_IF_ERROR(state_->Check(FaultOp::kClose));
  return inner_->Close();
}

}  // namespace ringlog::testing
