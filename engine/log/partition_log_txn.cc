// PartitionLog's side of transactions: markers, the last stable offset and the aborted
// transactions that read_committed consumers skip.
#include <algorithm>
#include <future>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "engine/log/partition_log.h"
#include "engine/log/record_batch.h"

namespace ringlog {

std::string PartitionLog::AbortedTxnMetaName(const PartitionId& id) {
  return std::string(kAbortedTxnMetaPrefix) + id.ToString();
}

Result<AppendResult> PartitionLog::AppendMarker(const ControlMarker& marker) {
  if (marker.producer_id < 0 || marker.producer_epoch < 0) {
    return Status::InvalidArgument("transaction marker without a producer id or epoch");
  }
  std::string batch = BuildControlBatch(marker, clock_->NowMs());
  const std::span<uint8_t> bytes(reinterpret_cast<uint8_t*>(batch.data()), batch.size());
  ASSIGN_OR_RETURN(RecordBatchView view, RecordBatchView::Parse(bytes));
  const BatchHeader header = view.header();
  std::promise<Status> written;
  std::future<Status> outcome = written.get_future();
  Result<AppendResult> result = Status::Busy("not appended");
  {
    std::lock_guard append_lock(append_mu_);
    if (deleted_) return Deleted();
    if (write_failed_.load()) RETURN_IF_ERROR(RecoverFromFailedWriteLocked());
    const std::string which = "marker of producer " + std::to_string(marker.producer_id) +
                              " epoch " + std::to_string(marker.producer_epoch) + " to " +
                              id_.ToString();
    switch (producers_.CheckMarker(marker.producer_id, marker.producer_epoch,
                                   marker.coordinator_epoch)) {
      case MarkerCheck::kInvalidProducerEpoch:
        return Status::InvalidProducerEpoch(which + ": the epoch is older than the producer's");
      case MarkerCheck::kCoordinatorFenced:
        return Status::TransactionCoordinatorFenced(which + ": coordinator epoch " +
                                                    std::to_string(marker.coordinator_epoch) +
                                                    " is older than its last marker's");
      case MarkerCheck::kAppend:
        break;
    }
    result = WriteBatchLocked(bytes, header, std::nullopt, &marker,
                              [&written](Status status) { written.set_value(std::move(status)); });
  }
  if (!result.ok()) return result;
  RETURN_IF_ERROR(outcome.get().WithContext("append a marker to " + id_.ToString()));
  return result;
}

void PartitionLog::CompleteTxnLocked(const CompletedTxn& txn) {
  std::unique_lock map_lock(map_mu_);
  unstable_txns_.End(txn.first_offset, txn.last_offset);
  unstable_txns_.DropStable(replicated_ ? high_watermark_ : next_offset_);
  if (txn.aborted) {
    aborted_txns_.Add({txn.producer_id, txn.first_offset, txn.last_offset,
                       producers_.OldestOngoingTxn().value_or(txn.last_offset + 1)});
  }
}

void PartitionLog::DropTxnsBeforeLocked(Offset log_start) {
  std::unique_lock map_lock(map_mu_);
  aborted_txns_.DropBefore(log_start);
  unstable_txns_.Retain([this](int64_t producer_id, Offset first_offset) {
    return producers_.OngoingTxn(producer_id) == first_offset;
  });
}

Offset PartitionLog::LastStableLocked() const {
  const Offset hw = replicated_ ? high_watermark_ : next_offset_;
  // A transaction that began below a log start moved up since holds it there.
  return std::min(std::max(unstable_txns_.FirstUnstable(hw), log_start_offset_), hw);
}

Offset PartitionLog::last_stable_offset() const {
  std::shared_lock map_lock(map_mu_);
  return LastStableLocked();
}

std::vector<AbortedTxn> PartitionLog::AbortedTransactions(Offset from, Offset upto) const {
  std::vector<AbortedTxnEntry> entries;
  {
    std::shared_lock map_lock(map_mu_);
    entries = aborted_txns_.Collect(from, upto);
  }
  std::vector<AbortedTxn> txns;
  txns.reserve(entries.size());
  for (const AbortedTxnEntry& e : entries) txns.push_back({e.producer_id, e.first_offset});
  return txns;
}

}  // namespace ringlog
