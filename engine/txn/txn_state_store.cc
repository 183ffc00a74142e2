#include "engine/txn/txn_state_store.h"

#include <glog/logging.h>

#include <vector>

#include "engine/group/group_partition.h"
#include "engine/log/internal_topics.h"
#include "engine/txn/txn_record.h"

namespace ringlog {
namespace {

std::string_view AsString(std::span<const uint8_t> bytes) {
  return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

InternalTopicOptions TopicOptions(const TxnStateStoreOptions& options) {
  return {.topic = std::string(kTransactionStateTopic),
          .num_partitions = options.num_partitions,
          .create_topic = options.create_topic,
          .segment_bytes = options.segment_bytes,
          .await_replicas = options.await_replicas};
}

}  // namespace

TxnStateStore::TxnStateStore(LogManager* logs, Flusher* flusher, const Clock* clock,
                             const TxnStateStoreOptions& options)
    : clock_(clock), options_(options), topic_(logs, flusher, TopicOptions(options)) {}

Result<std::unique_ptr<TxnStateStore>> TxnStateStore::Open(LogManager* logs, Flusher* flusher,
                                                           const Clock* clock,
                                                           const TxnStateStoreOptions& options) {
  CHECK(logs != nullptr);
  CHECK(clock != nullptr);
  if (options.num_partitions < 1) {
    return Status::InvalidArgument("transaction state topic needs at least one partition");
  }
  std::unique_ptr<TxnStateStore> store(new TxnStateStore(logs, flusher, clock, options));
  store->topic_.Refresh();
  return store;
}

int32_t TxnStateStore::PartitionFor(std::string_view transactional_id) const {
  // Kafka's rule for both internal topics: abs(javaHashCode(key)) % partitions.
  return OffsetsPartitionFor(transactional_id, num_partitions());
}

bool TxnStateStore::IsLoaded(int32_t partition) const {
  std::lock_guard lock(mu_);
  return partitions_.contains(partition);
}

Result<TxnStateStore::Entries> TxnStateStore::LoadPartition(int32_t partition) {
  std::lock_guard load_lock(load_mu_);
  RETURN_IF_ERROR(topic_.CheckLoadable(partition));
  ASSIGN_OR_RETURN(Partition loaded, Replay(partition));
  LOG(INFO) << "loaded transaction state partition " << partition << ": " << loaded.entries.size()
            << " ids from " << loaded.log_records << " records";
  Entries entries = loaded.entries;
  std::lock_guard lock(mu_);
  partitions_.insert_or_assign(partition, std::move(loaded));
  return entries;
}

void TxnStateStore::UnloadPartition(int32_t partition) {
  std::lock_guard lock(mu_);
  if (partitions_.erase(partition) > 0) {
    LOG(INFO) << "unloaded transaction state partition " << partition;
  }
}

Result<TxnStateStore::Partition> TxnStateStore::Replay(int32_t index) const {
  Partition partition;
  ASSIGN_OR_RETURN(partition.log, topic_.Existing(index));
  if (partition.log == nullptr) return partition;
  const Offset start = partition.log->log_start_offset();
  RETURN_IF_ERROR(topic_.Replay(
      *partition.log, [&](const RecordBatchView& batch) { ReplayBatch(batch, start, partition); }));
  return partition;
}

void TxnStateStore::ReplayBatch(const RecordBatchView& batch, Offset log_start, Partition& into) {
  Result<std::vector<Record>> records =
      batch.VerifyCrc().ok() ? DecodeRecords(batch) : Status::Corruption("batch CRC mismatch");
  if (!records.ok()) {
    LOG(ERROR) << "skipping transaction state batch at " << batch.header().base_offset << ": "
               << records.status().ToString();
    return;
  }
  for (const Record& record : *records) {
    if (record.offset < log_start) continue;
    ++into.log_records;
    Result<std::string> id =
        record.key ? DecodeTxnKey(AsString(*record.key)) : Status::Corruption("null key");
    Result<TxnLogEntry> value =
        record.value ? DecodeTxnValue(AsString(*record.value)) : Status::NotFound("tombstone");
    if (!id.ok() || (!value.ok() && !value.status().IsNotFound())) {
      LOG(ERROR) << "skipping transaction state record " << record.offset << ": "
                 << (id.ok() ? value.status() : id.status()).ToString();
      continue;
    }
    if (value.ok()) {
      into.entries.insert_or_assign(*id, *value);
    } else {
      into.entries.erase(*id);
    }
  }
}

Result<Offset> TxnStateStore::AppendLocked(
    int32_t index, Partition& partition,
    const std::map<std::string, std::optional<TxnLogEntry>>& records) {
  if (partition.log == nullptr) {
    ASSIGN_OR_RETURN(partition.log, topic_.Ensure(index));
  }
  const TimestampMs now = clock_->NowMs();
  std::vector<RecordData> data;
  std::vector<decltype(records.begin())> order;
  for (auto it = records.begin(); it != records.end(); ++it) {
    RecordData& record = data.emplace_back();
    record.key = EncodeTxnKey(it->first);
    if (it->second) record.value = EncodeTxnValue(*it->second);
    record.timestamp = now;
    order.push_back(it);
  }
  return topic_.Append(*partition.log, data, {}, [&](size_t begin, size_t end, Offset) {
    for (size_t i = begin; i < end; ++i) {
      const auto& [id, entry] = *order[i];
      if (entry) {
        partition.entries.insert_or_assign(id, *entry);
      } else {
        partition.entries.erase(id);
      }
    }
    partition.log_records += static_cast<int64_t>(end - begin);
  });
}

void TxnStateStore::Write(const std::string& transactional_id,
                          const std::optional<TxnLogEntry>& entry, DoneCallback done,
                          const std::function<void()>& appended) {
  const int32_t index = PartitionFor(transactional_id);
  std::shared_ptr<PartitionLog> log;
  Result<Offset> last = Offset{0};
  {
    std::lock_guard lock(mu_);
    auto it = partitions_.find(index);
    if (it == partitions_.end()) {
      last = Status::NotFound("transaction state partition " + std::to_string(index) +
                              " is not loaded here");
    } else {
      last = AppendLocked(index, it->second, {{transactional_id, entry}});
      log = it->second.log;
    }
  }
  if (!last.ok()) {
    done(last.status());
    return;
  }
  if (appended) appended();
  topic_.DurableThen(std::move(log), *last, std::move(done));
}

Status TxnStateStore::MaybeCompact() {
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

Status TxnStateStore::CompactPartition(int32_t index) {
  std::shared_ptr<PartitionLog> log;
  Offset snapshot_start = 0;
  {
    std::lock_guard lock(mu_);
    auto it = partitions_.find(index);
    if (it == partitions_.end()) return Status::OK();  // unloaded meanwhile
    Partition& partition = it->second;
    const auto live = static_cast<int64_t>(partition.entries.size());
    if (partition.log == nullptr || partition.log_records < options_.compact_min_records ||
        partition.log_records < 2 * live) {
      return Status::OK();
    }
    snapshot_start = partition.log->next_offset();
    if (live > 0) {
      std::map<std::string, std::optional<TxnLogEntry>> snapshot(partition.entries.begin(),
                                                                 partition.entries.end());
      RETURN_IF_ERROR(AppendLocked(index, partition, snapshot).status());
    }
    partition.log_records = live;
    log = partition.log;
  }
  ASSIGN_OR_RETURN(const size_t removed, topic_.DropBefore(*log, snapshot_start));
  LOG(INFO) << "transaction state snapshot of partition " << index << " at " << snapshot_start
            << ": " << removed << " segments removed";
  return Status::OK();
}

int64_t TxnStateStore::log_records() const {
  std::lock_guard lock(mu_);
  int64_t records = 0;
  for (const auto& [index, partition] : partitions_) records += partition.log_records;
  return records;
}

size_t TxnStateStore::live_entries() const {
  std::lock_guard lock(mu_);
  size_t live = 0;
  for (const auto& [index, partition] : partitions_) live += partition.entries.size();
  return live;
}

}  // namespace ringlog
