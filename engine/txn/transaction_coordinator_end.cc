// The end of transactions: EndTxn, the markers and Complete* after it, and the
// time-driven work of Tick() (timeouts, expiry, retries).
#include <glog/logging.h>

#include <limits>
#include <memory>
#include <tuple>
#include <utility>
#include <vector>

#include "engine/txn/transaction_coordinator.h"

namespace ringlog {
namespace {

TxnState CompleteOf(TxnState prepared) {
  return prepared == TxnState::kPrepareCommit ? TxnState::kCompleteCommit
                                              : TxnState::kCompleteAbort;
}

}  // namespace

TxnMetadata TransactionCoordinator::PrepareEndLocked(TxnMetadata& txn, bool commit) {
  TxnMetadata next = txn;
  next.entry.state = commit ? TxnState::kPrepareCommit : TxnState::kPrepareAbort;
  next.entry.last_update_timestamp = clock_->NowMs();
  next.pending.reset();
  txn.pending = next.entry.state;
  return next;
}

TxnMetadata TransactionCoordinator::FenceLocked(TxnMetadata& txn) {
  // A fence whose write failed was never answered to anyone: its epoch is reused. At the
  // largest epoch there is nothing to bump to; the abort still ends the transaction.
  if (!txn.failed_epoch_fence && txn.entry.producer_epoch < std::numeric_limits<int16_t>::max()) {
    ++txn.entry.producer_epoch;
  }
  txn.last_producer_epoch = kNoProducerEpoch;
  return PrepareEndLocked(txn, /*commit=*/false);
}

void TransactionCoordinator::MarkFailedFence(int32_t partition, int32_t coordinator_epoch,
                                             const std::string& id) {
  std::lock_guard lock(mu_);
  if (TxnMetadata* txn = FindCurrentLocked(partition, coordinator_epoch, id)) {
    txn->failed_epoch_fence = true;
  }
}

void TransactionCoordinator::EndTxn(const EndTxnParams& params, ErrorCallback callback) {
  TxnMetadata next;
  int32_t partition = 0;
  int32_t coordinator_epoch = 0;
  TxnError error = TxnError::kNone;
  bool log = false;
  {
    std::lock_guard lock(mu_);
    Lookup found = FindLocked(params.transactional_id);
    error = found.error;
    if (error == TxnError::kNone) {
      error = CheckProducer(found.txn, params.producer_id, params.producer_epoch);
    }
    if (error == TxnError::kNone && found.txn->pending) {
      error = TxnError::kConcurrentTransactions;
    }
    if (error == TxnError::kNone) {
      TxnMetadata& txn = *found.txn;
      const bool commit = params.commit;
      // A retry of an EndTxn is answered by the state it left behind.
      switch (txn.entry.state) {
        case TxnState::kOngoing:
          next = PrepareEndLocked(txn, commit);
          partition = found.partition_index;
          coordinator_epoch = found.partition->coordinator_epoch;
          log = true;
          break;
        case TxnState::kCompleteCommit:
          error = commit ? TxnError::kNone : TxnError::kInvalidTxnState;
          break;
        case TxnState::kCompleteAbort:
          error = commit ? TxnError::kInvalidTxnState : TxnError::kNone;
          break;
        case TxnState::kPrepareCommit:
          error = commit ? TxnError::kConcurrentTransactions : TxnError::kInvalidTxnState;
          break;
        case TxnState::kPrepareAbort:
          error = commit ? TxnError::kInvalidTxnState : TxnError::kConcurrentTransactions;
          break;
        case TxnState::kEmpty:
        case TxnState::kDead:
        case TxnState::kPrepareEpochFence:
          error = TxnError::kInvalidTxnState;
          break;
      }
    }
  }
  if (!log) {
    callback(error);
    return;
  }
  EndTransaction(partition, coordinator_epoch, params.transactional_id, next, std::move(callback),
                 /*wait_for_completion=*/true);
}

void TransactionCoordinator::HeldAnswer::Answer(TxnError error) {
  if (!answered_.exchange(true)) answer_(error);
}

void TransactionCoordinator::EndTransaction(int32_t partition, int32_t coordinator_epoch,
                                            const std::string& id, const TxnMetadata& prepared,
                                            ErrorCallback answer, bool wait_for_completion) {
  LogTransition(partition, coordinator_epoch, id, prepared,
                [this, partition, coordinator_epoch, id, prepared, answer = std::move(answer),
                 wait_for_completion](TxnError logged) {
                  if (logged != TxnError::kNone) {
                    answer(logged);
                    return;
                  }
                  // Prepare* is durable: the outcome is decided, and the client may hear it now.
                  std::shared_ptr<HeldAnswer> held;
                  if (wait_for_completion && options_.end_txn_completion_wait_ms > 0) {
                    held = std::make_shared<HeldAnswer>(
                        answer, clock_->NowMs() + options_.end_txn_completion_wait_ms);
                    std::lock_guard lock(mu_);
                    held_answers_.push_back(held);
                  } else {
                    answer(TxnError::kNone);
                  }
                  WriteMarkers(partition, coordinator_epoch, id, prepared.entry, std::move(held));
                });
}

void TransactionCoordinator::WriteMarkers(int32_t partition, int32_t coordinator_epoch,
                                          const std::string& id, const TxnLogEntry& prepared,
                                          std::shared_ptr<HeldAnswer> held) {
  bool moved_on = false;
  {
    std::lock_guard lock(mu_);
    TxnMetadata* txn = FindCurrentLocked(partition, coordinator_epoch, id);
    // Another load, or another transition meanwhile, owns what follows.
    moved_on = txn == nullptr || txn->pending || txn->entry != prepared;
    if (!moved_on) txn->pending = CompleteOf(prepared.state);
  }
  if (moved_on) {
    if (held != nullptr) held->Answer(TxnError::kNone);
    return;
  }
  TxnMarkerRequest request{
      .producer_id = prepared.producer_id,
      .producer_epoch = prepared.producer_epoch,
      .type =
          prepared.state == TxnState::kPrepareCommit ? ControlType::kCommit : ControlType::kAbort,
      .coordinator_epoch = coordinator_epoch,
      .partitions =
          std::vector<PartitionId>(prepared.partitions.begin(), prepared.partitions.end()),
  };
  if (request.partitions.empty()) {
    LogComplete(partition, coordinator_epoch, id, std::move(held));
    return;
  }
  markers_->WriteMarkers(std::move(request),
                         [this, partition, coordinator_epoch, id, held = std::move(held)] {
                           LogComplete(partition, coordinator_epoch, id, held);
                         });
}

void TransactionCoordinator::LogComplete(int32_t partition, int32_t coordinator_epoch,
                                         const std::string& id, std::shared_ptr<HeldAnswer> held) {
  TxnLogEntry complete;
  bool moved_on = false;
  {
    std::lock_guard lock(mu_);
    TxnMetadata* txn = FindCurrentLocked(partition, coordinator_epoch, id);
    moved_on = txn == nullptr;
    if (!moved_on) {
      complete = txn->entry;
      // A retry after a failed flush finds its Complete* applied: it logs that again. A
      // transaction begun since needs nothing: its own durable record came after it.
      if (complete.state == TxnState::kPrepareCommit || complete.state == TxnState::kPrepareAbort) {
        complete.state = CompleteOf(complete.state);
      } else if (complete.state != TxnState::kCompleteCommit &&
                 complete.state != TxnState::kCompleteAbort) {
        moved_on = true;
      }
    }
  }
  if (moved_on) {
    // The outcome was decided with Prepare*; whoever owns the id now finishes it.
    if (held != nullptr) held->Answer(TxnError::kNone);
    return;
  }
  complete.partitions.clear();
  complete.last_update_timestamp = clock_->NowMs();
  // Complete* takes effect once appended, before it is durable: what it allows next (the
  // next transaction, a new epoch, expiry) logs a record of its own after it and waits for
  // that one to be durable, which this one then is too. A crash before that replays the
  // Prepare* and completes it again. The next transaction so waits for one flush, not two.
  auto applied = std::make_shared<bool>(false);
  auto apply = [this, partition, coordinator_epoch, id, complete, applied, held] {
    {
      std::lock_guard lock(mu_);
      TxnMetadata* txn = FindCurrentLocked(partition, coordinator_epoch, id);
      if (txn != nullptr) {
        txn->entry = complete;
        txn->pending.reset();
        *applied = true;
      }
    }
    if (held != nullptr) held->Answer(TxnError::kNone);
  };
  store_->Write(
      id, complete,
      [this, partition, coordinator_epoch, id, complete, applied, held](Status written) {
        // Not appended: the markers are written all the same, and Tick logs Complete*.
        if (held != nullptr) held->Answer(TxnError::kNone);
        if (written.ok()) return;
        LOG(WARNING) << "logging " << TxnStateName(complete.state) << " of transactional id " << id
                     << ": " << written.ToString();
        // The markers are written; only the record of it is missing. Tick writes it again
        // unless the id has moved on (a later record of it was logged).
        std::lock_guard lock(mu_);
        TxnMetadata* txn = FindCurrentLocked(partition, coordinator_epoch, id);
        if (txn == nullptr || (*applied && txn->entry != complete)) return;
        partitions_.at(partition).complete_retry.insert(id);
      },
      apply);
}

void TransactionCoordinator::Tick() {
  AbortTimedOut();
  ExpireIdle();
  RetryCompletes();
  AnswerOverdue();
  if (Status compacted = store_->MaybeCompact(); !compacted.ok()) {
    LOG(WARNING) << "transaction state snapshot: " << compacted.ToString();
  }
}

void TransactionCoordinator::AbortTimedOut() {
  std::vector<std::tuple<int32_t, int32_t, std::string, TxnMetadata>> aborts;
  const TimestampMs now = clock_->NowMs();
  {
    std::lock_guard lock(mu_);
    for (auto& [index, loaded] : partitions_) {
      for (auto& [id, txn] : loaded.txns) {
        if (txn.entry.state != TxnState::kOngoing || txn.pending ||
            txn.entry.start_timestamp + txn.entry.transaction_timeout_ms >= now) {
          continue;
        }
        LOG(INFO) << "aborting transaction " << id << " of producer " << txn.entry.producer_id
                  << ": older than its timeout of " << txn.entry.transaction_timeout_ms << " ms";
        aborts.emplace_back(index, loaded.coordinator_epoch, id, FenceLocked(txn));
      }
    }
  }
  // The lambdas below init-capture the bindings: clang 14 (the fuzz build) cannot capture
  // structured bindings.
  for (auto& [partition, coordinator_epoch, id, prepared] : aborts) {
    EndTransaction(
        partition, coordinator_epoch, id, prepared,
        [this, partition = partition, coordinator_epoch = coordinator_epoch,
         id = id](TxnError error) {
          if (error != TxnError::kNone) MarkFailedFence(partition, coordinator_epoch, id);
        },
        /*wait_for_completion=*/false);
  }
}

void TransactionCoordinator::ExpireIdle() {
  std::vector<std::tuple<int32_t, int32_t, std::string>> expired;
  const TimestampMs now = clock_->NowMs();
  {
    std::lock_guard lock(mu_);
    for (auto& [index, loaded] : partitions_) {
      for (auto& [id, txn] : loaded.txns) {
        const TxnState state = txn.entry.state;
        if (txn.pending || !IsValidTxnTransition(state, TxnState::kDead) ||
            txn.entry.last_update_timestamp + options_.transactional_id_expiration_ms > now) {
          continue;
        }
        txn.pending = TxnState::kDead;
        expired.emplace_back(index, loaded.coordinator_epoch, id);
      }
    }
  }
  for (auto& [partition, coordinator_epoch, id] : expired) {
    store_->Write(id, std::nullopt,
                  [this, partition = partition, coordinator_epoch = coordinator_epoch,
                   id = id](Status written) {
                    std::lock_guard lock(mu_);
                    if (FindCurrentLocked(partition, coordinator_epoch, id) == nullptr) return;
                    Loaded& loaded = partitions_.at(partition);
                    if (written.ok()) {
                      LOG(INFO) << "transactional id " << id << " expired";
                      loaded.txns.erase(id);
                    } else {
                      loaded.txns.at(id).pending.reset();
                    }
                  });
  }
}

void TransactionCoordinator::RetryCompletes() {
  std::vector<std::tuple<int32_t, int32_t, std::string>> retries;
  {
    std::lock_guard lock(mu_);
    for (auto& [index, loaded] : partitions_) {
      for (const std::string& id : loaded.complete_retry) {
        retries.emplace_back(index, loaded.coordinator_epoch, id);
      }
      loaded.complete_retry.clear();
    }
  }
  for (const auto& [partition, coordinator_epoch, id] : retries) {
    LogComplete(partition, coordinator_epoch, id, nullptr);
  }
}

void TransactionCoordinator::AnswerOverdue() {
  std::vector<std::shared_ptr<HeldAnswer>> overdue;
  const TimestampMs now = clock_->NowMs();
  {
    std::lock_guard lock(mu_);
    std::erase_if(held_answers_, [&](const std::shared_ptr<HeldAnswer>& held) {
      if (held->answered()) return true;
      if (held->deadline() > now) return false;
      overdue.push_back(held);
      return true;
    });
  }
  for (const auto& held : overdue) held->Answer(TxnError::kNone);
}

}  // namespace ringlog
