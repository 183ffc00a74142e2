#include "engine/group/offset_store.h"

#include <glog/logging.h>

#include <algorithm>

#include "engine/group/group_partition.h"
#include "engine/log/format.h"
#include "engine/log/internal_topics.h"
#include "engine/log/record_batch_builder.h"

namespace ringlog {
namespace {

InternalTopicOptions TopicOptions(const OffsetStoreOptions& options) {
  return {.topic = std::string(kConsumerOffsetsTopic),
          .num_partitions = options.offsets_topic_num_partitions,
          .create_topic = options.create_topic,
          .segment_bytes = options.segment_bytes,
          .await_replicas = options.await_replicas};
}

// The records of a commit of `offsets` by `group`.
std::vector<std::pair<OffsetKey, std::optional<CommittedOffset>>> Entries(
    const std::string& group, const OffsetStore::Offsets& offsets) {
  std::vector<std::pair<OffsetKey, std::optional<CommittedOffset>>> entries;
  entries.reserve(offsets.size());
  for (const auto& [partition, value] : offsets) {
    entries.emplace_back(OffsetKey{group, partition}, value);
  }
  return entries;
}

}  // namespace

OffsetStore::OffsetStore(LogManager* logs, Flusher* flusher, const Clock* clock,
                         const OffsetStoreOptions& options)
    : clock_(clock), options_(options), topic_(logs, flusher, TopicOptions(options)) {}

Result<std::unique_ptr<OffsetStore>> OffsetStore::Open(LogManager* logs, Flusher* flusher,
                                                       const Clock* clock,
                                                       const OffsetStoreOptions& options) {
  CHECK(logs != nullptr);
  CHECK(clock != nullptr);
  if (options.offsets_topic_num_partitions < 1) {
    return Status::InvalidArgument("offsets topic needs at least one partition");
  }
  std::unique_ptr<OffsetStore> store(new OffsetStore(logs, flusher, clock, options));
  store->topic_.Refresh();
  if (options.create_topic) {
    for (int32_t p = 0; p < store->num_partitions(); ++p) {
      RETURN_IF_ERROR(store->LoadPartition(p));
    }
    LOG(INFO) << "loaded " << store->live_offsets() << " committed offsets of "
              << store->Groups().size() << " groups from " << store->log_records() << " records in "
              << store->num_partitions() << " partitions";
  }
  return store;
}

int32_t OffsetStore::PartitionFor(std::string_view group) const {
  return OffsetsPartitionFor(group, num_partitions());
}

bool OffsetStore::Owns(std::string_view group) const {
  std::lock_guard lock(mu_);
  return FindLocked(group) != nullptr;
}

bool OffsetStore::IsLoaded(int32_t partition) const {
  std::lock_guard lock(mu_);
  return partitions_.contains(partition);
}

OffsetStore::Partition* OffsetStore::FindLocked(std::string_view group) {
  auto it = partitions_.find(PartitionFor(group));
  return it == partitions_.end() ? nullptr : &it->second;
}

const OffsetStore::Partition* OffsetStore::FindLocked(std::string_view group) const {
  auto it = partitions_.find(PartitionFor(group));
  return it == partitions_.end() ? nullptr : &it->second;
}

Status OffsetStore::LoadPartition(int32_t partition) {
  std::lock_guard load_lock(load_mu_);
  RETURN_IF_ERROR(topic_.CheckLoadable(partition));
  if (IsLoaded(partition)) return Status::OK();
  ASSIGN_OR_RETURN(Partition loaded, Replay(partition));
  // The single broker loads every partition at Open, which logs the sum.
  if (!options_.create_topic) {
    LOG(INFO) << "loaded offsets partition " << partition << ": " << loaded.state.live()
              << " offsets of " << loaded.state.Groups().size() << " groups from "
              << loaded.log_records << " records";
  }
  std::lock_guard lock(mu_);
  partitions_.emplace(partition, std::move(loaded));
  return Status::OK();
}

void OffsetStore::UnloadPartition(int32_t partition) {
  std::lock_guard lock(mu_);
  if (partitions_.erase(partition) > 0) {
    LOG(INFO) << "unloaded offsets partition " << partition;
  }
}

Result<OffsetStore::Partition> OffsetStore::Replay(int32_t index) const {
  Partition partition;
  ASSIGN_OR_RETURN(partition.log, topic_.Existing(index));
  if (partition.log == nullptr) return partition;
  const Offset start = partition.log->log_start_offset();
  RETURN_IF_ERROR(topic_.Replay(*partition.log, [&](const RecordBatchView& batch) {
    partition.log_records += partition.state.Replay(batch, start);
  }));
  return partition;
}

Result<std::optional<Offset>> OffsetStore::AppendLocked(int32_t index, Partition& partition,
                                                        std::span<const Entry> entries,
                                                        std::optional<TxnProducer> txn) {
  if (entries.empty()) return std::optional<Offset>();
  if (partition.log == nullptr) {
    ASSIGN_OR_RETURN(partition.log, topic_.Ensure(index));
  }
  BatchOptions options;
  if (txn) {
    // As Kafka's coordinator writes them: no sequence, so no idempotence check.
    options.attributes = kBatchAttrTransactional;
    options.producer_id = txn->id;
    options.producer_epoch = txn->epoch;
    options.base_sequence = -1;
  }
  const TimestampMs now = clock_->NowMs();
  std::vector<RecordData> records;
  records.reserve(entries.size());
  for (const auto& [key, value] : entries) {
    RecordData& record = records.emplace_back();
    record.key = EncodeOffsetKey(key);
    if (value) record.value = EncodeOffsetValue(*value);
    record.timestamp = now;
  }
  ASSIGN_OR_RETURN(
      const Offset last,
      topic_.Append(*partition.log, records, options, [&](size_t begin, size_t end, Offset base) {
        for (size_t i = begin; i < end; ++i) {
          const auto& [key, value] = entries[i];
          const Offset at = base + static_cast<Offset>(i - begin);
          if (txn) {
            partition.state.ApplyPending(txn->id, key, value, at);
          } else {
            partition.state.Apply(key, value, at);
          }
        }
        partition.log_records += static_cast<int64_t>(end - begin);
      }));
  return std::optional<Offset>(last);
}

void OffsetStore::Commit(const std::string& group, const Offsets& offsets, DoneCallback done) {
  CommitEntries(group, Entries(group, offsets), std::nullopt, std::move(done));
}

void OffsetStore::CommitPending(const std::string& group, int64_t producer_id,
                                int16_t producer_epoch, const Offsets& offsets, DoneCallback done) {
  CommitEntries(group, Entries(group, offsets), TxnProducer{producer_id, producer_epoch},
                std::move(done));
}

void OffsetStore::CompleteTransaction(int32_t partition, int64_t producer_id, ControlType type) {
  std::lock_guard lock(mu_);
  auto it = partitions_.find(partition);
  if (it != partitions_.end()) it->second.state.Complete(producer_id, type);
}

void OffsetStore::CommitEntries(const std::string& group, std::vector<Entry> entries,
                                std::optional<TxnProducer> txn, DoneCallback done) {
  const int32_t index = PartitionFor(group);
  std::shared_ptr<PartitionLog> log;
  Result<std::optional<Offset>> last = std::optional<Offset>();
  {
    std::lock_guard lock(mu_);
    auto it = partitions_.find(index);
    if (it == partitions_.end()) {
      last = Status::NotFound("offsets partition " + std::to_string(index) + " of group " + group +
                              " is not loaded here");
    } else {
      last = AppendLocked(index, it->second, entries, txn);
      log = it->second.log;
    }
  }
  if (!last.ok()) {
    done(last.status());
    return;
  }
  if (!last->has_value()) {
    done(Status::OK());
    return;
  }
  topic_.DurableThen(std::move(log), **last, std::move(done));
}

std::optional<CommittedOffset> OffsetStore::Get(const std::string& group,
                                                const PartitionId& p) const {
  std::lock_guard lock(mu_);
  const Partition* partition = FindLocked(group);
  if (partition == nullptr) return std::nullopt;
  return partition->state.Get(group, p);
}

OffsetStore::Offsets OffsetStore::GetAll(const std::string& group) const {
  return GetAllIfOwned(group).value_or(Offsets());
}

std::optional<OffsetStore::Offsets> OffsetStore::GetAllIfOwned(
    const std::string& group, std::set<PartitionId>* pending) const {
  std::lock_guard lock(mu_);
  const Partition* partition = FindLocked(group);
  if (partition == nullptr) return std::nullopt;
  if (pending != nullptr) *pending = partition->state.PendingPartitions(group);
  return partition->state.GetAll(group);
}

bool OffsetStore::HasGroup(const std::string& group) const {
  std::lock_guard lock(mu_);
  const Partition* partition = FindLocked(group);
  return partition != nullptr && partition->state.HasGroup(group);
}

std::vector<std::string> OffsetStore::Groups() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> groups;
  for (const auto& [index, partition] : partitions_) {
    std::vector<std::string> some = partition.state.Groups();
    groups.insert(groups.end(), some.begin(), some.end());
  }
  std::sort(groups.begin(), groups.end());
  return groups;
}

