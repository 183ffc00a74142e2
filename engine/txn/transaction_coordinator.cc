#include "engine/txn/transaction_coordinator.h"

#include <glog/logging.h>

#include <algorithm>
#include <utility>

#include "engine/log/internal_topics.h"

namespace ringlog {

TransactionCoordinator::TransactionCoordinator(std::unique_ptr<TxnStateStore> store,
                                               ProducerIdAllocator* ids, TxnMarkerWriter* markers,
                                               GroupPartitionFn group_partition, const Clock* clock,
                                               const TransactionCoordinatorOptions& options)
    : store_(std::move(store)),
      ids_(ids),
      markers_(markers),
      group_partition_(std::move(group_partition)),
      clock_(clock),
      options_(options) {
  CHECK(store_ != nullptr);
  CHECK(ids_ != nullptr);
  CHECK(markers_ != nullptr);
  CHECK(clock_ != nullptr);
}

int32_t TransactionCoordinator::PartitionFor(std::string_view transactional_id) const {
  return store_->PartitionFor(transactional_id);
}

int32_t TransactionCoordinator::num_partitions() const { return store_->num_partitions(); }

bool TransactionCoordinator::IsLoaded(int32_t partition) const {
  std::lock_guard lock(mu_);
  return partitions_.contains(partition);
}

Status TransactionCoordinator::LoadPartition(int32_t partition, int32_t coordinator_epoch) {
  uint64_t load = 0;
  {
    std::lock_guard lock(mu_);
    auto it = partitions_.find(partition);
    if (it != partitions_.end() && it->second.coordinator_epoch >= coordinator_epoch) {
      return Status::OK();
    }
    if (loading_.contains(partition)) {
      return Status::Busy("transaction state partition " + std::to_string(partition) +
                          " is being loaded");
    }
    // An older load is replaced: its callbacks in flight find the epoch changed and stop.
    partitions_.erase(partition);
    load = ++loads_;
    loading_.emplace(partition, load);
  }
  Result<TxnStateStore::Entries> entries = store_->LoadPartition(partition);
  std::vector<std::pair<std::string, TxnLogEntry>> prepared;
  bool unloaded = false;
  {
    std::lock_guard lock(mu_);
    auto it = loading_.find(partition);
    unloaded = it == loading_.end();
    if (unloaded || it->second != load) {
      // Unloaded meanwhile (and perhaps being loaded again): this load is void.
      entries = Status::Busy("transaction state partition " + std::to_string(partition) +
                             " was unloaded while loading");
    } else {
      loading_.erase(it);
    }
    if (entries.ok()) {
      Loaded& loaded = partitions_[partition];
      loaded.coordinator_epoch = coordinator_epoch;
      for (auto& [id, entry] : *entries) {
        if (entry.state == TxnState::kPrepareCommit || entry.state == TxnState::kPrepareAbort) {
          prepared.emplace_back(id, entry);
        }
        loaded.txns[id].entry = std::move(entry);
      }
    }
  }
  if (unloaded) store_->UnloadPartition(partition);
  if (!entries.ok()) return entries.status();
  // The previous coordinator answered these EndTxn calls; finish what it began.
  for (const auto& [id, entry] : prepared) {
    LOG(INFO) << "completing transaction " << id << " found in " << TxnStateName(entry.state);
    WriteMarkers(partition, coordinator_epoch, id, entry, nullptr);
  }
  return Status::OK();
}

void TransactionCoordinator::UnloadPartition(int32_t partition) {
  {
    std::lock_guard lock(mu_);
    partitions_.erase(partition);
    loading_.erase(partition);  // a load in progress finds it cancelled
  }
  store_->UnloadPartition(partition);
}

TransactionCoordinator::Lookup TransactionCoordinator::FindLocked(
    const std::string& transactional_id) const {
  Lookup found;
  if (transactional_id.empty()) {
    found.error = TxnError::kInvalidRequest;
    return found;
  }
  const int32_t partition = PartitionFor(transactional_id);
  if (loading_.contains(partition)) {
    found.error = TxnError::kCoordinatorLoadInProgress;
    return found;
  }
  auto it = partitions_.find(partition);
  if (it == partitions_.end()) {
    found.error = TxnError::kNotCoordinator;
    return found;
  }
  // The caller holds mu_ and may change what it finds; const only says FindLocked does not.
  Loaded& loaded = const_cast<Loaded&>(it->second);
  found.partition_index = partition;
  found.partition = &loaded;
  auto txn = loaded.txns.find(transactional_id);
  if (txn != loaded.txns.end()) found.txn = &txn->second;
  return found;
}

TxnMetadata* TransactionCoordinator::FindCurrentLocked(int32_t partition, int32_t coordinator_epoch,
                                                       const std::string& id) {
  auto it = partitions_.find(partition);
  if (it == partitions_.end() || it->second.coordinator_epoch != coordinator_epoch) return nullptr;
  auto txn = it->second.txns.find(id);
  return txn == it->second.txns.end() ? nullptr : &txn->second;
}

void TransactionCoordinator::LogTransition(int32_t partition, int32_t coordinator_epoch,
                                           const std::string& id, const TxnMetadata& next,
                                           ErrorCallback done) {
  store_->Write(
      id, next.entry,
      [this, partition, coordinator_epoch, id, next, done = std::move(done)](Status written) {
        TxnError error = TxnError::kNone;
        {
          std::lock_guard lock(mu_);
          TxnMetadata* txn = FindCurrentLocked(partition, coordinator_epoch, id);
          if (txn == nullptr) {
            error = TxnError::kNotCoordinator;
          } else if (!written.ok()) {
            LOG(WARNING) << "logging " << TxnStateName(next.entry.state) << " of transactional id "
                         << id << ": " << written.ToString();
            txn->pending.reset();
            error = written.IsNotFound() ? TxnError::kNotCoordinator
                                         : TxnError::kCoordinatorNotAvailable;
          } else {
            *txn = next;
            txn->pending.reset();
            txn->failed_epoch_fence = false;
          }
        }
        done(error);
      });
}

void TransactionCoordinator::InitProducerId(const InitProducerIdParams& params,
                                            InitProducerIdCallback callback) {
  if (params.transaction_timeout_ms <= 0 ||
      params.transaction_timeout_ms > options_.max_transaction_timeout_ms) {
    callback({.error = TxnError::kInvalidTransactionTimeout});
    return;
  }
  TxnMetadata next;
  bool fence = false;
  int32_t partition = 0;
  int32_t coordinator_epoch = 0;
  TxnError error = TxnError::kNone;
  {
    std::lock_guard lock(mu_);
    Lookup found = FindLocked(params.transactional_id);
    error = found.error;
    if (error == TxnError::kNone && found.txn == nullptr) {
      // A new id: Kafka keeps it at epoch -1 until the bump to 0 is logged.
      Result<int64_t> producer_id = ids_->Next();
      if (producer_id.ok()) {
        found.txn = &found.partition->txns[params.transactional_id];
        found.txn->entry.producer_id = *producer_id;
        found.txn->entry.transaction_timeout_ms = params.transaction_timeout_ms;
        found.txn->entry.last_update_timestamp = clock_->NowMs();
      } else {
        LOG(WARNING) << "no producer id for " << params.transactional_id << ": "
                     << producer_id.status().ToString();
        error = TxnError::kCoordinatorNotAvailable;
      }
    }
    if (error == TxnError::kNone) {
      partition = found.partition_index;
      coordinator_epoch = found.partition->coordinator_epoch;
      error = PrepareInitLocked(params, *found.txn, &next, &fence);
    }
  }
  if (error != TxnError::kNone) {
    callback({.error = error});
    return;
  }
  if (fence) {
    // The older incarnation's transaction is aborted at the bumped epoch; the producer
    // retries and then gets an epoch of its own (told once the abort completed, if it
    // does in time, so that the retry is not refused again).
    EndTransaction(
        partition, coordinator_epoch, params.transactional_id, next,
        [this, partition, coordinator_epoch, id = params.transactional_id,
         callback = std::move(callback)](TxnError aborted) {
          if (aborted != TxnError::kNone) {
            MarkFailedFence(partition, coordinator_epoch, id);
            callback({.error = aborted});
            return;
          }
          callback({.error = TxnError::kConcurrentTransactions});
        },
        /*wait_for_completion=*/true);
    return;
  }
  LogTransition(partition, coordinator_epoch, params.transactional_id, next,
                [next, callback = std::move(callback)](TxnError logged) {
                  if (logged != TxnError::kNone) {
                    callback({.error = logged});
                    return;
                  }
                  callback({.error = TxnError::kNone,
                            .producer_id = next.entry.producer_id,
                            .producer_epoch = next.entry.producer_epoch});
                });
}

TxnError TransactionCoordinator::PrepareInitLocked(const InitProducerIdParams& params,
                                                   TxnMetadata& txn, TxnMetadata* next,
                                                   bool* fence) {
  const TxnLogEntry& current = txn.entry;
  const bool expected = params.producer_id != kNoProducerId;
  // KIP-360: a producer naming its id and epoch is fenced unless the id is new, is this
  // id, or is the id before a rotation that the producer's exhausted epoch caused.
  const bool valid_producer = !expected || current.producer_epoch == kNoProducerEpoch ||
                              params.producer_id == current.producer_id ||
                              (params.producer_id == txn.last_producer_id &&
                               IsProducerEpochExhausted(params.producer_epoch));
  if (txn.pending) return TxnError::kConcurrentTransactions;
  if (!valid_producer) return TxnError::kProducerFenced;
  switch (current.state) {
    case TxnState::kPrepareCommit:
    case TxnState::kPrepareAbort:
      return TxnError::kConcurrentTransactions;
    case TxnState::kOngoing:
      *fence = true;
      *next = FenceLocked(txn);
      return TxnError::kNone;
    case TxnState::kEmpty:
    case TxnState::kCompleteCommit:
    case TxnState::kCompleteAbort:
      break;
    case TxnState::kDead:
    case TxnState::kPrepareEpochFence:
      // Never a current state here: Dead ids are removed, and a fence goes straight to
      // PrepareAbort.
      LOG(DFATAL) << "transactional id " << params.transactional_id << " in "
                  << TxnStateName(current.state);
      return TxnError::kConcurrentTransactions;
  }
  *next = txn;
  next->entry.state = TxnState::kEmpty;
  next->entry.partitions.clear();
  next->entry.start_timestamp = -1;
  next->entry.last_update_timestamp = clock_->NowMs();
  next->entry.transaction_timeout_ms = params.transaction_timeout_ms;
  next->last_producer_id = current.producer_id;
  if (IsProducerEpochExhausted(current.producer_epoch) &&
      (!expected || params.producer_epoch == current.producer_epoch)) {
    Result<int64_t> rotated = ids_->Next();
    if (!rotated.ok()) {
      LOG(WARNING) << "no producer id to rotate " << params.transactional_id
                   << " to: " << rotated.status().ToString();
      return TxnError::kCoordinatorNotAvailable;
    }
    next->entry.producer_id = *rotated;
    next->entry.producer_epoch = 0;
    next->last_producer_epoch = expected ? current.producer_epoch : kNoProducerEpoch;
  } else if (IsProducerEpochExhausted(current.producer_epoch)) {
    return TxnError::kProducerFenced;  // an exhausted epoch that is not the producer's
  } else if (!expected) {
    next->entry.producer_epoch = static_cast<int16_t>(current.producer_epoch + 1);
    next->last_producer_epoch = kNoProducerEpoch;
  } else if (current.producer_epoch == kNoProducerEpoch ||
             params.producer_epoch == current.producer_epoch) {
    // The producer recovers from an error and no one else took the id: bump.
    next->entry.producer_epoch = static_cast<int16_t>(current.producer_epoch + 1);
    next->last_producer_epoch = current.producer_epoch;
  } else if (params.producer_epoch == txn.last_producer_epoch) {
    // A retry of a bump whose answer was lost: the same answer again.
    next->last_producer_id = txn.last_producer_id;
  } else {
    return TxnError::kProducerFenced;
  }
  next->pending.reset();
  txn.pending = TxnState::kEmpty;
  return TxnError::kNone;
}

TxnError TransactionCoordinator::CheckProducer(const TxnMetadata* txn, int64_t producer_id,
                                               int16_t producer_epoch) {
  if (txn == nullptr || txn->entry.producer_id != producer_id) {
    return TxnError::kInvalidProducerIdMapping;
  }
  if (txn->entry.producer_epoch != producer_epoch) return TxnError::kProducerFenced;
  return TxnError::kNone;
}

void TransactionCoordinator::AddPartitions(const AddPartitionsParams& params,
                                           ErrorCallback callback) {
  TxnMetadata next;
  int32_t partition = 0;
  int32_t coordinator_epoch = 0;
  TxnError error = TxnError::kNone;
  bool added_already = false;
  {
    std::lock_guard lock(mu_);
    Lookup found = FindLocked(params.transactional_id);
    error = found.error;
    if (error == TxnError::kNone) {
      error = CheckProducer(found.txn, params.producer_id, params.producer_epoch);
    }
    if (error == TxnError::kNone) {
      TxnMetadata& txn = *found.txn;
      const TxnState state = txn.entry.state;
      added_already = state == TxnState::kOngoing &&
                      std::ranges::all_of(params.partitions, [&](const PartitionId& p) {
                        return txn.entry.partitions.contains(p);
                      });
      if (txn.pending || state == TxnState::kPrepareCommit || state == TxnState::kPrepareAbort) {
        error = TxnError::kConcurrentTransactions;
      } else if (!added_already) {
        const TimestampMs now = clock_->NowMs();
        next = txn;
        if (state != TxnState::kOngoing) next.entry.start_timestamp = now;
        next.entry.state = TxnState::kOngoing;
        next.entry.partitions.insert(params.partitions.begin(), params.partitions.end());
        next.entry.last_update_timestamp = now;
        txn.pending = TxnState::kOngoing;
        partition = found.partition_index;
        coordinator_epoch = found.partition->coordinator_epoch;
      }
    }
  }
  if (error != TxnError::kNone || added_already) {
    callback(error);
    return;
  }
  LogTransition(partition, coordinator_epoch, params.transactional_id, next, std::move(callback));
}

std::map<PartitionId, TxnError> TransactionCoordinator::VerifyPartitions(
    const AddPartitionsParams& params) const {
  std::map<PartitionId, TxnError> result;
  std::lock_guard lock(mu_);
  Lookup found = FindLocked(params.transactional_id);
  TxnError error = found.error;
  if (error == TxnError::kNone) {
    error = CheckProducer(found.txn, params.producer_id, params.producer_epoch);
  }
  if (error == TxnError::kNone && (found.txn->entry.state == TxnState::kPrepareCommit ||
                                   found.txn->entry.state == TxnState::kPrepareAbort)) {
    error = TxnError::kConcurrentTransactions;
  }
  for (const PartitionId& p : params.partitions) {
    // Pending transitions do not matter: a partition is in the transaction once its
    // addition is logged, until the Complete* is.
    result[p] = error != TxnError::kNone                  ? error
                : found.txn->entry.partitions.contains(p) ? TxnError::kNone
                                                          : TxnError::kTransactionAbortable;
  }
  return result;
}

void TransactionCoordinator::AddOffsets(const std::string& transactional_id, int64_t producer_id,
                                        int16_t producer_epoch, const std::string& group_id,
                                        ErrorCallback callback) {
  AddPartitionsParams params{
      .transactional_id = transactional_id,
      .producer_id = producer_id,
      .producer_epoch = producer_epoch,
      .partitions = {PartitionId{std::string(kConsumerOffsetsTopic), group_partition_(group_id)}},
  };
  AddPartitions(params, std::move(callback));
}

TxnListResult TransactionCoordinator::ListTransactions(const TxnListFilter& filter) const {
  TxnListResult result;
  const TimestampMs now = clock_->NowMs();
  std::lock_guard lock(mu_);
  if (!loading_.empty()) {
    result.error = TxnError::kCoordinatorLoadInProgress;
    return result;
  }
  for (const auto& [index, loaded] : partitions_) {
    for (const auto& [id, txn] : loaded.txns) {
      const TxnLogEntry& entry = txn.entry;
      if (!filter.states.empty() &&
          std::ranges::find(filter.states, entry.state) == filter.states.end()) {
        continue;
      }
      if (!filter.producer_ids.empty() &&
          std::ranges::find(filter.producer_ids, entry.producer_id) == filter.producer_ids.end()) {
        continue;
      }
      if (filter.min_duration_ms >= 0 && now - entry.start_timestamp < filter.min_duration_ms) {
        continue;
      }
      result.transactions.push_back(
          {.transactional_id = id, .producer_id = entry.producer_id, .state = entry.state});
    }
  }
  std::ranges::sort(result.transactions, {}, &TxnListing::transactional_id);
  return result;
}

TxnDescription TransactionCoordinator::DescribeTransaction(
    const std::string& transactional_id) const {
  TxnDescription description;
  description.transactional_id = transactional_id;
  std::lock_guard lock(mu_);
  Lookup found = FindLocked(transactional_id);
  description.error = found.error;
  if (found.error == TxnError::kNone && found.txn == nullptr) {
    description.error = TxnError::kTransactionalIdNotFound;
  }
  if (description.error != TxnError::kNone) return description;
  const TxnLogEntry& entry = found.txn->entry;
  description.state = entry.state;
  description.transaction_timeout_ms = entry.transaction_timeout_ms;
  description.start_timestamp = entry.start_timestamp;
  description.producer_id = entry.producer_id;
  description.producer_epoch = entry.producer_epoch;
  description.partitions.assign(entry.partitions.begin(), entry.partitions.end());
  return description;
}

}  // namespace ringlog