Status OffsetStore::DeleteWhere(std::optional<int32_t> only,
                                const std::function<bool(const OffsetKey&)>& select) {
  std::vector<std::shared_ptr<PartitionLog>> written;
  {
    std::lock_guard lock(mu_);
    if (only && !partitions_.contains(*only)) {
      return Status::NotFound("offsets partition " + std::to_string(*only) + " is not loaded here");
    }
    for (auto& [index, partition] : partitions_) {
      if (only && index != *only) continue;
      std::vector<Entry> tombstones;
      for (OffsetKey& key : partition.state.Keys(select)) {
        tombstones.emplace_back(std::move(key), std::nullopt);
      }
      if (tombstones.empty()) continue;
      RETURN_IF_ERROR(AppendLocked(index, partition, tombstones).status());
      written.push_back(partition.log);
    }
  }
  for (const std::shared_ptr<PartitionLog>& log : written) RETURN_IF_ERROR(log->Flush());
  return Status::OK();
}

Status OffsetStore::DeleteGroup(const std::string& group) {
  return DeleteWhere(PartitionFor(group), [&](const OffsetKey& key) { return key.group == group; });
}

Status OffsetStore::DeleteTopic(std::string_view topic) {
  return DeleteWhere(std::nullopt,
                     [&](const OffsetKey& key) { return key.partition.topic == topic; });
}

Status OffsetStore::MaybeCompact() {
  std::lock_guard load_lock(load_mu_);
  std::vector<int32_t> loaded;
  {
    std::lock_guard lock(mu_);
    for (const auto& [index, partition] : partitions_) loaded.push_back(index);
  }
  Status first_error;
  for (int32_t index : loaded) {
    if (Status compacted = CompactPartition(index); !compacted.ok() && first_error.ok()) {
      first_error = compacted;
    }
  }
  return first_error;
}

Status OffsetStore::CompactPartition(int32_t index) {
  std::shared_ptr<PartitionLog> log;
  Offset snapshot_start = 0;
  Offset new_start = 0;
  {
    std::lock_guard lock(mu_);
    auto it = partitions_.find(index);
    if (it == partitions_.end()) return Status::OK();  // unloaded meanwhile
    Partition& partition = it->second;
    const auto live = static_cast<int64_t>(partition.state.live());
    if (partition.log == nullptr || partition.log_records < options_.compact_min_records ||
        partition.log_records < 2 * live) {
      return Status::OK();
    }
    snapshot_start = partition.log->next_offset();
    new_start = std::min(snapshot_start, partition.state.OldestNeeded().value_or(snapshot_start));
    std::vector<Entry> snapshot;
    for (auto& [key, value] : partition.state.Restatable()) {
      snapshot.emplace_back(std::move(key), std::move(value));
    }
    // Held back by an old transaction, a snapshot may drop less than it writes: not yet.
    if (new_start - partition.log->log_start_offset() < static_cast<Offset>(snapshot.size()) ||
        new_start <= partition.log->log_start_offset()) {
      return Status::OK();
    }
    RETURN_IF_ERROR(AppendLocked(index, partition, snapshot).status());
    // Offsets stand in for the records kept before the snapshot (markers count too).
    partition.log_records = static_cast<int64_t>(snapshot.size()) + (snapshot_start - new_start);
    log = partition.log;
  }
  ASSIGN_OR_RETURN(const size_t removed, topic_.DropBefore(*log, new_start));
  LOG(INFO) << "offsets snapshot of partition " << index << " at " << snapshot_start
            << ", log start " << new_start << ": " << removed << " segments removed, "
            << log->size_bytes() << " bytes left";
  return Status::OK();
}

int64_t OffsetStore::log_records() const {
  std::lock_guard lock(mu_);
  int64_t records = 0;
  for (const auto& [index, partition] : partitions_) records += partition.log_records;
  return records;
}

size_t OffsetStore::live_offsets() const {
  std::lock_guard lock(mu_);
  size_t live = 0;
  for (const auto& [index, partition] : partitions_) live += partition.state.live();
  return live;
}

}  // namespace ringlog
